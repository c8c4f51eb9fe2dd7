// Over 250 lines: one class; routing, waiting for workers, replacing them and their stats share its slots.
import type { SecurityManager } from '@polyhost/security'
import type { EngineStats } from '../contracts.js'
import { CancelledError, EngineCrashedError, PoolExhaustedError } from '../errors.js'
import type { Execution } from '../execution.js'
import type { PoolStats } from '../pool-types.js'
import { backoffKey, KillBackoff } from './kill-backoff.js'
import { type Job, type Landed, WorkerLostError } from './flight.js'
import { workerEntry, workerExecArgv } from './worker-entry.js'
import { type HandleConfig, WorkerHandle } from './worker-handle.js'

export interface WorkerPoolConfig extends Omit<HandleConfig, 'onGone' | 'entry' | 'execArgv'> {
  readonly count: number
  /** How long `close()` lets workers close their engines before terminating them. */
  readonly closeTimeoutMs: number
}

/** Respawning a slot whose worker never became ready waits this long, doubling up to 30 s. */
const RESPAWN_BACKOFF_MS = 500

/**
 * A fixed number of worker threads. Each job goes to the worker with the fewest running
 * executions; a worker that exits (terminated by its watchdog, out of heap, crashed) is
 * replaced. A job lost with its worker runs again once on another worker if it made no bridge
 * call (it had no effect outside that worker); otherwise it fails with the typed error.
 */
export class WorkerPool {
  private readonly slots: WorkerHandle[] = []
  private readonly failures: number[] = []
  /** Workers that exited and were replaced (terminated by the watchdog, out of heap, crashed). */
  private restarts = 0
  /** Workers the watchdog terminated for an overrunning execution. */
  private kills = 0
  /** Executions that waited out a kill back-off before starting. */
  private backoffWaits = 0
  private readonly backoff = new KillBackoff()
  /** Summed counters of workers that are gone, per engine. */
  private readonly retired: Record<string, Record<string, number>> = {}
  /** Engine counters (`discarded`...) of workers that are gone. */
  private readonly retiredCounters: Record<string, Record<string, number>> = {}
  private readonly readySet = new WeakSet<WorkerHandle>()
  private closing: Promise<void> | undefined
  private readonly entry: URL
  private readonly execArgv = workerExecArgv()

  private constructor(private readonly config: WorkerPoolConfig) {
    this.entry = workerEntry()
    for (let i = 0; i < config.count; i++) {
      this.failures.push(0)
      this.slots.push(this.spawn(i))
    }
  }

  /** Starts every worker; rejects with the first start error (a plugin that fails to load). */
  static async start(config: WorkerPoolConfig): Promise<WorkerPool> {
    const pool = new WorkerPool(config)
    try {
      await Promise.all(pool.slots.map((h) => h.ready))
    } catch (e) {
      await pool.close()
      throw e
    }
    return pool
  }

