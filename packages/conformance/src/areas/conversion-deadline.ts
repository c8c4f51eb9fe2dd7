import { defineBridge } from '@polyhost/core'
import { expectTrip, test } from '../checks.js'
import type { ConformanceArea } from '../types.js'

const MiB = 1024 * 1024
/** Numbers cost a conversion nothing but time: millions of them must still meet the deadline. */
const MANY = 6_000_000
/** Past a 100 ms limit; a conversion without checks ran 2.9 s (JS) and 24 s (Lua) past it. */
const ALLOWANCE_MS = 1_500

/**
 * The deadline holds while values cross: a global or a bridge result of millions of numbers
 * (which add no bytes of their own to the memory budget) stops at the time limit instead of
 * holding the thread until it is converted.
 */
export const conversionDeadlineArea: ConformanceArea = {
  name: 'conversion-deadline',
  tests: [
    test(
      'conversion-deadline.global',
      'a global of 6 million numbers stops at the time limit',
      async (t) => {
        const host = await t.host({ limits: { timeoutMs: 10_000, memoryBytes: 512 * MiB }, pool: { max: 1 } })
        await t.run(host, t.s.returnLiteral('warm'))
        const many = Array.from({ length: MANY }, (_, i) => i)
        const started = performance.now()
        await expectTrip(t, host, t.s.readGlobal('many'), 'timeout', { globals: { many }, limits: { timeoutMs: 100 } })
        t.expect(performance.now() - started).toBeLessThanOrEqual(100 + ALLOWANCE_MS)
      },
      [{ limit: 'timeout' }],
    ),
    test(
      'conversion-deadline.bridge-result',
      'a bridge result of 6 million numbers stops at the time limit',
      async (t) => {
        const host = await t.host({ limits: { timeoutMs: 10_000, memoryBytes: 512 * MiB }, pool: { max: 1 } })
        const many = Array.from({ length: MANY }, (_, i) => i)
        host.bridges.register(defineBridge({ name: 'big', methods: { numbers: { args: [], handler: () => many } } }))
        await t.run(host, t.s.returnLiteral('warm'))
        const started = performance.now()
        await expectTrip(t, host, t.s.callBridge('big.numbers', []), 'timeout', { limits: { timeoutMs: 100 } })
        t.expect(performance.now() - started).toBeLessThanOrEqual(100 + ALLOWANCE_MS)
      },
      [{ limit: 'timeout' }],
    ),
  ],
}
