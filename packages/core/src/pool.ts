import { CancelledError, ClosedError, PoolExhaustedError } from './errors.js'
import {
  type Lease,
  type PoolOptions,
  type PoolStats,
  type ResolvedPoolOptions,
  resolvePoolOptions,
  type StateFactory,
} from './pool-types.js'

export interface AcquireOptions {
  readonly tenant?: string | undefined
  readonly signal?: AbortSignal | undefined
  /** Overrides the pool's `acquireTimeoutMs`. */
  readonly timeoutMs?: number | undefined
}

export interface ReleaseOptions {
  /** Destroy instead of reset: the state hit a limit or saw a host-level error. */
  readonly discard?: boolean
}

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
  private readonly waiters: Waiter<S>[] = []
  private creating = 0
  private closed = false
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
    const every = this.options.healthCheckIntervalMs
    if (every > 0) {
      this.timer = setInterval(() => void this.maintain(), every)
      this.timer.unref?.()
    }
  }

  /** Creates `min` states. Errors propagate: a factory that cannot create is a setup error. */
  async start(): Promise<void> {
    const n = this.options.min - this.all.size - this.creating
    await Promise.all(Array.from({ length: Math.max(0, n) }, () => this.createIdle()))
  }

  /** Hands out a state, waiting (FIFO) while `max` are busy. */
  acquire(opts: AcquireOptions = {}): Promise<Lease<S>> {
    if (this.closed) return Promise.reject(new ClosedError('pool is closed'))
    if (opts.signal?.aborted) return Promise.reject(new CancelledError('acquire cancelled'))
    const partition = this.options.partitionByTenant ? (opts.tenant ?? '') : undefined
    return new Promise<Lease<S>>((resolve, reject) => {
      const w: Waiter<S> = { partition, resolve, reject, since: performance.now(), settled: false }
      const timeout = opts.timeoutMs ?? this.options.acquireTimeoutMs
      w.timer = setTimeout(
        () => this.failWaiter(w, new PoolExhaustedError(`no state free within ${timeout} ms (max ${this.options.max})`), true),
        timeout,
      )
      if (opts.signal) {
        const signal = opts.signal
        const onAbort = () => this.failWaiter(w, new CancelledError('acquire cancelled'))
        signal.addEventListener('abort', onAbort, { once: true })
        w.cleanup = () => signal.removeEventListener('abort', onAbort)
      }
      this.waiters.push(w)
      this.pump()
    })
  }

  /** Returns a state: reset and validated for reuse, or destroyed. */
  async release(lease: Lease<S>, opts: ReleaseOptions = {}): Promise<void> {
    const entry = lease as Entry<S>
    if (!entry.active) return
    entry.active = false
    entry.uses++
    const o = this.options
    const now = performance.now()
    const worn = (o.maxUses > 0 && entry.uses >= o.maxUses) || (o.maxLifetimeMs > 0 && now - entry.createdAt >= o.maxLifetimeMs)
    if (opts.discard) this.counters.quarantined++
    if (opts.discard || worn || this.closed) return this.destroy(entry)
    try {
      this.counters.resets++
      await this.factory.reset(entry.state)
      if (!(await this.factory.validate(entry.state))) throw new Error('validation failed')
    } catch {
      this.counters.resetFailures++
      return this.destroy(entry)
    }
    if (this.closed) return this.destroy(entry)
    entry.idleSince = performance.now()
    this.idle.push(entry)
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
      waiting: this.waiters.length,
      resets: c.resets,
      resetFailures: c.resetFailures,
      quarantined: c.quarantined,
      acquired: c.acquired,
      acquireTimeouts: c.acquireTimeouts,
      acquireWaitMsTotal: c.waitTotal,
      acquireWaitMsMax: c.waitMax,
    }
  }

  /** Refuses new work, lets running work finish until `drainTimeoutMs`, then destroys all. */
  async close(): Promise<void> {
    if (this.closed) return
    this.closed = true
    if (this.timer) clearInterval(this.timer)
    for (const w of this.waiters.splice(0)) this.settle(w, () => w.reject(new ClosedError('pool closed while waiting')))
    const idle = this.idle.splice(0)
    await Promise.all(idle.map((e) => this.destroy(e)))
    if (this.all.size > 0 || this.creating > 0) {
      await new Promise<void>((resolve) => {
        this.drained = resolve
        setTimeout(resolve, this.options.drainTimeoutMs).unref?.()
      })
    }
    await Promise.all([...this.all].map((e) => this.destroy(e)))
  }

  /** Evicts idle, old and unhealthy states, then tops the pool back up to `min`. */
  async maintain(): Promise<void> {
    if (this.closed) return
    const o = this.options
    const now = performance.now()
    for (const e of [...this.idle]) {
      const tooOld = o.maxLifetimeMs > 0 && now - e.createdAt >= o.maxLifetimeMs
      const spare = o.idleTimeoutMs > 0 && now - e.idleSince >= o.idleTimeoutMs && this.all.size > o.min
      let healthy = !tooOld && !spare
      if (healthy) healthy = await Promise.resolve(this.factory.validate(e.state)).catch(() => false)
      if (!healthy && this.idle.includes(e)) {
        this.idle = this.idle.filter((x) => x !== e)
        await this.destroy(e)
      }
    }
    await this.start().catch(() => undefined)
  }

  // --- internal ---

  private pump(): void {
    for (let i = 0; i < this.waiters.length; ) {
      const w = this.waiters[i] as Waiter<S>
      const match = this.takeIdle(w.partition)
      if (match) {
        this.waiters.splice(i, 1)
        void this.handOut(match, w)
        continue
      }
      if (this.all.size + this.creating < this.options.max) {
        this.waiters.splice(i, 1)
        void this.createFor(w)
        continue
      }
      const victim = this.idle.shift()
      if (victim) {
        // at capacity with only other tenants' states idle: trade one for this tenant
        void this.destroy(victim)
        this.waiters.splice(i, 1)
        void this.createFor(w)
        continue
      }
      i++
    }
  }

  private takeIdle(partition: string | undefined): Entry<S> | undefined {
    for (let i = this.idle.length - 1; i >= 0; i--) {
      const e = this.idle[i] as Entry<S>
      if (e.partition === partition || (e.partition === undefined && e.uses === 0)) {
        this.idle.splice(i, 1)
        e.partition = partition
        return e
      }
    }
    return undefined
  }

  private async handOut(entry: Entry<S>, w: Waiter<S>): Promise<void> {
    entry.active = true
    let ok: boolean
    try {
      ok = (await this.factory.checkout?.(entry.state)) !== false
    } catch {
      ok = false
    }
    if (!ok) {
      await this.destroy(entry)
      this.waiters.unshift(w)
      return this.pump()
    }
    if (w.settled || this.closed) {
      entry.active = false
      if (this.closed) return this.destroy(entry)
      this.idle.push(entry)
      return this.pump()
    }
    const waited = performance.now() - w.since
    this.counters.acquired++
    this.counters.waitTotal += waited
    this.counters.waitMax = Math.max(this.counters.waitMax, waited)
    this.settle(w, () => w.resolve(entry))
  }

  private async createFor(w: Waiter<S>): Promise<void> {
    this.creating++
    let entry: Entry<S>
    try {
      entry = await this.make(w.partition)
    } catch (e) {
      this.creating--
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
    try {
      const entry = await this.make(undefined)
      this.all.add(entry)
      entry.idleSince = performance.now()
      this.idle.push(entry)
    } finally {
      this.creating--
    }
    this.pump()
  }

  private async make(partition: string | undefined): Promise<Entry<S>> {
    const state = await this.factory.create(partition)
    this.counters.created++
    const now = performance.now()
    return { state, partition, uses: 0, createdAt: now, idleSince: now, active: false }
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
    if (!this.closed) this.pump()
  }

  private notifyDrain(): void {
    if (this.drained && [...this.all].every((e) => !e.active) && this.creating === 0) this.drained()
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
  active: boolean
}

interface Waiter<S> {
  readonly partition: string | undefined
  readonly resolve: (lease: Lease<S>) => void
  readonly reject: (error: unknown) => void
  readonly since: number
  settled: boolean
  timer?: ReturnType<typeof setTimeout>
  cleanup?: () => void
}