  /** Syntax-checks a script on one worker (which keeps the compiled form). */
  async compile(job: Parameters<WorkerHandle['compile']>[0], security: SecurityManager): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      const h = this.pick()
      try {
        await h.ready
        return await h.compile(job, security)
      } catch (e) {
        // its worker was stopped by close(): cancelled like a pending execution, not a crash to retry
        if (h.exited && this.closing) throw new CancelledError('compile cancelled: the host closed')
        if (!(h.exited && attempt === 0)) throw e
      }
    }
  }

  /**
   * Runs a job on the least busy worker, after the kill back-off of its tenant (or script) if
   * one is due: that wait is the script's own cost and counts against its time limit (which
   * begins here). Waiting for a worker to start is bounded by the caller's signal and the
   * pool's acquire timeout, as waiting for a state is.
   */
  async run(job: Job, execution: Execution): Promise<Landed> {
    execution.holdClock()
    const key = backoffKey(job)
    const delay = this.backoff.delay(key)
    if (delay > 0) {
      this.backoffWaits++
      execution.begin()
      let timer: ReturnType<typeof setTimeout> | undefined
      try {
        await execution.race(new Promise((resolve) => (timer = setTimeout(resolve, delay))))
      } finally {
        clearTimeout(timer)
      }
    }
    for (let attempt = 0; ; attempt++) {
      const h = this.pick()
      h.reserved++
      try {
        if (!(await this.whenReady(h, execution))) {
          if (attempt === 0 && !this.closing) continue
          await h.ready // its start error
        }
      } finally {
        h.reserved--
      }
      // ended while waiting for a worker (deadline, cancellation): do not start it at all
      if (execution.fatal) throw execution.fatal
      try {
        return await h.execute(job, execution)
      } catch (e) {
        if (!(e instanceof WorkerLostError)) throw e
        if (e.culprit) {
          this.kills++
          this.backoff.killed(key)
        }
        if (!(e.retryable && attempt === 0 && !execution.fatal && !this.closing)) {
          // the execution is over: bridge handlers it left running (their ctx.signal) learn it
          // now, not at its deadline, so a caller's retry does not race the lost run's handlers
          execution.abort(e.error)
          throw e.error
        }
        // the retry runs under the policy in force now, not the one of the lost attempt, and
        // from its beginning with its whole time limit (the lost run's time went to the culprit)
        execution.rebase(this.config.security())
        execution.restartClock()
      }
    }
  }

  /**
   * Waits for `h` to be ready (false: it failed to start), no longer than the caller's signal
   * and the pool's acquire timeout allow (a worker restarting after a kill takes a while).
   */
  private async whenReady(h: WorkerHandle, execution: Execution): Promise<boolean> {
    if (this.readySet.has(h)) return true
    const ms = this.config.boot.pool.acquireTimeoutMs
    let timer: ReturnType<typeof setTimeout> | undefined
    const waited = h.ready.then(
      () => true,
      () => false,
    )
    const timeout = new Promise<never>((_, reject) => {
      if (ms > 0) timer = setTimeout(() => reject(new PoolExhaustedError(`no worker ready within ${ms} ms`)), ms)
    })
    try {
      return await execution.race(Promise.race([waited, timeout]))
    } finally {
      clearTimeout(timer)
    }
  }

  /** Pool stats of one engine, summed over the workers (as last reported by each). */
  stats(engine: string): EngineStats {
    // a worker that is gone counts through `retired`
    const live = this.slots.filter((h) => !h.exited)
    const per = live.map((h) => h.stats[engine]).filter((s): s is EngineStats => s !== undefined)
    const pool: Record<string, number> = {}
    const retired = this.retired[engine]
    for (const s of retired ? [...per, { pool: retired as unknown as PoolStats }] : per) {
      for (const [k, v] of Object.entries(s.pool)) {
        if (typeof v === 'number') pool[k] = k.endsWith('Max') ? Math.max(pool[k] ?? 0, v) : (pool[k] ?? 0) + v
      }
    }
    // the engines' own counters (`discarded`...), summed like the pool's; the host's wrapper
    // adds `compiles` and `executions` as it counted them
    const counters: Record<string, number> = { ...this.retiredCounters[engine] }
    for (const s of per) for (const [k, v] of Object.entries(s)) if (typeof v === 'number') counters[k] = (counters[k] ?? 0) + v
    return {
      ...counters,
      pool: pool as unknown as PoolStats,
      workers: this.slots.length,
      workerRestarts: this.restarts,
      workerKills: this.kills,
      backoffWaits: this.backoffWaits,
      perWorker: per,
    }
  }

  /** Closes every worker (engines drain inside each), then terminates what is left. */
  close(): Promise<void> {
    this.closing ??= Promise.allSettled(this.slots.map((h) => h.close(this.config.closeTimeoutMs))).then(() => undefined)
    return this.closing
  }

  // --- internal ---

  private spawn(i: number): WorkerHandle {
    const { pool } = this.config.boot
    const n = this.config.count
    // pool sizes are the host's totals: each worker gets its share, so at most `max` states live
    const boot = { ...this.config.boot, pool: { ...pool, min: share(pool.min, n, i), max: share(pool.max, n, i) } }
    const h = new WorkerHandle({
      ...this.config,
      boot,
      entry: this.entry,
      execArgv: this.execArgv,
      onGone: (gone) => this.exited(i, gone),
      // the kill of a job that was already answered: its key backs off as any culprit's does
      onLateKill: (job) => {
        this.kills++
        this.backoff.killed(backoffKey(job))
      },
    })
    h.ready.then(
      () => {
        this.readySet.add(h)
        this.failures[i] = 0
      },
      () => undefined,
    )
    return h
  }

  private exited(i: number, gone: WorkerHandle): void {
    this.retire(gone)
    if (this.closing || this.slots[i] !== gone) return
    this.restarts++
    if (this.readySet.has(gone)) {
      this.slots[i] = this.spawn(i)
      return
    }
    // never became ready: a broken plugin or build; retry later instead of spinning
    const n = (this.failures[i] ?? 0) + 1
    this.failures[i] = n
    const timer = setTimeout(
      () => {
        if (!this.closing && this.slots[i] === gone) this.slots[i] = this.spawn(i)
      },
      Math.min(30_000, RESPAWN_BACKOFF_MS * 2 ** (n - 1)),
    )
    timer.unref()
  }

  /** Keeps the counters of a worker that is gone: its states were destroyed with it. */
  private retire(gone: WorkerHandle): void {
    for (const [id, s] of Object.entries(gone.stats)) {
      const p = s.pool as unknown as Record<string, number>
      const sum = (this.retired[id] ??= {})
      for (const [k, v] of Object.entries(p))
        if (typeof v === 'number') sum[k] = k.endsWith('Max') ? Math.max(sum[k] ?? 0, v) : (sum[k] ?? 0) + v
      sum.destroyed = (sum.destroyed ?? 0) + (p.size ?? 0)
      const counters = (this.retiredCounters[id] ??= {})
      for (const [k, v] of Object.entries(s)) if (typeof v === 'number') counters[k] = (counters[k] ?? 0) + v
      for (const k of ['size', 'active', 'idle', 'waiting']) sum[k] = (sum[k] ?? 0) - (p[k] ?? 0)
    }
  }

  private pick(): WorkerHandle {
    let best: WorkerHandle | undefined
    for (const h of this.slots) {
      if (h.exited) continue
      // prefer ready workers; among them the least busy; of those, the one whose oldest job is
      // the youngest: a job that has held a thread long is the likeliest to hold it on (a
      // runaway), and a tiny execution queued behind it waits out its whole limit
      const r = best ? rank(h, this.readySet) - rank(best, this.readySet) : -1
      if (r < 0 || (r === 0 && best && h.busySince > best.busySince)) best = h
    }
    if (!best) throw new EngineCrashedError('no worker is running (workers keep failing to start)')
    return best
  }
}

// --- internal ---

/** Worker `i`'s share of `total` over `n` workers (shares differ by at most one). */
function share(total: number, n: number, i: number): number {
  return Math.floor(total / n) + (i < total % n ? 1 : 0)
}

function rank(h: WorkerHandle, ready: WeakSet<WorkerHandle>): number {
  return (ready.has(h) ? 0 : 1_000_000) + h.load
}
