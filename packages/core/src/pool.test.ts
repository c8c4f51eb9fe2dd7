import { afterEach, describe, expect, it, vi } from 'vitest'
import { CancelledError, InvalidArgumentError, PoolExhaustedError } from './errors.js'
import { StatePool } from './pool.js'
import type { PoolOptions } from './pool-types.js'
import { recorder, pool, flush, deferred } from '../test/fixtures/pool-recorder.js'

afterEach(() => {
  vi.useRealTimers()
})

describe('options', () => {
  it.each([
    [{ min: -1 }, 'pool.min'],
    [{ max: 0 }, 'pool.max'],
    [{ max: 'many' }, 'pool.max'],
    // a warm state per unit of min is made at start: 100,000 ran the process out of memory
    [{ min: 100_000, max: 100_000 }, 'pool.min: at most 1000 states kept warm'],
    [{ min: 1_001, max: 2_000 }, 'pool.min: at most 1000'],
    [{ max: 10_001 }, 'pool.max: at most 10000 states'],
    [{ acquireTimeoutMs: 1.5 }, 'pool.acquireTimeoutMs'],
    [{ min: 5, max: 2 }, 'pool.min (5) exceeds pool.max (2)'],
    [{ maxSize: 3 }, 'pool'],
    [{ partitionByTenant: 'yes' }, 'pool.partitionByTenant'],
  ])('rejects %o', (opts, message) => {
    expect(() => new StatePool(recorder().factory, opts as PoolOptions)).toThrow(InvalidArgumentError)
    expect(() => new StatePool(recorder().factory, opts as PoolOptions)).toThrow(message)
  })

  it('rejects a bad per-call timeout', async () => {
    const { pool: p } = pool()
    await expect(p.acquire({ timeoutMs: -1 })).rejects.toBeInstanceOf(InvalidArgumentError)
    await expect(p.acquire({ timeoutMs: Number.NaN })).rejects.toThrow('timeoutMs must be a non-negative number')
    await p.close()
  })
})

