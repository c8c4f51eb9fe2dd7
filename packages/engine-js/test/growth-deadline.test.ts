import { describe, expect, it } from 'vitest'
import { expectEachTimesOut, runInline } from './child/run-inline.js'

// A single builtin call that allocates as it goes is one tick, and nothing checked the deadline
// inside it: inline, under a 200 ms limit and 256 MiB, `s.split('')` of 4 MB held the host
// 1.7 s, `[...s]` and `Array.from(s)` 2.0 s, the same over 8 MB ran until the memory limit
// (2.7–3.7 s), as did `replace(/b/g, '$\`')` (2 s). Every heap growth now asks whether the
// execution is past its deadline, and refuses it if so (the timeout is recorded first), so
// such a call ends at its next growth (heap-guard.ts `overdue`).

describe('a builtin call that allocates stops at the deadline', () => {
  const LIMITS = { timeoutMs: 200, memoryBytes: 256 * 2 ** 20 }
  // a rope made in microseconds: the builtin flattens and walks it
  const doubled = (unit: string, n: number) => `let s = '${unit}'; while (s.length < ${n}) s += s;`
  const CALLS: Record<string, string> = {
    "split('') of 8 MB": `${doubled('ab', 8e6)} s.split('').length`,
    "split('', 1e9) of 8 MB": `${doubled('ab', 8e6)} s.split('', 1e9).length`,
    'string spread of 8 MB': `${doubled('ab', 8e6)} [...s].length`,
    'Array.from of an 8 MB string': `${doubled('ab', 8e6)} Array.from(s).length`,
    "replace(/b/g, '$`') of 4 MB": `${doubled('ab', 4e6)} s.replace(/b/g, '$\`').length`,
  }
  it('each ends with timeout, near the limit, and the next execution runs', { timeout: 60_000 }, async () => {
    // the first execution also makes the state (a second or more on a loaded machine): not timed
    await expectEachTimesOut(CALLS, LIMITS, 1_500)
  })
  it('a growth within the time limit is not refused', { timeout: 60_000 }, async () => {
    const [o] = await runInline([`${doubled('ab', 1e6)} s.split('').length`], { timeoutMs: 20_000, memoryBytes: 256 * 2 ** 20 })
    expect(o?.value).toBe(2 ** 20)
  })
})

// One large allocation filled by one builtin has a single growth, allowed while time was left,
// then only first touches of new pages (35-55 µs per 4 KiB here): inline, under a 200 ms limit,
// flattening a doubled string of 2^25 UTF-16 units held the host 1.2 s, `new ArrayBuffer(4e8)`
// 2.5 s. A growth whose pages could not be touched by the deadline is now refused (core's first-touch.ts).
describe('a growth whose first touch cannot end by the deadline', () => {
  const LIMITS = { timeoutMs: 200, memoryBytes: 512 * 2 ** 20 }
  const flatten = (n: number) => `let s = '\\u0301'; while (s.length < ${n}) s += s; s.charCodeAt(5)`
  const CALLS: Record<string, string> = {
    'a doubled string of 2^27 units flattened by charCodeAt': flatten(1e8),
    'new ArrayBuffer(3e8)': 'new ArrayBuffer(3e8).byteLength',
  }
  it('is refused with timeout, near the limit, and the next execution runs', { timeout: 60_000 }, async () => {
    // the first execution also makes the state (a second or more on a loaded machine): not timed
    await expectEachTimesOut(CALLS, LIMITS, 1_000)
  })
  it('is allowed when the time limit leaves room', { timeout: 60_000 }, async () => {
    const [o] = await runInline([flatten(2e7)], { timeoutMs: 30_000, memoryBytes: 512 * 2 ** 20 })
    expect(o?.value).toBe(0x301)
  })
})
