import { CancelledError, ClosedError, PoolExhaustedError } from '@polyhost/core'
import { failsWith, test, waitFor } from '../checks.js'
import { BridgeProbe } from '../fixtures.js'
import type { ConformanceArea } from '../types.js'

export const poolArea: ConformanceArea = {
  name: 'pool',
  tests: [
    test(
      'pool.concurrency',
      'more executions than pool.max, each awaiting a bridge, all finish with their own results',
      async (t) => {
        const host = await t.host({ pool: { max: 2 } })
        const probe = new BridgeProbe().on(host)
        const ids = Array.from({ length: 7 }, (_, i) => `job-${i}`)
        const results = await Promise.all(ids.map((id) => t.run(host, t.s.awaitBridge('kv.later', [id]))))
        t.expect(results.map((r) => r.value)).toEqual(ids.map((id) => `${id}!`))
        t.expect(probe.maxInFlight, 'never more states busy than pool.max').toBeLessThanOrEqual(2)
        t.expect(probe.maxInFlight, 'states are used concurrently').toBe(2)
        const stats = await t.settled(host)
        t.expect(stats.size).toBeLessThanOrEqual(2)
        t.expect(stats.acquired).toBeGreaterThanOrEqual(7)
      },
      ['asyncBridges'],
    ),
    test(
      'pool.acquire-timeout',
      'with every state busy, an execution waits at most acquireTimeoutMs and fails with PoolExhaustedError',
      async (t) => {
        const host = await t.host({ pool: { max: 1, acquireTimeoutMs: 100 } })
        const probe = new BridgeProbe().on(host)
        const holding = t.run(host, t.s.awaitBridge('kv.hold', ['held']))
        await probe.started.promise
        const e = await failsWith(t, t.run(host, t.s.returnLiteral(1)), PoolExhaustedError)
        t.expect(e.code).toBe('E_POOL_EXHAUSTED')
        probe.gate.open()
        t.expect((await holding).value).toBe('held')
        t.expect((await t.run(host, t.s.returnLiteral(2))).value, 'the pool serves again').toBe(2)
        t.expect(t.pool(host).acquireTimeouts).toBe(1)
      },
      ['asyncBridges'],
    ),
    test(
      'pool.cancel-while-queued',
      'cancelling an execution that waits for a state rejects it with CancelledError',
      async (t) => {
        const host = await t.host({ pool: { max: 1 } })
        const probe = new BridgeProbe().on(host)
        const holding = t.run(host, t.s.awaitBridge('kv.hold', ['held']))
        await probe.started.promise
        const controller = new AbortController()
        const queued = t.run(host, t.s.returnLiteral(1), { signal: controller.signal })
        t.expect(await waitFor(() => t.pool(host).waiting === 1), 'the second execution queues').toBe(true)
        controller.abort()
        await failsWith(t, queued, CancelledError)
        probe.gate.open()
        t.expect((await holding).value).toBe('held')
      },
      ['asyncBridges'],
    ),
    test(
      'pool.drain-on-close',
      'close() refuses new work, lets running executions finish, then destroys every state',
      async (t) => {
        const host = await t.host({ pool: { max: 2 } })
        const probe = new BridgeProbe().on(host)
        const running = t.run(host, t.s.awaitBridge('kv.hold', ['finished']))
        await probe.started.promise
        const closing = host.close()
        const refused = await failsWith(t, t.run(host, t.s.returnLiteral(1)), ClosedError)
        t.expect(refused.code).toBe('E_CLOSED')
        probe.gate.open()
        t.expect((await running).value, 'running work finishes').toBe('finished')
        await closing
        const stats = t.pool(host)
        t.expect(stats.size).toBe(0)
        t.expect(stats.destroyed).toBe(stats.created)
      },
      ['asyncBridges'],
    ),
    test('pool.sequential-reuse', 'sequential executions are served within pool.max states', async (t) => {
      const host = await t.host({ pool: { max: 1 } })
      for (let i = 0; i < 5; i++) t.expect((await t.run(host, t.s.returnLiteral(i))).value).toBe(i)
      const stats = await t.settled(host)
      t.expect(stats.size).toBeLessThanOrEqual(1)
      t.expect(stats.active).toBe(0)
    }),
    test(
      'pool.close-cancels-past-drain',
      'past drainTimeoutMs close() cancels busy and queued executions, also those that would start only then',
      async (t) => {
        const host = await t.host({ limits: { timeoutMs: 8_000, instructions: false }, pool: { max: 1, drainTimeoutMs: 100 } })
        await t.run(host, t.s.returnLiteral('warm'))
        const started = performance.now()
        // one busy, two waiting for its state: none may run to its 8 s limit
        const runs = [0, 1, 2].map(() => failsWith(t, t.run(host, t.s.infiniteLoop()), CancelledError))
        await host.close()
        for (const e of await Promise.all(runs)) t.expect(e.code).toBe('E_CANCELLED')
        t.expect(performance.now() - started, 'close ends within the drain and its grace').toBeLessThanOrEqual(4_000)
      },
      [{ limit: 'timeout' }],
    ),
    test('pool.close-idle', 'closing an idle host destroys every state it created', async (t) => {
      const host = await t.host({ pool: { min: 1, max: 2 } })
      await Promise.all([t.run(host, t.s.returnLiteral(1)), t.run(host, t.s.returnLiteral(2))])
      await host.close()
      const stats = t.pool(host)
      t.expect(stats.size).toBe(0)
      t.expect(stats.created).toBeGreaterThanOrEqual(1)
      t.expect(stats.destroyed).toBe(stats.created)
    }),
  ],
}
