import { createHost, type Host, LimitExceededError } from '@polyhost/core'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { luaEngine } from '../src/index.js'
import { Meter } from '../src/meter.js'

// One builtin that makes one large string and fills it (string.rep, table.concat, `..`,
// string.format, string.upper) has no deadline check until it is done, and the first touch
// of its new pages costs 35-150 µs per 4 KiB on this project's VMs: inline, under a 200 ms
// limit, `string.rep('x', 2^25)` held the host 1.5-2.6 s, and `table.concat` of 20 MiB
// 1.5-1.9 s in some runs (each ended by the timeout only after the call). An allocation whose pages could not be
// touched by the deadline is now refused with the timeout (core's first-touch.ts, Meter.touch).

const MiB = 2 ** 20
let host: Host
beforeAll(async () => {
  host = await createHost({ engines: [luaEngine()], policy: 'standard', pool: { min: 1, max: 1 } })
})
afterAll(async () => {
  await host.close()
})

/** Runs `source` inline; the error (if any) and the milliseconds the host waited for it. */
async function timed(source: string, limits: { timeoutMs: number; memoryBytes: number }) {
  const started = performance.now()
  try {
    const r = await host.execute({ language: 'lua', source, limits })
    return { value: r.values[0], ms: performance.now() - started }
  } catch (error) {
    return { error, ms: performance.now() - started }
  }
}

describe('an allocation whose first touch cannot end by the deadline', () => {
  const LIMITS = { timeoutMs: 200, memoryBytes: 64 * MiB }
  const CALLS: Record<string, string> = {
    "string.rep('x', 2^25)": "local s = string.rep('x', 2^25) return #s",
    'table.concat of 20 MiB': "local s = string.rep('x', 2^20) local t = {} for i = 1, 20 do t[i] = s end return #table.concat(t)",
  }
  for (const [name, source] of Object.entries(CALLS)) {
    it(`is refused with the timeout near the limit: ${name}`, { timeout: 60_000 }, async () => {
      await timed('return 1', LIMITS) // a warm state: the time bounded is the call's
      const o = await timed(source, LIMITS)
      expect(o.error).toBeInstanceOf(LimitExceededError)
      expect((o.error as LimitExceededError).limit).toBe('timeout')
      expect(o.ms).toBeLessThan(1_000)
      expect((await timed("return 'after'", LIMITS)).value).toBe('after')
    })
  }

  it('is allowed when the time limit leaves room', { timeout: 60_000 }, async () => {
    const o = await timed("return #string.rep('x', 2^24)", { timeoutMs: 5_000, memoryBytes: 64 * MiB })
    expect(o.value).toBe(2 ** 24)
  })
})

describe("a builtin's result copied out of its buffer", () => {
  // the string a builtin pushes is a copy of its buffer (luaS_new): a second allocation as
  // large as the first, whose pages were touched without asking (string.rep('x', 2^24) held
  // a 200 ms limit 0.45-0.67 s in three of four runs on a loaded machine, 0.16-0.29 s after)
  it('is asked about as its buffer is', { timeout: 60_000 }, async () => {
    const touch = vi.spyOn(Meter.prototype, 'touch')
    try {
      const o = await timed("return #string.rep('x', 4 * 2^20)", { timeoutMs: 5_000, memoryBytes: 64 * MiB })
      expect(o.value).toBe(4 * MiB)
      expect(touch.mock.calls.map(([, bytes]) => bytes)).toEqual([4 * MiB, 4 * MiB])
    } finally {
      touch.mockRestore()
    }
  })
})
