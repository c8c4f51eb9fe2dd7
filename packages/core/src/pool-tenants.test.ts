import { describe, expect, it } from 'vitest'
import { pool } from '../test/fixtures/pool-recorder.js'

describe('partitionByTenant', () => {
  it('is on by default: a state one tenant used never serves another; false opts out', async () => {
    const { pool: p } = pool({ min: 0, max: 4 })
    expect(p.options.partitionByTenant).toBe(true)
    const a = await p.acquire({ tenant: 'a' })
    await p.release(a)
    const b = await p.acquire({ tenant: 'b' })
    expect(b.state).not.toBe(a.state)
    await p.release(b)
    await p.close()
    const { pool: shared } = pool({ min: 0, max: 4, partitionByTenant: false })
    const x = await shared.acquire({ tenant: 'a' })
    await shared.release(x)
    expect((await shared.acquire({ tenant: 'b' })).state).toBe(x.state)
    await shared.close()
  })

  it('evicts an idle partition past idleTimeoutMs even at min, and tops up with an unclaimed state', async () => {
    const { pool: p, log } = pool({ min: 1, max: 4, idleTimeoutMs: 20 })
    await p.start()
    const a = await p.acquire({ tenant: 'a' })
    expect(a.partition).toBe('a')
    await p.release(a)
    await new Promise((r) => setTimeout(r, 60))
    await p.maintain()
    expect(log.destroyed).toEqual([a.state.id])
    expect(p.stats()).toMatchObject({ size: 1, idle: 1 })
    expect(log.created.at(-1)?.partition).toBeUndefined()
    // an unclaimed state that was never used is not evicted for idling
    await new Promise((r) => setTimeout(r, 60))
    await p.maintain()
    expect(log.destroyed).toEqual([a.state.id])
    await p.close()
  })

  it('never gives one tenant a state another tenant used', async () => {
    const { pool: p, log } = pool({ min: 1, max: 4, partitionByTenant: true })
    await p.start()
    const t1 = await p.acquire({ tenant: 't1' })
    expect(t1.state.id).toBe(1) // fresh pre-warmed state: claimed by t1
    expect(t1.partition).toBe('t1')
    await p.release(t1)
    const t2 = await p.acquire({ tenant: 't2' })
    expect(t2.state).not.toBe(t1.state)
    expect(log.created.at(-1)?.partition).toBe('t2')
    const t1again = await p.acquire({ tenant: 't1' })
    expect(t1again.state).toBe(t1.state)
    const anon = await p.acquire()
    expect([t1.state.id, t2.state.id]).not.toContain(anon.state.id)
    for (const l of [t2, t1again, anon]) await p.release(l)
    await p.close()
  })

  it('at capacity trades an idle state of another tenant for a new one', async () => {
    const { pool: p, log } = pool({ min: 0, max: 1, partitionByTenant: true })
    const t1 = await p.acquire({ tenant: 't1' })
    await p.release(t1)
    const t2 = await p.acquire({ tenant: 't2', timeoutMs: 1000 })
    expect(log.destroyed).toEqual([t1.state.id])
    expect(t2.state.partition).toBe('t2')
    expect(p.stats().size).toBe(1)
    await p.release(t2)
    await p.close()
  })

  it("serves an older waiter of another tenant before a later waiter of the freed state's tenant", async () => {
    const { pool: p, log } = pool({ min: 0, max: 2, partitionByTenant: true, acquireTimeoutMs: 2_000 })
    const a = await p.acquire({ tenant: 't1' })
    const b = await p.acquire({ tenant: 't3' })
    const forT2 = p.acquire({ tenant: 't2' })
    const forT1 = p.acquire({ tenant: 't1' })
    await p.release(a)
    const t2 = await forT2
    expect(t2.state.partition).toBe('t2')
    expect(log.destroyed).toEqual([a.state.id])
    expect(p.stats().waiting).toBe(1)
    await p.release(t2)
    const t1 = await forT1
    expect(t1.state.partition).toBe('t1')
    await p.release(t1)
    await p.release(b)
    await p.close()
  })

  it('does not trade away a state a waiter of its tenant can use when an older waiter has a free slot', async () => {
    const { pool: p, log } = pool({ min: 0, max: 2, partitionByTenant: true, acquireTimeoutMs: 0 })
    const a = await p.acquire({ tenant: 't1' })
    const c = await p.acquire({ tenant: 't3' })
    const forT2 = p.acquire({ tenant: 't2' })
    const forT1 = p.acquire({ tenant: 't1' })
    // c leaves `all` at once (its destroy finishes later), so a's return finds one idle state and one free slot
    void p.release(c, { discard: true })
    await p.release(a)
    expect((await forT1).state).toBe(a.state)
    expect((await forT2).state.partition).toBe('t2')
    expect(log.destroyed).toEqual([c.state.id])
    await p.release(await forT1)
    await p.release(await forT2)
    await p.close()
  })
})
