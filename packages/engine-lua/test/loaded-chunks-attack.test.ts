import { describe, expect, it } from 'vitest'
import { runInChild } from './child.js'

// A function made by `load` keeps its prototype's debug strings: the chunk name (by default
// the whole source text), and the names of its locals and upvalues. The memory walk counted
// none of these, and lost the strings it found below a closure's prototype (constants too:
// `bytes += proto(...)` read `bytes` before the call that added them), so a script could
// keep 1 MB per loaded function uncounted: 400 functions grew the host by ~500 MB under a
// 16 MiB limit.
// Child process with a capped heap (built packages: `pnpm run build` first).

const MiB = 1024 * 1024
const LIMITS = { memoryBytes: 16 * MiB, timeoutMs: 60_000, instructions: false as const }

describe('strings kept by loaded functions count against the memory limit', () => {
  it('the chunk name: load(source) names the chunk by its source', async () => {
    const src = `local keep = {}
      for i = 1, 200 do keep[i] = load(string.rep(' ', 1000000) .. 'return ' .. i) end
      return #keep`
    const r = await runInChild(src, { limits: LIMITS, heapMB: 768, killAfterMs: 120_000 })
    expect(r.error).toMatchObject({ name: 'LimitExceededError', limit: 'memory' })
    expect(r.rssGrowthMB).toBeLessThan(120)
    expect(r.after).toBe(42)
  }, 150_000)

  it('the names of locals and upvalues', async () => {
    const src = `local keep = {}
      for i = 1, 200 do
        local n = string.rep('a', 300000) .. i
        keep[i] = load('local ' .. n .. ' = 1 return function() return ' .. n .. ' end', '=x')
      end
      return #keep`
    const r = await runInChild(src, { limits: LIMITS, heapMB: 768, killAfterMs: 120_000 })
    expect(r.error).toMatchObject({ name: 'LimitExceededError', limit: 'memory' })
    expect(r.rssGrowthMB).toBeLessThan(120)
    expect(r.after).toBe(42)
  }, 150_000)

  it('string constants of loaded functions', async () => {
    const src = `local keep = {}
      for i = 1, 200 do keep[i] = load('return "' .. string.rep('c', 1000000) .. i .. '"', '=x') end
      return #keep`
    const r = await runInChild(src, { limits: LIMITS, heapMB: 768, killAfterMs: 120_000 })
    expect(r.error).toMatchObject({ name: 'LimitExceededError', limit: 'memory' })
    expect(r.rssGrowthMB).toBeLessThan(120)
    expect(r.after).toBe(42)
  }, 150_000)

  it('the instructions of loaded functions, counted as they are emitted', async () => {
    // ~1e6 instructions per load, ~112 MB of host heap, counted at 48 bytes each and only
    // when something else re-measured: ten loads took a 512 MB host down under a 32 MiB limit
    const src = `local src = 'local t = {' .. string.rep('1,', 1000000) .. '}'
      local keep = {}
      for i = 1, 10 do keep[i] = load(src) end
      return #keep`
    const r = await runInChild(src, { limits: { ...LIMITS, memoryBytes: 32 * MiB }, heapMB: 512, killAfterMs: 120_000 })
    expect(r.error).toMatchObject({ name: 'LimitExceededError', limit: 'memory' })
    expect(r.rssGrowthMB).toBeLessThan(200)
    expect(r.after).toBe(42)
  }, 150_000)

  it('gmatch iterators, with their match state', async () => {
    // each iterator holds ~480 bytes of match state beside its closure, counted as nothing:
    // 200k of them took 131 MB of heap against 34 MB counted
    const src = `local keep = {}
      for i = 1, 1000000 do keep[i] = string.gmatch('abc', '.') end
      return #keep`
    const r = await runInChild(src, { limits: { ...LIMITS, memoryBytes: 64 * MiB }, heapMB: 768, killAfterMs: 120_000 })
    expect(r.error).toMatchObject({ name: 'LimitExceededError', limit: 'memory' })
    expect(r.rssGrowthMB).toBeLessThan(150)
    expect(r.after).toBe(42)
  }, 150_000)
})
