import { defineBridge, LimitExceededError } from '@polyhost/core'
import { expectTrip, failsWith, isNil, test } from '../checks.js'
import { BridgeProbe } from '../fixtures.js'
import type { ConformanceArea } from '../types.js'

const MiB = 1024 * 1024

export const limitsArea: ConformanceArea = {
  name: 'limits',
  tests: [
    test(
      'limits.instructions.trips',
      'an endless loop that catches errors stops at the instruction budget',
      async (t) => {
        const host = await t.host({ limits: { instructions: 200_000, timeoutMs: 20_000 }, pool: { max: 1 } })
        await t.run(host, t.s.writeGlobal('before', 1) + '\n' + t.s.returnLiteral(true))
        await expectTrip(t, host, t.s.infiniteLoop(), 'instructions')
        t.expect(isNil((await t.run(host, t.s.readGlobal('before'))).value), 'nothing survives in the pool').toBe(true)
      },
      [{ limit: 'instructions' }],
    ),
    test(
      'limits.instructions.counted',
      'a short script runs within its budget and reports instructions used',
      async (t) => {
        const r = await t.run(await t.host({ limits: { instructions: 1_000_000 } }), t.s.recursion(10))
        t.expect(r.value).toBe(10)
        // an approximate counter may tick in coarse units (e.g. per 10k interrupts) and read 0 here
        if (t.caps.limits.instructions === 'exact') t.expect(r.stats.instructions).toBeGreaterThan(0)
        else t.expect(r.stats.instructions).toBeGreaterThanOrEqual(0)
      },
      [{ limit: 'instructions' }],
    ),
    test(
      'limits.timeout.trips',
      'an endless loop stops at the deadline',
      async (t) => {
        // the host's own timeout stays loose: the follow-up "next execution is correct" check may
        // have to build a fresh state (a replaced worker), which must not count against 150 ms
        const host = await t.host({ limits: { timeoutMs: 10_000, instructions: false }, pool: { max: 1 } })
        // a warm state first: the 150 ms go to the loop, not to making a state (the trip must discard one)
        await t.run(host, t.s.returnLiteral('warm'))
        const e = await expectTrip(t, host, t.s.infiniteLoop(), 'timeout', { limits: { timeoutMs: 150 } })
        t.expect(e.max).toBe(150)
      },
      [{ limit: 'timeout' }],
    ),
    test(
      'limits.timeout.async-bridge',
      'a deadline passing while an async bridge is in flight ends the execution and aborts the handler’s signal',
      async (t) => {
        const host = await t.host({ limits: { timeoutMs: 10_000 }, pool: { max: 1 } })
        const probe = new BridgeProbe().on(host)
        // a warm state first, so the 150 ms go to the script reaching the bridge, not to setup
        await t.run(host, t.s.returnLiteral('warm'))
        await expectTrip(t, host, t.s.awaitBridge('kv.hold', ['x']), 'timeout', { limits: { timeoutMs: 150 } })
        t.expect(probe.signals[0]?.aborted).toBe(true)
        t.expect(probe.signals[0]?.reason).toBeInstanceOf(LimitExceededError)
      },
      [{ limit: 'timeout' }, 'asyncBridges'],
    ),
    test(
      'limits.timeout.request',
      'a request may tighten the timeout, never loosen it',
      async (t) => {
        const host = await t.host({ limits: { timeoutMs: 10_000, instructions: false }, pool: { max: 1 } })
        await t.run(host, t.s.returnLiteral('warm'))
        await expectTrip(t, host, t.s.infiniteLoop(), 'timeout', { limits: { timeoutMs: 100 } })
        const e = await t.run(host, t.s.returnLiteral(1), { limits: { timeoutMs: 60_000 } }).catch((x: unknown) => x)
        t.expect(e, 'loosening is refused').toBeInstanceOf(Error)
        t.expect((e as { code?: string }).code).toBe('E_POLICY')
      },
      [{ limit: 'timeout' }],
    ),
    test(
      'limits.memory.trips',
      'allocating far beyond memoryBytes stops with the memory limit',
      async (t) => {
        const host = await t.host({ limits: { memoryBytes: 16 * MiB }, pool: { max: 1 } })
        t.expect((await t.run(host, t.s.allocate(256 * 1024))).value, 'a small allocation fits').toBe(true)
        await expectTrip(t, host, t.s.allocate(256 * MiB), 'memory')
      },
      [{ limit: 'memory' }],
    ),
    test(
      'limits.stack.trips',
      'unbounded recursion stops with the stack limit; bounded recursion works',
      async (t) => {
        const host = await t.host({ limits: { stackDepth: 100 }, pool: { max: 1 } })
        t.expect((await t.run(host, t.s.recursion(20))).value).toBe(20)
        await expectTrip(t, host, t.s.deepRecursion(), 'stack')
        t.expect((await t.run(host, t.s.recursion(20))).value, 'recursion works after a trip').toBe(20)
      },
      [{ limit: 'stack' }],
    ),
    test(
      'limits.bridgeCalls.trips',
      'calling bridges beyond bridgeCalls stops the execution even when the script catches errors',
      async (t) => {
        const host = await t.host({ limits: { bridgeCalls: 5 }, pool: { max: 1 } })
        const probe = new BridgeProbe().on(host)
        await expectTrip(t, host, t.s.bridgeLoop('kv.tick'), 'bridgeCalls')
        t.expect(probe.ticks, 'the handler ran exactly bridgeCalls times').toBe(5)
      },
      [{ limit: 'bridgeCalls' }],
    ),
    test(
      'limits.handler-fatal',
      'a LimitExceededError a bridge handler throws ends the execution even when the script catches errors',
      async (t) => {
        const host = await t.host({ pool: { max: 1 } })
        let calls = 0
        const quota = () => {
          calls++
          throw new LimitExceededError('memory', 2, 1)
        }
        host.bridges.register(defineBridge({ name: 'quota', methods: { spend: { args: [], handler: quota } } }))
        const e = await expectTrip(t, host, t.s.bridgeLoop('quota.spend'), 'memory')
        t.expect(e.message).toBe('memory limit exceeded (2 > 1)')
        t.expect(calls, 'the script could not call again after the handler stopped it').toBe(1)
      },
      [{ limit: 'bridgeCalls' }],
    ),
    test(
      'limits.output.trips',
      'printing beyond outputBytes stops the execution even when the script catches errors',
      async (t) => {
        const host = await t.host({ limits: { outputBytes: 1024 }, pool: { max: 1 } })
        await expectTrip(t, host, t.s.printLoop('x'.repeat(100)), 'output')
      },
      [{ limit: 'output' }],
    ),
    test(
      'limits.host-stats',
      'limit trips are counted per limit in host.stats()',
      async (t) => {
        const host = await t.host({ limits: { bridgeCalls: 1 } })
        new BridgeProbe().on(host)
        await failsWith(t, t.run(host, t.s.bridgeLoop('kv.tick')), LimitExceededError)
        t.expect(host.stats().limitTrips.bridgeCalls).toBe(1)
      },
      [{ limit: 'bridgeCalls' }],
    ),
  ],
}
