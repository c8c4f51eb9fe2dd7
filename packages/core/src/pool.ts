import { CancelledError, ClosedError, InvalidArgumentError, PoolExhaustedError } from './errors.js'
import {
  type AcquireOptions,
  type Lease,
  type PoolOptions,
  type PoolStats,
  type ReleaseOptions,
  type ResolvedPoolOptions,
  resolvePoolOptions,
  type StateFactory,
} from './pool-types.js'

export type { AcquireOptions, ReleaseOptions }

/**
 * A pool of engine states over a StateFactory: pre-warmed to `min`, at most `max` alive,
 * FIFO waiters with timeout and AbortSignal, reset + validation on release, eviction by
 * idle time / lifetime / uses, periodic health checks, tenant partitions and a graceful
 * drain on close. Both engines use this one pool.
 *
 * @example
 * const pool = new StatePool(factory, { min: 1, max: 4 })
 * const lease = await pool.acquire({ tenant: 't1' })
 * try { run(lease.state) } finally { await pool.release(lease, { discard: tripped }) }
 */
export class StatePool<S> {
  readonly options: ResolvedPoolOptions
  private readonly all = new Set<Entry<S>>()
  private idle: Entry<S>[] = []
  /** Callers in line for a state (FIFO). */
  private readonly waiters: Waiter<S>[] = []
  /** Callers taken out of line whose state is being created or checked out. */
  private readonly serving = new Set<Waiter<S>>()
  /** One lease object per hand-out, so a stale lease can never release a reused state. */
  private readonly leases = new WeakMap<Lease<S>, Entry<S>>()
  private creating = 0
  private closed = false
  private closing: Promise<void> | undefined
  private maintaining: Promise<void> | undefined
  private drained: (() => void) | undefined
  private readonly timer: ReturnType<typeof setInterval> | undefined
  private readonly counters = {
    created: 0,
    destroyed: 0,
    resets: 0,
    resetFailures: 0,
    quarantined: 0,
    acquired: 0,
    acquireTimeouts: 0,
    waitTotal: 0,
    waitMax: 0,
  }

  constructor(
    private readonly factory: StateFactory<S>,
    options?: PoolOptions,
  ) {
    this.options = resolvePoolOptions(options)
    const o = this.options
    // without health checks, idle and lifetime eviction still need a tick
    const every = o.healthCheckIntervalMs || Math.min(...[o.idleTimeoutMs, o.maxLifetimeMs].filter((x) => x > 0))
    if (Number.isFinite(every) && every > 0) {
      this.timer = setInterval(() => void this.maintain(), every)
      this.timer.unref?.()
    }
  }

  /**
   * Creates `min` states (or up to `upTo` of them). Errors propagate: a factory that cannot
   * create is a setup error.
   */
  async start(upTo = this.options.min): Promise<void> {
    if (this.closed) throw new ClosedError('pool is closed')
    const n = Math.min(upTo, this.options.min) - this.all.size - this.creating
    await Promise.all(Array.from({ length: Math.max(0, n) }, () => this.createIdle()))
  }

  /**
   * Hands out an idle state at once (no promise), or returns undefined when none fits, callers
   * are already waiting, or the factory's checkout is asynchronous: then call `acquire`.
   */
  tryAcquire(opts: Pick<AcquireOptions, 'tenant'> = {}): Lease<S> | undefined {
    if (this.closed || this.waiters.length > 0) return undefined
    return this.lendIdle(this.partitionOf(opts.tenant))
  }

  /** Hands out a state, waiting (FIFO) while `max` are busy. */
  acquire(opts: AcquireOptions = {}): Promise<Lease<S>> {
    if (this.closed) return Promise.reject(new ClosedError('pool is closed'))
    const timeout = opts.timeoutMs ?? this.options.acquireTimeoutMs
    if (typeof timeout !== 'number' || !(timeout >= 0) || !Number.isFinite(timeout)) {
      return Promise.reject(new InvalidArgumentError(`acquire: timeoutMs must be a non-negative number, received ${String(timeout)}`))
    }
    // nobody in line and a state idle: hand it out now, without a waiter, timer or extra turns
    const now = this.tryAcquire(opts)
    if (now) return Promise.resolve(now)
    const partition = this.partitionOf(opts.tenant)
    return new Promise<Lease<S>>((resolve, reject) => {
      const w: Waiter<S> = { partition, resolve, reject, since: performance.now(), settled: false, armed: false, timeout, opts }
      this.waiters.push(w)
      this.pump()
      // an idle state was matched at once: no timer or listener needed (they cost more than the
      // hand-out); a waiter left queued, or waiting for a new state, is armed now
      if (!w.settled && !this.serving.has(w)) this.arm(w)
    })
  }

