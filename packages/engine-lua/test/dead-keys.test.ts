import { describe, expect, it } from 'vitest'
import { runInChild } from './child.js'

// fengari keeps the keys deleted from a table (its "dead" entries, for `next` during a
// traversal) until the table's next insertion. For a string key that is a JS copy of the
// whole string: a table per deleted 1 MiB key kept ~650 MB alive under a 16 MiB limit.
// The scripts run in a child with a 256 MB heap (built packages: `pnpm run build` first).

const MiB = 1024 * 1024
const LIMITS = { memoryBytes: 16 * MiB, timeoutMs: 10_000, instructions: false as const }

describe('deleted table keys count against the memory limit', () => {
  it('1 MiB string keys, each deleted from its own table', async () => {
    const src = `local keep, b = {}, string.rep('x', 1 << 20)
      for i = 1, 600 do local s = b .. i local t = {} t[s] = true t[s] = nil keep[i] = t end
      return #keep`
    const r = await runInChild(src, { limits: LIMITS })
    expect(r.error).toMatchObject({ name: 'LimitExceededError', limit: 'memory' })
    expect(r.rssGrowthMB).toBeLessThan(100)
    expect(r.after).toBe(42)
  }, 90_000)

  it('many number keys, deleted after the last insertion', async () => {
    const src = `local keep = {}
      for j = 1, 200 do local t = {} for i = 1, 20000 do t[i] = true end for i = 1, 20000 do t[i] = nil end keep[j] = t end
      return #keep`
    const r = await runInChild(src, { limits: LIMITS })
    expect(r.error).toMatchObject({ name: 'LimitExceededError', limit: 'memory' })
    expect(r.rssGrowthMB).toBeLessThan(150)
    expect(r.after).toBe(42)
  }, 90_000)

  it('a traversal that deletes as it goes still works', async () => {
    const src = `local t = {} for i = 1, 100 do t['k' .. i] = i end
      local n = 0 for k, v in pairs(t) do t[k] = nil n = n + v end
      return n, next(t)`
    const r = await runInChild(src, { limits: LIMITS })
    expect(r.values).toEqual([5050, null])
  }, 90_000)
})
