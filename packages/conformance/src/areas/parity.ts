import { seededRandom } from '@polyhost/core/engine'
import { expectTrip, test } from '../checks.js'
import type { ConformanceArea } from '../types.js'

/** A frozen clock on a whole second, so clocks that read seconds (Lua's `os.time`) read it exactly. */
const FROZEN_AT = 1_700_000_000_000

/**
 * What core guarantees alike for every engine: host functions handed in `globals` are
 * metered as bridge calls, and a seeded policy gives the one sequence core defines
 * (`seededRandom`) and the one frozen clock — so two engines under one seed agree.
 */
export const parityArea: ConformanceArea = {
  name: 'parity',
  tests: [
    test('parity.host-function-counts', 'a host function passed in globals counts against bridgeCalls, like a bridge method', async (t) => {
      let calls = 0
      const globals = { tick: () => ++calls }
      const r = await t.run(await t.host(), t.s.callGlobal('tick', []), { globals })
      t.expect(r.value).toBe(1)
      t.expect(r.stats.bridgeCalls, 'one call of a host function is one bridge call').toBe(1)
    }),
    test(
      'parity.host-function-trips',
      'calling host functions beyond bridgeCalls stops the execution even when the script catches errors',
      async (t) => {
        let calls = 0
        const host = await t.host({ limits: { bridgeCalls: 5 }, pool: { max: 1 } })
        await expectTrip(t, host, t.s.bridgeLoop('tick'), 'bridgeCalls', { globals: { tick: () => ++calls } })
        t.expect(calls, 'the host function ran exactly bridgeCalls times').toBe(5)
      },
      [{ limit: 'bridgeCalls' }],
    ),
    test(
      'parity.seeded-sequence',
      "a seeded policy gives core's seededRandom sequence, the same in every engine",
      async (t) => {
        for (const seed of [0, 7, -3, 2 ** 32 + 9]) {
          const host = await t.host({ policy: { preset: 'standard', determinism: { random: 'seeded', seed } } })
          const want = Array.from({ length: 6 }, seededRandom(seed))
          const draws = (t.s.randomDraws as (n: number) => string)(6)
          t.expect((await t.run(host, draws)).value, `seed ${seed}`).toEqual(want)
          t.expect((await t.run(host, draws)).value, `seed ${seed}: every execution starts the sequence afresh`).toEqual(want)
        }
      },
      ['determinism'],
    ),
    test(
      'parity.unseeded-differs',
      'without a seed, two executions draw different values',
      async (t) => {
        const host = await t.host({ pool: { max: 1 } })
        const draws = (t.s.randomDraws as (n: number) => string)(4)
        const a = (await t.run(host, draws)).value
        const b = (await t.run(host, draws)).value
        t.expect(a).not.toEqual(b)
      },
      ['determinism'],
    ),
    test(
      'parity.frozen-clock',
      'a frozen clock reads the policy’s time in every engine',
      async (t) => {
        const host = await t.host({ policy: { preset: 'standard', determinism: { time: 'frozen', now: FROZEN_AT } } })
        const clock = (t.s.clockMs as () => string)()
        t.expect((await t.run(host, clock)).value).toBe(FROZEN_AT)
        await new Promise((resolve) => setTimeout(resolve, 1100))
        t.expect((await t.run(host, clock)).value, 'still frozen a second later').toBe(FROZEN_AT)
      },
      ['determinism'],
    ),
  ],
}