  /** Returns a state: reset and validated for reuse, or destroyed. A second release is ignored. */
  async release(lease: Lease<S>, opts: ReleaseOptions = {}): Promise<void> {
    const entry = this.leases.get(lease)
    if (!entry) return
    this.leases.delete(lease)
    entry.uses++
    if (opts.discard) this.counters.quarantined++
    if (opts.discard || this.worn(entry) || this.closed) return this.destroy(entry)
    // the entry stays active while it resets: nothing else may touch the state meanwhile
    try {
      this.counters.resets++
      // synchronous factories (the usual case) cost no extra turns of the microtask queue
      const reset = this.factory.reset(entry.state)
      if (reset instanceof Promise) await reset
      const valid = this.factory.validate(entry.state)
      if ((valid instanceof Promise ? await valid : valid) !== true) throw new Error('validation failed')
    } catch {
      this.counters.resetFailures++
      return this.destroy(entry)
    }
    if (this.closed || !this.all.has(entry)) return this.destroy(entry)
    this.makeIdle(entry)
    this.pump()
  }

  stats(): PoolStats {
    const c = this.counters
    return {
      size: this.all.size,
      created: c.created,
      destroyed: c.destroyed,
      active: this.all.size - this.idle.length,
      idle: this.idle.length,
      waiting: this.waiters.length + this.serving.size,
      resets: c.resets,
      resetFailures: c.resetFailures,
      quarantined: c.quarantined,
      acquired: c.acquired,
      acquireTimeouts: c.acquireTimeouts,
      acquireWaitMsTotal: c.waitTotal,
      acquireWaitMsMax: c.waitMax,
    }
  }

  /**
   * Refuses new work (waiting callers get ClosedError), lets running work finish until
   * `drainTimeoutMs`, then destroys every state. Repeated calls share one close.
   */
  close(): Promise<void> {
    this.closing ??= this.shutdown()
    return this.closing
  }

  /** Evicts idle, old and unhealthy states, then tops the pool back up to `min`. */
  maintain(): Promise<void> {
    if (this.closed) return Promise.resolve()
    this.maintaining ??= this.evictAndCheck().finally(() => {
      this.maintaining = undefined
    })
    return this.maintaining
  }

  // --- internal ---

  private async shutdown(): Promise<void> {
    this.closed = true
    if (this.timer) clearInterval(this.timer)
    const closedError = () => new ClosedError('pool closed while waiting')
    for (const w of [...this.waiters.splice(0), ...this.serving]) this.settle(w, () => w.reject(closedError()))
    await Promise.all(this.idle.splice(0).map((e) => this.destroy(e)))
    if (this.busy()) {
      let timer: ReturnType<typeof setTimeout> | undefined
      await new Promise<void>((resolve) => {
        this.drained = resolve
        timer = setTimeout(resolve, this.options.drainTimeoutMs)
      })
      clearTimeout(timer)
    }
    await Promise.all([...this.all].map((e) => this.destroy(e)))
  }

  private async evictAndCheck(): Promise<void> {
    const o = this.options
    const now = performance.now()
    for (const e of [...this.idle]) {
      if (this.closed) return
      const i = this.idle.indexOf(e)
      if (i < 0) continue // handed out meanwhile
      const tooOld = o.maxLifetimeMs > 0 && now - e.createdAt >= o.maxLifetimeMs
      // a state claimed by a tenant goes even at `min` (the top-up below replaces it with an
      // unclaimed one): an idle tenant's state does not linger
      const claimed = e.partition !== undefined && e.partition !== ''
      const spare = o.idleTimeoutMs > 0 && now - e.idleSince >= o.idleTimeoutMs && (this.all.size > o.min || claimed)
      if (tooOld || spare) {
        await this.destroy(e)
        continue
      }
      if (o.healthCheckIntervalMs === 0) continue
      // out of the idle list while validating, so no one is handed a state under check
      this.idle.splice(i, 1)
      e.active = true
      let healthy: boolean
      try {
        healthy = (await this.factory.validate(e.state)) === true
      } catch {
        healthy = false
      }
      e.active = false
      if (!healthy || this.closed) {
        await this.destroy(e)
        continue
      }
      this.idle.push(e)
      this.pump()
    }
    if (!this.closed) await this.start().catch(() => undefined)
  }

