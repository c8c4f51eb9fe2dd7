import { defineBridge, type Host, LimitExceededError } from '@polyhost/core'
import { failsWith, test } from '../checks.js'
import type { TestKit } from '../kit.js'
import type { ConformanceArea } from '../types.js'

const MiB = 1024 * 1024
/** Numbers cost a conversion nothing but time: millions of them must still meet the deadline. */
const MANY = 6_000_000
/** Past a 100 ms limit (a worker also copies the value over): without checks JS ran 6.6 s and Lua 56 s. */
const ALLOWANCE_MS = 3_000

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
        await tripsInTime(t, host, t.s.readGlobal('many'), { globals: { many }, limits: { timeoutMs: 100 } })
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
        await tripsInTime(t, host, t.s.callBridge('big.numbers', []), { limits: { timeoutMs: 100 } })
      },
      [{ limit: 'timeout' }],
    ),
  ],
}

/**
 * The run trips `timeout` within the allowance and the host serves the next execution. (A
 * worker may be terminated instead of answering: its states are then gone, not discarded.)
 */
async function tripsInTime(t: TestKit, host: Host, source: string, options: object): Promise<void> {
  const started = performance.now()
  const e = await failsWith(t, t.run(host, source, options), LimitExceededError)
  t.expect(e.limit, e.message).toBe('timeout')
  t.expect(performance.now() - started).toBeLessThanOrEqual(100 + ALLOWANCE_MS)
  t.expect((await t.run(host, t.s.returnLiteral('still fine'))).value).toBe('still fine')
}
