import { describe, expect, it } from 'vitest'
import { runInChild } from './child.js'

// A deleted key whose hash is an object (a table, a function, a coroutine) is kept in the
// table's `dead_weak` WeakMap until the table's next insertion: one entry per deleted key
// for as long as the key lives. Keys that are shared library functions are never charged to
// the script, so a table holding only their dead entries was charged as an empty table
// (20,000 such tables grew the host by ~200 MB under a 16 MiB limit). Child process with a
// capped heap (built packages: `pnpm run build` first).

const MiB = 1024 * 1024
const LIMITS = { memoryBytes: 16 * MiB, timeoutMs: 30_000, instructions: false as const }
const SHARED_KEYS = `local ks = {}
  for _, lib in pairs({string, table, math, utf8, coroutine, _G, os}) do
    for _, v in pairs(lib) do if type(v) == 'function' or type(v) == 'table' then ks[#ks + 1] = v end end
  end`

describe('deleted object keys count against the memory limit', () => {
  it('shared library functions as deleted keys, in many tables', async () => {
    const src = `${SHARED_KEYS}
      local keep = {}
      for i = 1, 60000 do
        local t = {}
        for j = 1, #ks do t[ks[j]] = true end
        for j = 1, #ks do t[ks[j]] = nil end
        keep[i] = t
      end
      return #keep`
    const r = await runInChild(src, { limits: LIMITS, heapMB: 512 })
    expect(r.error).toMatchObject({ name: 'LimitExceededError', limit: 'memory' })
    expect(r.rssGrowthMB).toBeLessThan(120)
    expect(r.after).toBe(42)
  }, 90_000)

  it('script tables as deleted keys in one table', async () => {
    const src = `local keys, t = {}, {}
      for i = 1, 400000 do local k = {} keys[i] = k t[k] = true end
      for i = 1, #keys do t[keys[i]] = nil end
      return #keys`
    const r = await runInChild(src, { limits: LIMITS, heapMB: 512 })
    expect(r.error).toMatchObject({ name: 'LimitExceededError', limit: 'memory' })
    expect(r.after).toBe(42)
  }, 90_000)

  it('a traversal that deletes object keys as it goes still works', async () => {
    const src = `local t, n = {}, 0 for i = 1, 100 do t[{}] = i end
      for k, v in pairs(t) do t[k] = nil n = n + v end
      t[{}] = 1
      return n, next(t) ~= nil`
    const r = await runInChild(src, { limits: LIMITS })
    expect(r.values).toEqual([5050, true])
  }, 90_000)
})