  private pump(): void {
    if (this.closed) return
    // first every waiter whose partition has an idle state, so no state is traded needlessly
    for (let i = 0; i < this.waiters.length; ) {
      const w = this.waiters[i] as Waiter<S>
      const match = this.takeIdle(w.partition)
      if (!match) {
        i++
        continue
      }
      this.waiters.splice(i, 1)
      void this.handOut(match, w)
    }
    // then, in order, a new state where there is room, else trade an idle state of another partition
    while (this.waiters.length > 0) {
      if (this.all.size + this.creating < this.options.max) {
        void this.createFor(this.waiters.shift() as Waiter<S>)
        continue
      }
      const victim = this.idle.shift()
      if (!victim) break
      void this.destroy(victim) // leaves `all` at once, making room
    }
  }

  private partitionOf(tenant: string | undefined): string | undefined {
    return this.options.partitionByTenant ? (tenant ?? '') : undefined
  }

  private takeIdle(partition: string | undefined): Entry<S> | undefined {
    for (let i = this.idle.length - 1; i >= 0; i--) {
      const e = this.idle[i] as Entry<S>
      if (e.partition !== partition && !(e.partition === undefined && e.uses === 0)) continue
      this.idle.splice(i, 1)
      if (this.worn(e)) {
        void this.destroy(e)
        continue
      }
      e.partition = partition
      return e
    }
    return undefined
  }

  private arm(w: Waiter<S>): void {
    if (w.armed || w.settled) return
    w.armed = true
    const timeout = w.timeout - (performance.now() - w.since)
    if (w.timeout > 0) {
      w.timer = setTimeout(
        () => this.failWaiter(w, new PoolExhaustedError(`no state free within ${w.timeout} ms (max ${this.options.max})`), true),
        Math.max(0, timeout),
      )
    }
    // read only here: a lazily made signal (an execution's) is not made for a state handed out at once
    const signal = w.opts.signal
    if (signal?.aborted) {
      this.failWaiter(w, new CancelledError('acquire cancelled'))
      return
    }
    if (signal) {
      const onAbort = () => this.failWaiter(w, new CancelledError('acquire cancelled'))
      signal.addEventListener('abort', onAbort, { once: true })
      w.cleanup = () => signal.removeEventListener('abort', onAbort)
    }
  }

  private async handOut(entry: Entry<S>, w: Waiter<S>): Promise<void> {
    entry.active = true
    this.serving.add(w)
    let ok: boolean
    try {
      const current = this.factory.checkout?.(entry.state)
      ok = (current instanceof Promise ? await current : current) !== false
    } catch {
      ok = false
    }
    this.serving.delete(w)
    if (!ok) {
      // back to the head of the line before the destroy makes room
      if (this.closed) this.settle(w, () => w.reject(new ClosedError('pool closed while waiting')))
      else if (!w.settled) {
        this.waiters.unshift(w)
        this.arm(w)
      }
      return this.destroy(entry)
    }
    if (this.closed) {
      this.settle(w, () => w.reject(new ClosedError('pool closed while waiting')))
      return this.destroy(entry)
    }
    if (w.settled) {
      this.makeIdle(entry)
      return this.pump()
    }
    const lease = this.lend(entry, performance.now() - w.since)
    this.settle(w, () => w.resolve(lease))
  }

