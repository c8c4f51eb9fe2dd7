import { describe, expect, it } from 'vitest'
import { pool } from '../test/fixtures/pool-recorder.js'
import type { StatePool } from './pool.js'

// The line of waiters is FIFO across tenants: with tenant partitions on, a state one tenant
// gives back still goes to the oldest waiter (traded for a new state of that waiter's tenant
// when needed), never past an older waiter of another tenant to a later one of its own.

type P = StatePool<{ id: number; partition: string | undefined }>

/** Keeps `inFlight` callers of `tenant` acquiring, holding each state a moment, until `stop()`. */
function load(p: P, tenant: string, inFlight: number, onLease: (tenant: string, ticket: number) => void, next: () => number) {
  let stopped = false
  const loop = async () => {
    while (!stopped) {
      const ticket = next()
      const lease = await p.acquire({ tenant })
      onLease(tenant, ticket)
      await new Promise((r) => setTimeout(r, 1))
      await p.release(lease)
    }
  }
  const loops = Array.from({ length: inFlight }, loop)
  return async () => {
    stopped = true
    await Promise.all(loops)
  }
}

describe('waiters of several tenants', () => {
  it('a tenant keeping more callers in flight than max does not starve a later tenant', async () => {
    const { pool: p } = pool({ min: 0, max: 2, partitionByTenant: true, acquireTimeoutMs: 5_000 })
    let tickets = 0
    let aLeases = 0
    const stopA = load(
      p,
      'a',
      4,
      () => aLeases++,
      () => tickets++,
    )
    await new Promise((r) => setTimeout(r, 50))
    expect(p.stats().waiting, 'a keeps two callers in line').toBe(2)
    const before = aLeases
    const b = await p.acquire({ tenant: 'b' })
    // only the two callers of a already in line when b arrived are served before it
    expect(aLeases - before).toBeLessThanOrEqual(2)
    expect(b.partition).toBe('b')
    await p.release(b)
    await stopA()
    await p.close()
  })

  it('serves three tenants in the order their callers joined the line', async () => {
    const { pool: p } = pool({ min: 0, max: 2, partitionByTenant: true, acquireTimeoutMs: 5_000 })
    let tickets = 0
    const served: number[] = []
    const perTenant: Record<string, number> = { a: 0, b: 0, c: 0 }
    const onLease = (tenant: string, ticket: number) => {
      served.push(ticket)
      perTenant[tenant] = (perTenant[tenant] ?? 0) + 1
    }
    const stops = [
      load(p, 'a', 4, onLease, () => tickets++),
      load(p, 'b', 2, onLease, () => tickets++),
      load(p, 'c', 1, onLease, () => tickets++),
    ]
    while (served.length < 120) await new Promise((r) => setTimeout(r, 5))
    for (const stop of stops) await stop()
    // every caller is served after every caller that asked before it, but for the one pass that
    // serves two waiters at once (max 2), where a waiter given an idle state can settle before
    // an older one whose new state is still being made
    const overtaken = served.map((t, i) => served.slice(0, i).filter((x) => x > t).length)
    expect(Math.max(...overtaken)).toBeLessThanOrEqual(1)
    // so each tenant gets turns in proportion to its callers in line, however many the others keep
    expect(perTenant.c).toBeGreaterThanOrEqual(10)
    expect(perTenant.b).toBeGreaterThanOrEqual(20)
    await p.close()
  })
})