describe('acquire and release', () => {
  it('pre-warms to min and reuses a released state after reset and validation', async () => {
    const validate = vi.fn(() => true)
    const { pool: p, log } = pool({ min: 2, max: 4 }, { validate })
    await p.start()
    expect(p.stats()).toMatchObject({ size: 2, idle: 2, created: 2 })
    const a = await p.acquire()
    await p.release(a)
    expect(log.resets).toEqual([a.state.id])
    expect(validate).toHaveBeenCalledTimes(1)
    const b = await p.acquire()
    expect(b.state).toBe(a.state)
    expect(b.uses).toBe(1)
    expect(p.stats()).toMatchObject({ size: 2, active: 1, idle: 1, acquired: 2, resets: 1 })
    await p.release(b)
    await p.close()
    expect(log.destroyed.sort()).toEqual([1, 2])
  })

  it('serves many more acquires than max in FIFO order without creating more than max', async () => {
    const { pool: p, log } = pool({ min: 0, max: 3, acquireTimeoutMs: 0 })
    const order: number[] = []
    const leases = Array.from({ length: 10 }, (_, i) =>
      p.acquire().then((l) => {
        order.push(i)
        return l
      }),
    )
    await flush()
    expect(order).toEqual([0, 1, 2])
    expect(p.stats()).toMatchObject({ size: 3, active: 3, waiting: 7 })
    for (let i = 0; i < 10; i++) await p.release(await (leases[i] as Promise<Awaited<(typeof leases)[0]>>))
    expect(order).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9])
    expect(log.created).toHaveLength(3)
    expect(p.stats()).toMatchObject({ waiting: 0, active: 0, idle: 3, acquired: 10 })
    await p.close()
  })

  it('a second release of the same lease, or a stale lease, does nothing', async () => {
    const { pool: p, log } = pool({ min: 0, max: 1 })
    const a = await p.acquire()
    await p.release(a)
    const b = await p.acquire()
    expect(b.state).toBe(a.state)
    await p.release(a) // stale: must not hand b's state to anyone else
    const c = p.acquire({ timeoutMs: 0 })
    let got = false
    void c.then(() => (got = true))
    await flush()
    expect(got).toBe(false)
    expect(log.resets).toHaveLength(1)
    await p.release(b)
    expect((await c).state).toBe(a.state)
    await p.release(await c)
    await p.release(await c)
    expect(log.resets).toHaveLength(3)
    await p.close()
  })

  it("a copied or made-up lease, or another pool's, releases nothing", async () => {
    const { pool: p, log } = pool({ min: 0, max: 1 })
    const { pool: other } = pool({ min: 0, max: 1 })
    const held = await p.acquire()
    const elsewhere = await other.acquire()
    await p.release({ ...held })
    await p.release(Object.create(Object.getPrototypeOf(held)))
    await p.release(elsewhere)
    await p.release(null as never)
    expect(log.resets).toHaveLength(0)
    expect(p.stats()).toMatchObject({ active: 1, idle: 0 })
    expect(Object.isFrozen(held)).toBe(true)
    await p.release(held)
    expect(log.resets).toHaveLength(1)
    expect(p.stats()).toMatchObject({ active: 0, idle: 1 })
    await other.release(elsewhere)
    await Promise.all([p.close(), other.close()])
  })

  it('aborting a waiting acquire rejects it with CancelledError and frees its place', async () => {
    const { pool: p } = pool({ min: 0, max: 1 })
    const held = await p.acquire()
    const ac = new AbortController()
    const waiting = p.acquire({ signal: ac.signal })
    const after = p.acquire()
    await flush()
    expect(p.stats().waiting).toBe(2)
    ac.abort()
    await expect(waiting).rejects.toBeInstanceOf(CancelledError)
    expect(p.stats().waiting).toBe(1)
    await p.release(held)
    const next = await after
    expect(next.state).toBe(held.state)
    await expect(p.acquire({ signal: AbortSignal.abort() })).rejects.toBeInstanceOf(CancelledError)
    await p.release(next)
    await p.close()
  })

  it('a state a synchronous factory creates is handed out without arming; an asynchronous creation is armed', async () => {
    let signalReads = 0
    const opts = {
      get signal() {
        signalReads++
        return new AbortController().signal
      },
    }
    const { pool: sync, log } = pool({ min: 0, max: 1, acquireTimeoutMs: 1000 })
    vi.useFakeTimers()
    const lease = await sync.acquire(opts)
    expect(log.created).toHaveLength(1)
    expect(vi.getTimerCount()).toBe(0)
    expect(signalReads).toBe(0)
    await sync.release(lease)
    const gate = deferred()
    const { pool: slow } = pool(
      { min: 0, max: 1, acquireTimeoutMs: 1000 },
      {
        create: async (partition) => {
          await gate.promise
          return { id: 1, partition }
        },
      },
    )
    const waiting = slow.acquire(opts)
    expect(vi.getTimerCount()).toBe(1)
    expect(signalReads).toBe(1)
    gate.resolve()
    await slow.release(await waiting)
    vi.useRealTimers()
    await Promise.all([sync.close(), slow.close()])
  })

  it('a state available at once is handed out without arming a timer or a signal listener', async () => {
    const { pool: p } = pool({ min: 1, max: 1, acquireTimeoutMs: 1000 })
    await p.start()
    vi.useFakeTimers()
    const caller = new AbortController()
    let listeners = 0
    const add = caller.signal.addEventListener.bind(caller.signal)
    caller.signal.addEventListener = ((...a: Parameters<typeof add>) => {
      listeners++
      return add(...a)
    }) as typeof add
    const lease = await p.acquire({ signal: caller.signal })
    expect(vi.getTimerCount()).toBe(0)
    expect(listeners).toBe(0)
    // a second caller has to wait: it is armed, and times out
    const waiting = p.acquire({ signal: caller.signal, timeoutMs: 20 })
    expect(vi.getTimerCount()).toBe(1)
    expect(listeners).toBe(1)
    const rejected = expect(waiting).rejects.toBeInstanceOf(PoolExhaustedError)
    await vi.advanceTimersByTimeAsync(20)
    await rejected
    await p.release(lease)
    await p.close()
  })

  it('tryAcquire leases an idle state at once, never jumps the line, and leaves async checkouts to acquire', async () => {
    const { pool: p, log } = pool({ min: 1, max: 1 })
    await p.start()
    const lease = p.tryAcquire() as NonNullable<ReturnType<typeof p.tryAcquire>>
    expect(lease.state.id).toBe(1)
    expect(p.tryAcquire()).toBeUndefined() // nothing idle
    const waiting = p.acquire()
    await p.release(lease)
    expect(p.tryAcquire()).toBeUndefined() // a caller is in line: it gets the state first
    const second = await waiting
    expect(second.state.id).toBe(1)
    await p.release(second)
    expect(p.stats()).toMatchObject({ acquired: 2, created: 1 })
    await p.close()
    expect(p.tryAcquire()).toBeUndefined()
    expect(log.destroyed).toEqual([1])

    const checks = deferred<boolean>()
    const slow = pool({ min: 1, max: 1 }, { checkout: () => checks.promise })
    await slow.pool.start()
    expect(slow.pool.tryAcquire()).toBeUndefined()
    const queued = slow.pool.acquire()
    checks.resolve(true)
    expect((await queued).state.id).toBe(1)
    await slow.pool.close()
  })

  it('tryAcquire skips a state whose checkout answers false and leases the next', async () => {
    let checkouts = 0
    // the first checkout refuses its state
    const { pool: p, log } = pool({ min: 2, max: 2 }, { checkout: () => ++checkouts > 1 })
    await p.start()
    const lease = p.tryAcquire()
    expect(lease).toBeDefined()
    expect(log.destroyed).toHaveLength(1)
    await p.close()
  })
})
