import { afterEach, describe, expect, it, vi } from 'vitest'
import { CancelledError, ClosedError, InvalidArgumentError, PoolExhaustedError } from './errors.js'
import { StatePool } from './pool.js'
import type { PoolOptions, StateFactory } from './pool-types.js'

interface State {
  readonly id: number
  readonly partition: string | undefined
}

/** A factory that records what the pool does; `gate` makes create wait until opened. */
function recorder(overrides: Partial<StateFactory<State>> = {}) {
  let next = 0
  const log = { created: [] as State[], destroyed: [] as number[], resets: [] as number[] }
  const factory: StateFactory<State> = {
    create: (partition) => {
      const s = { id: ++next, partition }
      log.created.push(s)
      return s
    },
    reset: (s) => {
      log.resets.push(s.id)
    },
    validate: () => true,
    destroy: (s) => {
      log.destroyed.push(s.id)
    },
    ...overrides,
  }
  return { factory, log }
}

function pool(options: PoolOptions = {}, overrides: Partial<StateFactory<State>> = {}) {
  const { factory, log } = recorder(overrides)
  const p = new StatePool(factory, { healthCheckIntervalMs: 0, idleTimeoutMs: 0, maxLifetimeMs: 0, ...options })
  return { pool: p, log }
}

/** Resolves once every pending microtask and immediate has run. */
const flush = () => new Promise((r) => setImmediate(r))

function deferred<T = void>() {
  let resolve!: (v: T) => void
  let reject!: (e: unknown) => void
  const promise = new Promise<T>((res, rej) => {
    resolve = res
    reject = rej
  })
  return { promise, resolve, reject }
}

afterEach(() => {
  vi.useRealTimers()
})

