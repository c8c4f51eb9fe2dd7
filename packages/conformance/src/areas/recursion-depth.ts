import { LimitExceededError } from '@polyhost/core'
import { expectTrip, rejection, test } from '../checks.js'
import type { TestKit } from '../kit.js'
import type { ConformanceArea } from '../types.js'

/** The nesting real programs need: what the `standard` preset must allow. */
const STANDARD_DEPTH = 1000
/** Deep recursion that must never take the host down, whatever stops it. */
const DEEP = 100_000

/**
 * Recursion depth: the `standard` preset runs 1,000 nested calls; a stack trip states the
 * figures really hit (`used` = `max` + 1, the same numbers as its message); 100,000 nested
 * calls either run or trip `stack` — never crash the host, inline or in a worker.
 */
export const recursionDepthArea: ConformanceArea = {
  name: 'recursion-depth',
  tests: [
    test(
      'recursion-depth.standard',
      'the standard preset runs 1,000 nested calls of a script function',
      async (t) => {
        // a policy may only tighten its preset: this host exists only if standard allows 1,000
        const host = await t.host({ policy: 'standard', limits: { stackDepth: STANDARD_DEPTH } })
        t.expect((await t.run(host, t.s.recursion(STANDARD_DEPTH))).value).toBe(STANDARD_DEPTH)
      },
      [{ limit: 'stack' }],
    ),
    test(
      'recursion-depth.trip-states-limit',
      'a stack trip states the limit really hit: used = max + 1, as its message says',
      async (t) => {
        const host = await t.host({ policy: 'standard', limits: { stackDepth: STANDARD_DEPTH }, pool: { max: 1 } })
        const e = await expectTrip(t, host, t.s.deepRecursion(), 'stack')
        checkFigures(t, e)
        if (t.caps.limits.stack === 'exact') t.expect(e.max, 'an exact stack limit trips at the policy').toBe(STANDARD_DEPTH)
        else t.expect(e.max, 'an approximate stack holds the standard depth').toBeGreaterThanOrEqual(STANDARD_DEPTH)
      },
      [{ limit: 'stack' }],
    ),
    test(
      'recursion-depth.deep',
      '100,000 nested calls run or trip the stack limit; the host works afterwards',
      async (t) => {
        const host = await t.host({ policy: 'minimal', limits: { stackDepth: 2 * DEEP, timeoutMs: 30_000 }, pool: { max: 1 } })
        const outcome = await t.run(host, t.s.recursion(DEEP)).then(
          (r) => r.value,
          (e: unknown) => e,
        )
        if (outcome instanceof Error) {
          t.expect(outcome, `${outcome.name}: ${outcome.message}`).toBeInstanceOf(LimitExceededError)
          t.expect(t.caps.limits.stack, 'only an approximate stack may stop short of the policy').toBe('approximate')
          checkFigures(t, outcome as LimitExceededError)
        } else {
          t.expect(outcome).toBe(DEEP)
        }
        t.expect((await t.run(host, t.s.recursion(10))).value, 'the host still works').toBe(10)
        await rejection(t.run(host, t.s.deepRecursion()))
      },
      [{ limit: 'stack' }],
    ),
  ],
}

// --- internal ---

function checkFigures(t: TestKit, e: LimitExceededError): void {
  t.expect(e.limit).toBe('stack')
  t.expect(e.used, 'used is one frame past max').toBe(e.max + 1)
  t.expect(e.message).toContain(`(${e.used} > ${e.max})`)
}