  /**
   * An idle state of `partition` whose checkout passes at once, leased; undefined if there is
   * none. A state whose checkout is asynchronous goes back to the idle list for the queued path.
   */
  private lendIdle(partition: string | undefined): Lease<S> | undefined {
    for (let entry = this.takeIdle(partition); entry; entry = this.takeIdle(partition)) {
      entry.active = true
      let current: ReturnType<NonNullable<StateFactory<S>['checkout']>>
      try {
        current = this.factory.checkout?.(entry.state)
      } catch {
        current = false
      }
      if (current instanceof Promise) {
        current.catch(() => undefined)
        this.makeIdle(entry)
        return undefined
      }
      if (current !== false) return this.lend(entry, 0)
      void this.destroy(entry)
    }
    return undefined
  }

  private lend(entry: Entry<S>, waited: number): Lease<S> {
    this.counters.acquired++
    this.counters.waitTotal += waited
    this.counters.waitMax = Math.max(this.counters.waitMax, waited)
    const lease: Lease<S> = Object.freeze({ state: entry.state, partition: entry.partition, uses: entry.uses })
    this.leases.set(lease, entry)
    return lease
  }

  private async createFor(w: Waiter<S>): Promise<void> {
    this.creating++
    this.serving.add(w)
    this.arm(w) // creating can be slow: the caller's timeout and signal apply meanwhile
    let entry: Entry<S>
    try {
      entry = await this.make(w.partition)
    } catch (e) {
      this.creating--
      this.serving.delete(w)
      this.settle(w, () => w.reject(e))
      this.notifyDrain()
      return this.pump()
    }
    this.creating--
    this.all.add(entry)
    return this.handOut(entry, w)
  }

  private async createIdle(): Promise<void> {
    this.creating++
    let entry: Entry<S>
    try {
      entry = await this.make(undefined)
    } catch (e) {
      this.creating--
      this.notifyDrain()
      throw e
    }
    this.creating--
    this.all.add(entry)
    if (this.closed) return this.destroy(entry)
    this.makeIdle(entry)
    this.pump()
  }

  private async make(partition: string | undefined): Promise<Entry<S>> {
    const state = await this.factory.create(partition)
    this.counters.created++
    const now = performance.now()
    return { state, partition, uses: 0, createdAt: now, idleSince: now, active: false }
  }

  private makeIdle(entry: Entry<S>): void {
    entry.active = false
    entry.idleSince = performance.now()
    this.idle.push(entry)
  }

  private worn(e: Entry<S>): boolean {
    const o = this.options
    return (o.maxUses > 0 && e.uses >= o.maxUses) || (o.maxLifetimeMs > 0 && performance.now() - e.createdAt >= o.maxLifetimeMs)
  }

  private async destroy(entry: Entry<S>): Promise<void> {
    if (!this.all.delete(entry)) return
    this.idle = this.idle.filter((e) => e !== entry)
    this.counters.destroyed++
    try {
      await this.factory.destroy(entry.state)
    } catch {
      // a state that fails to close is gone either way
    }
    this.notifyDrain()
    this.pump()
  }

  private busy(): boolean {
    return this.creating > 0 || [...this.all].some((e) => e.active)
  }

  private notifyDrain(): void {
    if (this.drained && !this.busy()) this.drained()
  }

  private failWaiter(w: Waiter<S>, error: Error, timedOut = false): void {
    const i = this.waiters.indexOf(w)
    if (i >= 0) this.waiters.splice(i, 1)
    if (!w.settled && timedOut) this.counters.acquireTimeouts++
    this.settle(w, () => w.reject(error))
  }

  private settle(w: Waiter<S>, fn: () => void): void {
    if (w.settled) return
    w.settled = true
    this.serving.delete(w)
    if (w.timer) clearTimeout(w.timer)
    w.cleanup?.()
    fn()
  }
}

interface Entry<S> {
  readonly state: S
  partition: string | undefined
  uses: number
  readonly createdAt: number
  idleSince: number
  /** Leased, resetting or under a health check: not to be handed out or destroyed by a drain. */
  active: boolean
}

interface Waiter<S> {
  readonly partition: string | undefined
  readonly resolve: (lease: Lease<S>) => void
  readonly reject: (error: unknown) => void
  readonly since: number
  settled: boolean
  armed: boolean
  readonly timeout: number
  readonly opts: AcquireOptions
  timer?: ReturnType<typeof setTimeout>
  cleanup?: () => void
}
