import { createHost, type Host } from '@polyhost/core'
import { afterEach, describe, expect, it } from 'vitest'
import { jsEngine } from '../src/index.js'

// New states are cheap (snapshot copies), so a burst of many tenants is served by creating
// and trading states under partitionByTenant; none of it may mix tenants or lose requests.

let host: Host | undefined
afterEach(async () => {
  await host?.close()
  host = undefined
})

const TENANTS = 200
const EXECUTIONS = 500
/** Generous: a loaded 2-core machine creates a few hundred states here. */
const BURST_BOUND_MS = 120_000

describe('a burst of tenants', () => {
  it(
    `${EXECUTIONS} concurrent executions for ${TENANTS} tenants all succeed with their own results`,
    async () => {
      // the time limit counts the wait for a state too
      host = await createHost({
        engines: [jsEngine()],
        pool: { max: 8, acquireTimeoutMs: BURST_BOUND_MS },
        limits: { timeoutMs: BURST_BOUND_MS },
      })
      expect(host.stats().engines.js?.pool).toBeDefined()
      const started = performance.now()
      const runs = Array.from({ length: EXECUTIONS }, (_, i) => {
        const tenant = `t${i % TENANTS}`
        // a tenant's leftover global would show up in its next run, or in another tenant's
        const source = `const seen = typeof leftover === 'undefined' ? 'clean' : leftover; globalThis.leftover = tenant; tenant + ':' + n + ':' + seen`
        return host!.execute({ language: 'js', source, tenant, globals: { tenant, n: i } })
      })
      const results = await Promise.allSettled(runs)
      const elapsed = performance.now() - started
      const failed = results.flatMap((r) => (r.status === 'rejected' ? [String(r.reason)] : []))
      expect(failed).toEqual([])
      results.forEach((r, i) => {
        expect(r.status === 'fulfilled' && r.value.value).toBe(`t${i % TENANTS}:${i}:clean`)
      })
      expect(elapsed).toBeLessThan(BURST_BOUND_MS)
      const pool = host.stats().engines.js!.pool
      expect(pool.size).toBeLessThanOrEqual(8)
    },
    BURST_BOUND_MS + 30_000,
  )
})

describe('pool warm-up', () => {
  it('does not hold back createHost or the first request', async () => {
    host = await createHost({ engines: [jsEngine()], pool: { min: 4, max: 4 } })
    // the host is ready with its first state, before the other three exist
    expect(host.stats().engines.js!.pool.size).toBe(1)
    expect((await host.execute({ language: 'js', source: '6 * 7' })).value).toBe(42)
    // and the warm-up tops the pool up in the background
    const until = performance.now() + 60_000
    while (host.stats().engines.js!.pool.size < 4 && performance.now() < until) await new Promise((r) => setTimeout(r, 20))
    expect(host.stats().engines.js!.pool.size).toBe(4)
  }, 90_000)

  it('releases states idle past the idle timeout', async () => {
    host = await createHost({ engines: [jsEngine()], pool: { min: 0, max: 4, idleTimeoutMs: 100, healthCheckIntervalMs: 50 } })
    await Promise.all(Array.from({ length: 4 }, (_, i) => host!.execute({ language: 'js', source: `${i}`, tenant: `t${i}` })))
    expect(host.stats().engines.js!.pool.size).toBeGreaterThan(0)
    const until = performance.now() + 30_000
    while (host.stats().engines.js!.pool.size > 0 && performance.now() < until) await new Promise((r) => setTimeout(r, 25))
    expect(host.stats().engines.js!.pool.size).toBe(0)
  }, 60_000)
})
