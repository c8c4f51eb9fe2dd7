import { describe, it } from 'vitest'
import { expectEachTimesOut } from './child/run-inline.js'
import { itAnswersAsRaw, rawDifferential } from './raw-differential.js'

// A number with an exponent from -30 to -399 takes QuickJS's exact conversion, microseconds
// each, inside one JSON.parse call that no interrupt check stops (the parse was charged by the
// text's length only, and that charge brings the next check forward to after the call):
// inline, under a 200 ms limit, JSON.parse('[' + '1.5e-320,'.repeat(1e6) + '0]') held the host
// 7.4-8.9 s at load ~20 on 2 cores. Such numbers are now counted before a long text is
// parsed, and the parse is refused when they could not be converted in the time left
// (guest-heavy-builtins.ts); the answers are the builtin's.

describe('JSON.parse of many numbers with large negative exponents', () => {
  const LIMITS = { timeoutMs: 200, memoryBytes: 256 * 2 ** 20 }
  const numbers = (n: string, count: number) => `JSON.parse('[' + '${n},'.repeat(${count}) + '0]').length`
  const CALLS: Record<string, string> = {
    'subnormals (1.5e-320) x 1e6': numbers('1.5e-320', 1e6),
    'e-300 x 1e6': numbers('1.5e-300', 1e6),
    'E-99 nested in objects x 5e5': `JSON.parse('[' + '{"a":[2E-99]},'.repeat(5e5) + '0]').length`,
  }
  it('ends with timeout near the limit, and the next execution runs', { timeout: 60_000 }, async () => {
    // the first execution also makes the state (a second or more on a loaded machine): not timed
    await expectEachTimesOut(CALLS, LIMITS, 1_500)
  })
})

describe('JSON.parse of long texts answers as the builtin', () => {
  const d = rawDifferential({ limits: { timeoutMs: 60_000, memoryBytes: 64 * 2 ** 20 } })
  itAnswersAsRaw(d, {
    'numbers with exponents': `JSON.stringify(JSON.parse('[' + '1.5e-320,2.5e-30,-7E-308,1e-400,3e-29,4e+300,'.repeat(400) + '0]'))`,
    'exponents inside strings': `JSON.stringify(JSON.parse('[' + '"e-300 E-99 1e-30",'.repeat(400) + '1e-300]'))`,
    'a reviver': `JSON.stringify(JSON.parse('[' + '1e-300,'.repeat(400) + '2]', (k, v) => typeof v === 'number' ? v * 1e300 : v))`,
    'a syntax error after exponents': `JSON.parse('[' + '1e-300,'.repeat(400) + 'x]')`,
    'a bad exponent': `JSON.parse('[' + '1,'.repeat(600) + '1e-]')`,
    'a non-string text': `JSON.parse({ toString: () => '[' + '1e-300,'.repeat(400) + '1]' }).length`,
    'a text without exponents': `JSON.parse('[' + '1.25,'.repeat(1000) + '"e"]').length`,
  })
})
