import { ClosedError, InvalidArgumentError } from './errors.js'
import { type Entry, LeaseBook } from './pool-entries.js'
import { evictAndCheck, maintenanceTimer } from './pool-maintenance.js'
import { PoolStates } from './pool-states.js'
import {
  type AcquireOptions,
  type Lease,
  type PoolOptions,
  type PoolStats,
  type ReleaseOptions,
  type ResolvedPoolOptions,
  resolvePoolOptions,
  type StateFactory,
  type TryAcquireOptions,
} from './pool-types.js'
import { type Waiter, WaitLine } from './pool-wait-line.js'

export type { AcquireOptions, ReleaseOptions, TryAcquireOptions }

/**
 * A pool of engine states over a StateFactory: pre-warmed to `min`, at most `max` alive,
 * FIFO waiters with timeout and AbortSignal (pool-wait-line.ts), reset + validation on
 * release, eviction by idle time / lifetime / uses and periodic health checks
 * (pool-maintenance.ts), tenant partitions (pool-entries.ts) and a graceful drain on close. Both
 * engines use this one pool.
 *
 * @example
 * const pool = new StatePool(factory, { min: 1, max: 4 })
 * const lease = await pool.acquire({ tenant: 't1' })
 * try { run(lease.state) } finally { await pool.release(lease, { discard: tripped }) }
 */
export class StatePool<S> {
  readonly options: ResolvedPoolOptions
  private readonly states: PoolStates<S>
  private readonly line: WaitLine<S>
  private readonly leases = new LeaseBook<S>()
  private closed = false
  private closing: Promise<void> | undefined
  private maintaining: Promise<void> | undefined
  private readonly timer: ReturnType<typeof setInterval> | undefined
  /** Leases given back with `discard`. */
  private quarantined = 0

  constructor(factory: StateFactory<S>, options?: PoolOptions) {
    this.options = resolvePoolOptions(options)
    this.line = new WaitLine<S>(this.options.max)
    this.states = new PoolStates(factory, this.options, () => this.pump())
    this.timer = maintenanceTimer(this.options, () => void this.maintain())
  }

  /**
   * Creates `min` states (or up to `upTo` of them). Errors propagate: a factory that cannot
   * create is a setup error.
   */
  async start(upTo = this.options.min): Promise<void> {
    if (this.closed) throw new ClosedError('pool is closed')
    const n = Math.min(upTo, this.options.min) - this.states.all.size - this.states.creating
    await Promise.all(Array.from({ length: Math.max(0, n) }, () => this.createIdle()))
  }

  /**
   * Hands out an idle state at once (no promise), or returns undefined when none fits, callers
   * are already waiting, or the factory's checkout is asynchronous: then call `acquire`.
   */
  tryAcquire(opts: TryAcquireOptions = {}): Lease<S> | undefined {
    if (this.closed || this.line.queue.length > 0) return undefined
    return this.lendIdle(this.partitionOf(opts.tenant), opts.now ?? performance.now())
  }

  /** Hands out a state, waiting (FIFO) while `max` are busy. */
  acquire(opts: AcquireOptions = {}): Promise<Lease<S>> {
    if (this.closed) return Promise.reject(new ClosedError('pool is closed'))
    const timeout = opts.timeoutMs ?? this.options.acquireTimeoutMs
    if (typeof timeout !== 'number' || !(timeout >= 0) || !Number.isFinite(timeout)) {
      return Promise.reject(new InvalidArgumentError(`acquire: timeoutMs must be a non-negative number, received ${String(timeout)}`))
    }
    // nobody in line and a state idle: hand it out now, without a waiter, timer or extra turns
    const idle = this.tryAcquire({ tenant: opts.tenant })
    if (idle) return Promise.resolve(idle)
    const partition = this.partitionOf(opts.tenant)
    return new Promise<Lease<S>>((resolve, reject) => {
      const w = this.line.waiter(partition, resolve, reject, timeout, opts)
      this.line.queue.push(w)
      this.pump()
      // an idle state was matched at once: no timer or listener needed (they cost more than the
      // hand-out); a waiter left queued, or waiting for a new state, is armed now
      if (!w.settled && !this.line.serving.has(w)) this.line.arm(w)
    })
  }

  /** Returns a state: reset and validated for reuse, or destroyed. A second release is ignored. */
  async release(lease: Lease<S>, opts: ReleaseOptions = {}): Promise<void> {
    const entry = this.leases.redeem(lease)
    if (!entry) return
    if (opts.discard) this.quarantined++
    // one clock reading for the wear check and the idle mark (a reset takes microseconds)
    const now = performance.now()
    if (opts.discard || this.states.worn(entry, now) || this.closed) return this.states.destroy(entry)
    // the entry stays active while it resets: nothing else may touch the state meanwhile
    const renewed = this.states.renew(entry)
    if (renewed instanceof Promise ? !(await renewed) : !renewed) return this.states.destroy(entry)
    if (this.closed || !this.states.all.has(entry)) return this.states.destroy(entry)
    this.states.idle.park(entry, renewed instanceof Promise ? performance.now() : now)
    this.pump()
  }

