// Over 250 lines: one class; a worker's start, its message dispatch, its flights and their settlement share its fields.
import type { MessagePort, Worker } from 'node:worker_threads'
import type { SecurityManager } from '@polyhost/security'
import type { EngineStats, Logger } from '../contracts.js'
import { EngineNotFoundError } from '../errors.js'
import type { Execution } from '../execution.js'
import { BridgeServer } from './bridge-server.js'
import { type Flight, groundFlight, type Job, type Landed, newFlight, shipLogs, WorkerLostError } from './flight.js'
import { type FromWorker, PROTOCOL_VERSION, type ToWorker, type WorkerBoot } from './protocol.js'
import { followClock, landClock } from './shared-clock.js'
import { type RegistrySources, type SeenState, snapshotFor } from './snapshot.js'
import { type Watched, Watchdog } from './watchdog.js'
import { guarded, logSafely, lostError, mirrorFatal, rejectLost } from './worker-crash.js'
import { type SpawnConfig, spawnWorker } from './worker-spawn.js'
import { decodeError } from './wire-errors.js'

export interface HandleConfig extends SpawnConfig {
  readonly sources: RegistrySources
  readonly security: () => SecurityManager
  readonly killMarginMs: number
  readonly logger: Logger
  /** Called once when the worker stops taking work: terminated by the host, or exited. */
  readonly onGone: (handle: WorkerHandle) => void
  /** A job whose caller was already answered was terminated anyway (it outlived its grace). */
  readonly onLateKill?: (job: Job) => void
}

let nextId = 1

/**
 * One worker thread seen from the host: starts it (worker-spawn.ts), dispatches its messages, serves its bridge
 * calls (bridge-server.ts), has its ended executions watched (watchdog.ts) and settles them when the thread
 * dies (worker-crash.ts). `load` counts its running executions.
 */
export class WorkerHandle {
  readonly ready: Promise<void>
  stats: Readonly<Record<string, EngineStats>> = {}
  private readonly worker: Worker
  private readonly slot = new Int32Array(new SharedArrayBuffer(4))
  /** Which execution's code the thread runs now (0: none), as the worker marks it. */
  private readonly onThread = new Int32Array(new SharedArrayBuffer(4))
  private readonly replyPort: MessagePort
  private readonly bridges: BridgeServer
  private readonly watchdog: Watchdog
  private seen: SeenState = { fingerprint: undefined, bridges: -1, modules: -1 }
  private readonly flights = new Map<number, Flight>()
  private readonly compiles = new Map<number, { resolve: () => void; reject: (e: Error) => void }>()
  private readonly closed: Promise<void>
  private onClosed: (() => void) | undefined
  private crash: Error | undefined
  /** The flight whose overrun made the host terminate this worker. */
  private culprit: number | undefined
  private rejectReady: ((e: Error) => void) | undefined
  /** No longer takes work: terminated by the host, or its thread exited. */
  exited = false
  /** Jobs on their way to this worker (waiting for it to be ready). */
  reserved = 0

  constructor(private readonly config: HandleConfig) {
    const { snapshot, next } = snapshotFor(this.seen, config.sources, config.security())
    this.seen = next
    const spawned = spawnWorker(config, snapshot as WorkerBoot['snapshot'], this.slot, this.onThread)
    this.replyPort = spawned.replyPort
    this.worker = spawned.worker
    const waiting = (f: Flight) => !this.exited && this.flights.get(f.id) === f
    this.bridges = new BridgeServer(this.replyPort, this.slot, (m) => this.send(m), waiting, config.boot.maxDepth)
    const watched: Watched = {
      exited: () => this.exited,
      waiting,
      onThread: () => Atomics.load(this.onThread, 0),
      send: (m) => this.send(m),
      kill: (culprit) => this.kill(culprit),
    }
    this.watchdog = new Watchdog(watched, config.killMarginMs, config.onLateKill)
    let ready!: { resolve: () => void; reject: (e: Error) => void }
    this.ready = new Promise<void>((resolve, reject) => (ready = { resolve, reject }))
    this.ready.catch(() => undefined)
    this.closed = new Promise<void>((resolve) => (this.onClosed = resolve))
    this.worker.on('message', (m: FromWorker) => guarded(config.logger, () => this.onMessage(m, ready)))
    this.worker.on('error', (e) => (this.crash ??= e))
    this.rejectReady = ready.reject
    this.worker.on('exit', () => this.onExit())
  }

  /** Executions running on, or on their way to, this worker. */
  get load(): number {
    return this.flights.size + this.reserved
  }

  /**
   * When its oldest execution that may hold the thread was sent (+Infinity: none); one awaiting
   * a bridge handler on the host leaves it free. Flights are kept in send order.
   */
  get busySince(): number {
    for (const f of this.flights.values()) if (f.awaiting === 0) return f.sentAt
    return Number.POSITIVE_INFINITY
  }

  /** Syntax-checks (and caches in this worker) a script. */
  compile(job: Pick<Job, 'engine' | 'language' | 'name' | 'source' | 'hash'>, security: SecurityManager): Promise<void> {
    if (this.exited) return Promise.reject(lostError(this.crash))
    const id = nextId++
    return new Promise<void>((resolve, reject) => {
      this.compiles.set(id, { resolve, reject })
      const { snapshot, next } = snapshotFor(this.seen, this.config.sources, security)
      this.send({ t: 'compile', id, ...job, snapshot })
      this.seen = next
    })
  }

