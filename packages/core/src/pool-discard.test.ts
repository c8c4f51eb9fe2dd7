import { afterEach, describe, expect, it, vi } from 'vitest'
import { pool, deferred } from '../test/fixtures/pool-recorder.js'

afterEach(() => {
  vi.useRealTimers()
})

describe('discarding and eviction', () => {
  it('discard quarantines: the state is destroyed, never reset or reused', async () => {
    const { pool: p, log } = pool({ min: 0, max: 1 })
    const a = await p.acquire()
    await p.release(a, { discard: true })
    expect(log.destroyed).toEqual([a.state.id])
    expect(log.resets).toEqual([])
    const b = await p.acquire()
    expect(b.state).not.toBe(a.state)
    expect(p.stats()).toMatchObject({ quarantined: 1, destroyed: 1, created: 2 })
    await p.release(b)
    await p.close()
  })

  it('a reset that throws destroys the state', async () => {
    const { pool: p, log } = pool(
      { min: 0 },
      {
        reset: () => {
          throw new Error('dirty')
        },
      },
    )
    const a = await p.acquire()
    await p.release(a)
    expect(log.destroyed).toEqual([a.state.id])
    expect(p.stats()).toMatchObject({ resetFailures: 1, size: 0 })
    await p.close()
  })

  it.each([() => false, () => undefined, () => 'yes', () => Promise.reject(new Error('x'))])(
    'validation answering %s destroys the state',
    async (answer) => {
      const { pool: p, log } = pool({ min: 0 }, { validate: answer as () => boolean })
      const a = await p.acquire()
      await p.release(a)
      expect(log.destroyed).toEqual([a.state.id])
      expect(p.stats().resetFailures).toBe(1)
      await p.close()
    },
  )

  it('a checkout answering false destroys the state and the caller gets another', async () => {
    const { pool: p, log } = pool({ min: 1, max: 1 }, { checkout: (s) => s.id !== 1 })
    await p.start()
    const l = await p.acquire()
    expect(l.state.id).toBe(2)
    expect(log.destroyed).toEqual([1])
    await p.release(l)
    await p.close()
  })

  it('maxUses: a state is destroyed after that many executions', async () => {
    const { pool: p, log } = pool({ min: 0, maxUses: 2 })
    const a = await p.acquire()
    await p.release(a)
    const b = await p.acquire()
    expect(b.state).toBe(a.state)
    await p.release(b)
    expect(log.destroyed).toEqual([a.state.id])
    expect(log.resets).toHaveLength(1)
    await p.close()
  })

  it('maxLifetimeMs: old states are destroyed on release and never handed out', async () => {
    vi.useFakeTimers()
    const { pool: p, log } = pool({ min: 0, max: 2, maxLifetimeMs: 1000 })
    const a = await p.acquire()
    const b = await p.acquire()
    await p.release(b)
    vi.advanceTimersByTime(1000)
    await p.release(a)
    expect(log.destroyed).toContain(a.state.id)
    const c = await p.acquire() // b is idle but too old by now
    expect(c.state.id).toBe(3)
    expect(log.destroyed.sort()).toEqual([a.state.id, b.state.id])
    await p.release(c)
    await p.close()
  })

  it('idle states above min are evicted after idleTimeoutMs, even without health checks', async () => {
    vi.useFakeTimers()
    const { pool: p, log } = pool({ min: 1, max: 3, idleTimeoutMs: 100 })
    const leases = await Promise.all([p.acquire(), p.acquire(), p.acquire()])
    for (const l of leases) await p.release(l)
    expect(p.stats().idle).toBe(3)
    await vi.advanceTimersByTimeAsync(100)
    expect(p.stats()).toMatchObject({ size: 1, idle: 1 })
    expect(log.destroyed).toHaveLength(2)
    await p.close()
  })

  it('health checks destroy idle states that fail validation, then top up to min', async () => {
    vi.useFakeTimers()
    let healthy = true
    const { pool: p, log } = pool({ min: 2, healthCheckIntervalMs: 1000 }, { validate: () => healthy })
    await p.start()
    healthy = false
    await vi.advanceTimersByTimeAsync(1000)
    healthy = true
    await vi.advanceTimersByTimeAsync(0)
    expect(log.destroyed.sort()).toEqual([1, 2])
    expect(p.stats()).toMatchObject({ size: 2, idle: 2, created: 4 })
    await p.close()
  })

  it('a state under a health check is not handed out meanwhile', async () => {
    const gate = deferred<boolean>()
    let checking = false
    const { pool: p } = pool(
      { min: 1, max: 2, healthCheckIntervalMs: 60_000 },
      {
        validate: () => {
          checking = true
          return gate.promise
        },
      },
    )
    await p.start()
    const m = p.maintain()
    expect(checking).toBe(true)
    const l = await p.acquire()
    expect(l.state.id).toBe(2)
    gate.resolve(true)
    await m
    expect(p.stats()).toMatchObject({ idle: 1, active: 1 })
    await p.release(l)
    await p.close()
  })
})
