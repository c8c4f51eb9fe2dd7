import { describe, expect, it } from 'vitest'
import { runInChild } from './child.js'

// print and io.write decode their arguments into host text and join them before the line is
// logged: one call with many references to one string built far more host memory than the
// script's budget (40 copies of 16 MiB under 32 MiB: the host process died of heap
// exhaustion, output limit or not). The line is now bounded as it is built. Each run is in a
// child with a 512 MB heap (built packages: `pnpm run build` first).

const MiB = 1024 * 1024
const BIG = "local s = string.rep('x', 2^24) local t = {} for i = 1, 200 do t[i] = s end "
const NO_OUTPUT_LIMIT = { timeoutMs: 5_000, instructions: false as const, memoryBytes: 32 * MiB, outputBytes: false as const }

describe('one print or io.write call cannot build more host text than the memory budget', () => {
  const cases: [string, string][] = [
    ['print of 40 literal arguments', `${BIG}print(${Array(40).fill('s').join(', ')})`],
    ['print(table.unpack(t))', `${BIG}print(table.unpack(t))`],
    ['io.write(table.unpack(t))', `${BIG}io.write(table.unpack(t))`],
    [
      'print of 5,000 references to 1 MiB',
      "local s = string.rep('x', 2^20) local t = {} for i = 1, 5000 do t[i] = s end print(table.unpack(t))",
    ],
  ]
  for (const [name, source] of cases) {
    it(name, async () => {
      const r = await runInChild(source, { limits: NO_OUTPUT_LIMIT, heapMB: 512, killAfterMs: 60_000 })
      expect(r.error, JSON.stringify(r)).toMatchObject({ name: 'LimitExceededError', limit: 'memory' })
      expect(r.rssGrowthMB).toBeLessThan(200)
      expect(r.after).toBe(42)
    }, 60_000)
  }

  it('with an output limit, the line trips it before it is built', async () => {
    const limits = { ...NO_OUTPUT_LIMIT, outputBytes: 1 * MiB }
    const r = await runInChild(`${BIG}print(table.unpack(t))`, { limits, heapMB: 512, killAfterMs: 60_000 })
    expect(r.error, JSON.stringify(r)).toMatchObject({ name: 'LimitExceededError', limit: 'output', max: MiB })
    expect(r.rssGrowthMB).toBeLessThan(200)
  }, 60_000)

  it('a line that fits is printed whole', async () => {
    const source = "local s = string.rep('x', 2^20) print(s, s, s) io.write(s, s) return 1"
    const r = await runInChild(source, { limits: { ...NO_OUTPUT_LIMIT, memoryBytes: 64 * MiB }, heapMB: 512 })
    expect(r.error, JSON.stringify(r)).toBeUndefined()
    expect(r.values).toEqual([1])
    expect(r.logLengths).toEqual([3 * 2 ** 20 + 2, 2 * 2 ** 20])
  }, 60_000)
})