describe('options', () => {
  it.each([
    [{ min: -1 }, 'pool.min'],
    [{ max: 0 }, 'pool.max'],
    [{ max: 'many' }, 'pool.max'],
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

  it('times out with PoolExhaustedError and counts it', async () => {
    vi.useFakeTimers()
    const { pool: p } = pool({ min: 0, max: 1, acquireTimeoutMs: 100 })
    const held = await p.acquire()
    const waiting = p.acquire()
    const rejected = expect(waiting).rejects.toBeInstanceOf(PoolExhaustedError)
    await vi.advanceTimersByTimeAsync(99)
    expect(p.stats().waiting).toBe(1)
    await vi.advanceTimersByTimeAsync(1)
    await rejected
    await expect(waiting).rejects.toThrow('no state free within 100 ms (max 1)')
    expect(p.stats()).toMatchObject({ waiting: 0, acquireTimeouts: 1 })
    await p.release(held)
    const overridden = await p.acquire({ timeoutMs: 5 })
    expect(overridden.state).toBe(held.state)
    await p.release(overridden)
    await p.close()
  })

  it('a state created for a caller who timed out meanwhile goes idle for the next one', async () => {
    vi.useFakeTimers()
    const gate = deferred()
    const { pool: p, log } = pool(
      { min: 0, max: 1, acquireTimeoutMs: 50 },
      {
        create: async (partition) => {
          await gate.promise
          return { id: 99, partition }
        },
      },
    )
    const first = p.acquire()
    const rejected = expect(first).rejects.toBeInstanceOf(PoolExhaustedError)
    await vi.advanceTimersByTimeAsync(50)
    await rejected
    gate.resolve()
    await vi.advanceTimersByTimeAsync(0)
    expect(p.stats()).toMatchObject({ size: 1, idle: 1, active: 0 })
    const second = await p.acquire()
    expect(second.state.id).toBe(99)
    expect(log.destroyed).toEqual([])
    await p.release(second)
    await p.close()
  })

  it('a failing create rejects that caller with the error and frees the slot', async () => {
    let fail = true
    const { pool: p } = pool(
      { min: 0, max: 1 },
      {
        create: (partition) => {
          if (fail) throw new Error('no memory')
          return { id: 1, partition }
        },
      },
    )
    await expect(p.acquire()).rejects.toThrow('no memory')
    fail = false
    const l = await p.acquire()
    expect(l.state.id).toBe(1)
    await p.release(l)
    await p.close()
  })

  it('start() propagates a failing create', async () => {
    const { pool: p } = pool(
      { min: 1 },
      {
        create: () => {
          throw new Error('broken engine')
        },
      },
    )
    await expect(p.start()).rejects.toThrow('broken engine')
    await p.close()
  })
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

  it('does not trade away a state a later waiter of its tenant can use', async () => {
    const { pool: p, log } = pool({ min: 0, max: 2, partitionByTenant: true, acquireTimeoutMs: 0 })
    const a = await p.acquire({ tenant: 't1' })
    const b = await p.acquire({ tenant: 't3' })
    const forT2 = p.acquire({ tenant: 't2' })
    const forT1 = p.acquire({ tenant: 't1' })
    await p.release(a)
    expect((await forT1).state).toBe(a.state)
    expect(log.destroyed).toEqual([])
    await p.release(b)
    const t2 = await forT2
    expect(t2.state.partition).toBe('t2')
    await p.release(t2)
    await p.release(await forT1)
    await p.close()
  })
})

describe('close', () => {
  it('drains: waits for running work, rejects waiters, then destroys everything', async () => {
    const { pool: p, log } = pool({ min: 0, max: 1 })
    const held = await p.acquire()
    const waiting = p.acquire()
    let closed = false
    const closing = p.close().then(() => (closed = true))
    await expect(waiting).rejects.toBeInstanceOf(ClosedError)
    await flush()
    expect(closed).toBe(false)
    expect(log.destroyed).toEqual([])
    await p.release(held)
    await closing
    expect(log.destroyed).toEqual([held.state.id])
    expect(log.resets).toEqual([])
    await expect(p.acquire()).rejects.toBeInstanceOf(ClosedError)
    await expect(p.start()).rejects.toBeInstanceOf(ClosedError)
  })

  it('destroys busy states once drainTimeoutMs passes', async () => {
    vi.useFakeTimers()
    const { pool: p, log } = pool({ min: 0, drainTimeoutMs: 500 })
    const held = await p.acquire()
    let closed = false
    const closing = p.close().then(() => (closed = true))
    await vi.advanceTimersByTimeAsync(499)
    expect(closed).toBe(false)
    await vi.advanceTimersByTimeAsync(1)
    await closing
    expect(log.destroyed).toEqual([held.state.id])
    await p.release(held) // late release of a destroyed state is harmless
    expect(log.destroyed).toEqual([held.state.id])
  })

  it('a caller whose state is being created gets ClosedError and the state is destroyed', async () => {
    vi.useFakeTimers()
    const gate = deferred()
    const { pool: p, log } = pool(
      { min: 0, drainTimeoutMs: 60_000 },
      {
        create: async (partition) => {
          await gate.promise
          return { id: 7, partition }
        },
      },
    )
    const acquiring = p.acquire()
    await vi.advanceTimersByTimeAsync(0)
    const closing = p.close()
    await expect(acquiring).rejects.toBeInstanceOf(ClosedError)
    gate.resolve()
    await vi.advanceTimersByTimeAsync(0)
    await closing // without the drain timeout
    expect(log.destroyed).toEqual([7])
  })

  it('does not wait for the drain timeout while pre-warming', async () => {
    vi.useFakeTimers()
    const gate = deferred()
    const { pool: p, log } = pool(
      { min: 1, drainTimeoutMs: 60_000 },
      {
        create: async (partition) => {
          await gate.promise
          return { id: 3, partition }
        },
      },
    )
    const starting = p.start()
    const closing = p.close()
    gate.resolve()
    await vi.advanceTimersByTimeAsync(0)
    await starting
    await closing
    expect(log.destroyed).toEqual([3])
  })

  it('repeated close calls share one close', async () => {
    const { pool: p } = pool({ min: 0 })
    const held = await p.acquire()
    const first = p.close()
    const second = p.close()
    expect(second).toBe(first)
    await p.release(held)
    await Promise.all([first, second])
  })
})