  /** Runs a job; rejects with WorkerLostError if the worker ends first. */
  execute(job: Job, execution: Execution): Promise<Landed> {
    if (this.exited) return Promise.reject(new WorkerLostError(lostError(this.crash), true))
    const id = nextId++
    return new Promise<Landed>((resolve, reject) => {
      const flight = newFlight(id, job, execution, resolve, reject, (f) => this.watchdog.hostAborted(f))
      execution.holdClock() // until the worker takes the job up (shared-clock.ts), not while it waits behind another
      const deadline = execution.deadline
      const { snapshot, next } = snapshotFor(this.seen, this.config.sources, execution.init.security)
      // a value structured clone refuses throws here, before anything is registered
      this.send({
        t: 'execute',
        id,
        ...job,
        snapshot,
        limits: execution.limits,
        deadlineEpoch: deadline === Number.POSITIVE_INFINITY ? deadline : performance.timeOrigin + deadline,
        begun: execution.begun,
        abort: flight.shared,
      })
      this.seen = next
      this.flights.set(id, flight)
      if (execution.fatal) return flight.onAbort()
      execution.whenFatal(flight.onAbort)
      // the signal is armed only to watch a caller's signal (the watchdog times the job)
      if (execution.init.signal) void execution.signal
      const max = execution.limits.timeoutMs
      if (max !== false) this.watchdog.timeLimit(flight, execution.begun ? Math.max(0, deadline - performance.now()) + 1 : max + 1)
    })
  }

  /** Asks the worker to close its engines; terminates it if that takes longer than `timeoutMs`. */
  async close(timeoutMs: number): Promise<void> {
    if (this.exited) return
    this.send({ t: 'close' })
    const timer = new Promise<void>((resolve) => setTimeout(resolve, timeoutMs).unref())
    await Promise.race([this.closed, timer])
    await this.worker.terminate()
  }

  /**
   * Terminates the worker (hard stop). Its executions are settled at once: the thread may
   * take a while to die inside a long native call, and nothing it still sends is accepted.
   */
  kill(culprit?: number): void {
    if (this.exited) return
    this.culprit ??= culprit
    this.exited = true
    this.abandon()
    void this.worker.terminate()
    this.config.onGone(this)
  }

  // --- internal ---

  private send(m: ToWorker): void {
    this.worker.postMessage(m)
  }

  private onMessage(m: FromWorker, ready: { resolve: () => void; reject: (e: Error) => void }): void {
    // a worker being terminated may still post; its executions are already settled
    if (this.exited && m.t !== 'closed') return
    switch (m.t) {
      case 'ready':
      case 'init-failed':
        if (m.protocol !== PROTOCOL_VERSION) {
          ready.reject(
            new EngineNotFoundError(`worker code speaks protocol ${m.protocol}, this host ${PROTOCOL_VERSION}: rebuild @polyhost/core`),
          )
          this.kill()
        } else if (m.t === 'ready') {
          this.stats = m.stats
          ready.resolve()
        } else {
          ready.reject(decodeError(m.error))
          this.kill()
        }
        break
      case 'compiled': {
        const c = this.compiles.get(m.id)
        this.compiles.delete(m.id)
        if (m.error) c?.reject(decodeError(m.error))
        else c?.resolve()
        break
      }
      case 'call': {
        const f = this.flights.get(m.id)
        // handlers see the deadline the script runs under (its `check()`, `ctx.signal`)
        if (f) followClock(f.execution, f.clock, false)
        this.bridges.serve(m, f)
        break
      }
      case 'aborted': {
        const f = this.flights.get(m.id)
        if (!f) break
        followClock(f.execution, f.clock, false)
        mirrorFatal(f.execution, decodeError(m.error))
        // the answer is known: the caller does not wait for the unwinding and the state's retirement
        this.watchdog.acknowledged(f)
        break
      }
      case 'done': {
        const f = this.flights.get(m.id)
        if (!f) break
        this.land(f, m.durationMs)
        if (m.stats) this.stats = { ...this.stats, [f.execution.init.engine]: { ...this.stats[f.execution.init.engine], ...m.stats } }
        if (f.released) break
        f.resolve({ done: m, late: shipLogs(f) })
        break
      }
      case 'stats':
        for (const [id, st] of Object.entries(m.stats)) this.stats = { ...this.stats, [id]: { ...this.stats[id], ...st } }
        break
      case 'log':
        logSafely(this.config.logger, m.message, m.level)
        break
      case 'closed':
        this.stats = m.stats
        this.onClosed?.()
        break
    }
  }

  /** The flight is over on its worker (`durationMs`: its result's, on the worker's clock). */
  private land(f: Flight, durationMs?: number): void {
    this.flights.delete(f.id)
    groundFlight(f)
    landClock(f.execution, f.clock, durationMs)
  }

  private onExit(): void {
    const killed = this.exited
    this.exited = true
    this.abandon()
    this.replyPort.close()
    this.onClosed?.()
    if (!killed) this.config.onGone(this)
  }

  /** Settles everything still waiting on this worker, which will not answer any more. */
  private abandon(): void {
    const lost = lostError(this.crash)
    this.rejectReady?.(lost)
    for (const c of this.compiles.values()) c.reject(lost)
    this.compiles.clear()
    const flights = [...this.flights.values()]
    for (const f of flights) this.land(f)
    rejectLost(flights, { culprit: this.culprit, crash: this.crash, lost, resourceLimits: this.config.resourceLimits })
  }
}