  stats(): PoolStats {
    const { all, idle, created, destroyed, resets, resetFailures } = this.states
    const { acquired, waitTotal, waitMax } = this.leases
    return {
      size: all.size,
      created,
      destroyed,
      active: all.size - idle.length,
      idle: idle.length,
      waiting: this.line.size,
      resets,
      resetFailures,
      quarantined: this.quarantined,
      acquired,
      acquireTimeouts: this.line.timeouts,
      acquireWaitMsTotal: waitTotal,
      acquireWaitMsMax: waitMax,
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
    const pool = { closed: () => this.closed, pump: () => this.pump(), start: () => this.start() }
    this.maintaining ??= evictAndCheck(this.states, this.options, pool).finally(() => {
      this.maintaining = undefined
    })
    return this.maintaining
  }

  // --- internal ---

  private async shutdown(): Promise<void> {
    this.closed = true
    if (this.timer) clearInterval(this.timer)
    this.line.rejectAll(() => new ClosedError('pool closed while waiting'))
    await Promise.all(this.states.idle.clear().map((e) => this.states.destroy(e)))
    await this.states.drain(this.options.drainTimeoutMs)
    await Promise.all([...this.states.all].map((e) => this.states.destroy(e)))
  }

  private pump(): void {
    if (this.closed) return
    const { queue } = this.line
    const { idle } = this.states
    // FIFO across tenants: the oldest `servable` waiters (one per idle state or free slot) are
    // served now, before any younger one; among them, each whose partition has an idle state
    // takes it first, so no state is traded needlessly (the walk costs what it hands out)
    let servable = idle.length + this.states.room()
    for (let w = queue.first, now = performance.now(); w && servable > 0 && idle.length > 0; servable--) {
      const next = w.next // a hand-out only puts its own waiter back at the head
      const match = this.states.takeIdle(w.partition, now)
      if (match && queue.remove(w)) void this.handOut(match, w)
      w = next?.queued ? next : undefined
    }
    // then, in order, a new state where there is room, else trade an idle state of another partition
    while (queue.length > 0) {
      if (this.states.hasRoom()) {
        void this.createFor(queue.shift() as Waiter<S>)
        continue
      }
      const victim = this.states.idle.shift()
      if (!victim) break
      void this.states.destroy(victim) // leaves `all` at once, making room
    }
  }

  private partitionOf(tenant: string | undefined): string | undefined {
    return this.options.partitionByTenant ? (tenant ?? '') : undefined
  }

  private async handOut(entry: Entry<S>, w: Waiter<S>): Promise<void> {
    this.line.serving.add(w)
    const checked = this.states.checkout(entry)
    const ok = checked instanceof Promise ? await checked : checked
    this.line.serving.delete(w)
    if (!ok) {
      // back to the head of the line before the destroy makes room
      if (this.closed) this.line.settle(w, () => w.reject(new ClosedError('pool closed while waiting')))
      else if (!w.settled) {
        this.line.queue.unshift(w)
        this.line.arm(w)
      }
      return this.states.destroy(entry)
    }
    if (this.closed) {
      this.line.settle(w, () => w.reject(new ClosedError('pool closed while waiting')))
      return this.states.destroy(entry)
    }
    if (w.settled) {
      this.states.idle.park(entry)
      return this.pump()
    }
    const lease = this.leases.lend(entry, performance.now() - w.since)
    this.line.settle(w, () => w.resolve(lease))
  }

  /**
   * An idle state of `partition` whose checkout passes at once, leased; undefined if there is
   * none. A state whose checkout is asynchronous goes back to the idle list for the queued path.
   */
  private lendIdle(partition: string | undefined, now: number): Lease<S> | undefined {
    for (let entry = this.states.takeIdle(partition, now); entry; entry = this.states.takeIdle(partition, now)) {
      const checked = this.states.checkout(entry)
      if (checked instanceof Promise) {
        this.states.idle.park(entry)
        return undefined
      }
      if (checked) return this.leases.lend(entry, 0)
      void this.states.destroy(entry)
    }
    return undefined
  }

  private async createFor(w: Waiter<S>): Promise<void> {
    this.line.serving.add(w)
    let entry: Entry<S>
    try {
      const made = this.states.create(w.partition)
      if (made instanceof Promise) this.line.arm(w) // a slow creation runs under the caller's timeout and signal
      entry = made instanceof Promise ? await made : made
    } catch (e) {
      this.line.settle(w, () => w.reject(e))
      return this.pump()
    }
    return this.handOut(entry, w)
  }

  private async createIdle(): Promise<void> {
    const entry = await this.states.create(undefined)
    if (this.closed) return this.states.destroy(entry)
    this.states.idle.park(entry)
    this.pump()
  }
}
