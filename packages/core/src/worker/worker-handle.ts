import { MessageChannel, type MessagePort, type ResourceLimits, Worker } from 'node:worker_threads'
import type { SecurityManager } from '@polyhost/security'
import type { EngineStats, LogEntry, Logger } from '../contracts.js'
import { BridgeError, CancelledError, EngineCrashedError, EngineNotFoundError, InterruptedError, LimitExceededError } from '../errors.js'
import type { Execution } from '../execution.js'
import { hostErrorText } from '../sanitize.js'
import {
  ABORT_CANCELLED,
  ABORT_OTHER,
  ABORT_SEEN,
  ABORT_TIMEOUT,
  type CallMessage,
  type CallOutcome,
  type DoneMessage,
  type FromWorker,
  PROTOCOL_VERSION,
  type ToWorker,
  type WorkerBoot,
} from './protocol.js'
import { checkCrossing } from './crossing.js'
import { type RegistrySources, type SeenState, snapshotFor } from './snapshot.js'
import { decodeError, encodeError } from './wire-errors.js'

/**
 * How long a worker that acknowledged an ended execution (it is unwinding) may still hold the
 * thread before it is terminated anyway: the kill margin is for a thread that does not listen,
 * not for one a loaded machine has not scheduled yet.
 */
export const UNWIND_GRACE_MS = 1000

/** Errors the host sends a worker leave their causes behind: host error text stays on the host. */
const TO_WORKER = { causes: false } as const

/** An execution as the pool hands it to a worker (the per-worker parts are added here). */
export interface Job {
  readonly engine: string
  readonly language: string
  readonly name: string
  readonly source: string
  readonly hash: string
  readonly globals: Readonly<Record<string, unknown>>
  readonly context: Readonly<Record<string, unknown>>
  readonly tenant: string | undefined
  readonly compileCacheHit: boolean
}

export interface HandleConfig {
  readonly entry: URL
  readonly boot: Pick<WorkerBoot, 'engines' | 'pool' | 'maxDepth'>
  readonly sources: RegistrySources
  readonly security: () => SecurityManager
  readonly resourceLimits: ResourceLimits
  readonly killMarginMs: number
  /** Node flags for the worker; undefined inherits the host's (Node's default). */
  readonly execArgv: readonly string[] | undefined
  readonly logger: Logger
  /** Called once when the worker stops taking work: terminated by the host, or exited. */
  readonly onGone: (handle: WorkerHandle) => void
  /** A job whose caller was already answered was terminated anyway (it outlived its grace). */
  readonly onLateKill?: (job: Job) => void
}

/** A finished job: the worker's report, and handler log lines it never received. */
export interface Landed {
  readonly done: DoneMessage
  readonly late: readonly LogEntry[]
}

/** Why a job ended without a result from its worker. */
export class WorkerLostError extends Error {
  constructor(
    readonly error: Error,
    /** The script made no bridge call: it had no effect outside its worker and may run again. */
    readonly retryable: boolean,
    /** The worker was terminated because of this execution. */
    readonly culprit = false,
  ) {
    super(error.message)
  }
}

interface Flight {
  readonly id: number
  readonly job: Job
  readonly execution: Execution
  readonly flag: Int32Array
  readonly resolve: (landed: Landed) => void
  readonly reject: (e: WorkerLostError) => void
  readonly onAbort: () => void
  /** Host log entries (handler `ctx.log`) already sent to the worker. */
  shipped: number
  bridged: boolean
  /** The caller was answered (the execution was ended while not on the thread); the worker has not yet. */
  released: boolean
  /** The unwinding grace was given (see `watch`). */
  graced?: boolean
  killTimer?: ReturnType<typeof setTimeout>
}

let nextId = 1

/**
 * One worker thread seen from the host: starts it, serves its bridge calls (running handlers
 * here, on the host thread), watches the deadlines of its executions and terminates it when
 * one overruns by more than the kill margin. `load` counts its running executions.
 */
export class WorkerHandle {
  readonly ready: Promise<void>
  stats: Readonly<Record<string, EngineStats>> = {}
  private readonly worker: Worker
  private readonly slot = new Int32Array(new SharedArrayBuffer(4))
  /** Which execution's code the thread runs now (0: none), as the worker marks it. */
  private readonly onThread = new Int32Array(new SharedArrayBuffer(4))
  private readonly replyPort: MessagePort
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

  constructor(private readonly config: HandleConfig) {
    const { snapshot, next } = snapshotFor(this.seen, config.sources, config.security())
    this.seen = next
    const start = (execArgv: readonly string[] | undefined) => {
      const { port1, port2 } = new MessageChannel()
      const boot: WorkerBoot = {
        protocol: PROTOCOL_VERSION,
        ...config.boot,
        snapshot: snapshot as WorkerBoot['snapshot'],
        replySlot: this.slot.buffer as SharedArrayBuffer,
        threadSlot: this.onThread.buffer as SharedArrayBuffer,
        replyPort: port2,
      }
      const options = { workerData: boot, transferList: [port2], resourceLimits: config.resourceLimits }
      return { port1, worker: new Worker(config.entry, execArgv ? { ...options, execArgv: [...execArgv] } : options) }
    }
    let started: ReturnType<typeof start>
    try {
      started = start(config.execArgv)
    } catch (e) {
      // flags given explicitly must all be valid per thread (V8 flags are not): plain Node then
      if ((e as { code?: string }).code !== 'ERR_WORKER_INVALID_EXEC_ARGV') throw e
      started = start([])
    }
    this.replyPort = started.port1
    this.worker = started.worker
    let ready!: { resolve: () => void; reject: (e: Error) => void }
    this.ready = new Promise<void>((resolve, reject) => (ready = { resolve, reject }))
    this.ready.catch(() => undefined)
    this.closed = new Promise<void>((resolve) => (this.onClosed = resolve))
    this.worker.on('message', (m: FromWorker) => this.onMessage(m, ready))
    this.worker.on('error', (e) => (this.crash ??= e))
    this.rejectReady = ready.reject
    this.worker.on('exit', () => this.onExit())
  }

  /** Jobs on their way to this worker (waiting for it to be ready). */
  reserved = 0

  /** Executions running on, or on their way to, this worker. */
  get load(): number {
    return this.flights.size + this.reserved
  }

  /** Syntax-checks (and caches in this worker) a script. */
  compile(job: Pick<Job, 'engine' | 'language' | 'name' | 'source' | 'hash'>, security: SecurityManager): Promise<void> {
    if (this.exited) return Promise.reject(this.lostError())
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
    if (this.exited) return Promise.reject(new WorkerLostError(this.lostError(), true))
    const id = nextId++
    const abort = new SharedArrayBuffer(8)
    return new Promise<Landed>((resolve, reject) => {
      const flight: Flight = {
        id,
        job,
        execution,
        flag: new Int32Array(abort),
        resolve,
        reject,
        onAbort: () => this.hostAborted(flight),
        shipped: execution.logs.length,
        bridged: false,
        released: false,
      }
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
        abort,
      })
      this.seen = next
      this.flights.set(id, flight)
      if (execution.signal.aborted) flight.onAbort()
      else execution.signal.addEventListener('abort', flight.onAbort, { once: true })
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
      case 'call':
        this.serveCall(m)
        break
      case 'aborted': {
        const f = this.flights.get(m.id)
        if (f) mirrorFatal(f.execution, decodeError(m.error))
        break
      }
      case 'done': {
        const f = this.flights.get(m.id)
        if (!f) break
        this.land(f)
        if (f.released) break
        if (m.stats) this.stats = { ...this.stats, [f.execution.init.engine]: { ...this.stats[f.execution.init.engine], ...m.stats } }
        f.resolve({ done: m, late: this.ship(f) })
        break
      }
      case 'stats':
        for (const [id, st] of Object.entries(m.stats)) this.stats = { ...this.stats, [id]: { ...this.stats[id], ...st } }
        break
      case 'log':
        this.config.logger[m.level](m.message)
        break
      case 'closed':
        this.stats = m.stats
        this.onClosed?.()
        break
    }
  }

  /** Runs a bridge call for the worker and answers it on the reply port. */
  private serveCall(m: CallMessage): void {
    const f = this.flights.get(m.id)
    let reply: CallOutcome
    if (!f) {
      reply = { k: 'error', error: encodeError(new CancelledError('execution has ended')) }
    } else {
      f.bridged = true
      const x = f.execution
      // the worker counts script output; handler logs here continue from its count
      if (m.outputBytes > x.outputBytes) x.outputBytes = m.outputBytes
      try {
        const out = x.callBridge(m.path, m.args, m.refuseAsync)
        if (out instanceof Promise) {
          reply = { k: 'pending' }
          out.then(
            (value) => this.settle(f, m.call, m.path, { k: 'value', value }),
            (e) => this.settle(f, m.call, m.path, { k: 'error', error: encodeError(e, TO_WORKER) }),
          )
        } else {
          checkCrossing(out, x)
          reply = { k: 'value', value: out }
        }
      } catch (e) {
        reply = { k: 'error', error: encodeError(e, TO_WORKER) }
      }
    }
    const logs = f ? this.ship(f) : []
    const full = (r: typeof reply) => ({ call: m.call, reply: { ...r, logs, bridgeCalls: f?.execution.bridgeCalls ?? 0 } })
    try {
      this.replyPort.postMessage(full(reply))
    } catch (e) {
      this.replyPort.postMessage(full({ k: 'error', error: encodeError(uncloneable(m.path, e), TO_WORKER) }))
    }
    Atomics.add(this.slot, 0, 1)
    Atomics.notify(this.slot, 0)
  }

  private settle(f: Flight, call: number, path: string, r: CallOutcome): void {
    if (this.exited || !this.flights.has(f.id)) return
    if (r.k === 'value') {
      try {
        checkCrossing(r.value, f.execution)
      } catch (e) {
        r = { k: 'error', error: encodeError(e, TO_WORKER) }
      }
    }
    const logs = this.ship(f)
    const full = (x: typeof r) => ({ t: 'settle', id: f.id, call, reply: { ...x, logs, bridgeCalls: f.execution.bridgeCalls } }) as const
    try {
      this.send(full(r))
    } catch (e) {
      this.send(full({ k: 'error', error: encodeError(uncloneable(path, e), TO_WORKER) }))
    }
  }

  private ship(f: Flight): LogEntry[] {
    const logs = f.execution.logs.slice(f.shipped)
    f.shipped = f.execution.logs.length
    return logs
  }

  /** The host ended the execution: tell the worker, and stop it if it does not listen. */
  private hostAborted(f: Flight): void {
    const fatal = f.execution.fatal
    const code =
      fatal?.name === 'LimitExceededError' && (fatal as { limit?: string }).limit === 'timeout'
        ? ABORT_TIMEOUT
        : fatal?.name === 'CancelledError'
          ? ABORT_CANCELLED
          : ABORT_OTHER
    Atomics.store(f.flag, 0, code)
    if (!this.exited) this.send({ t: 'abort', id: f.id, error: encodeError(fatal ?? new CancelledError('execution cancelled')) })
    this.watch(f, this.config.killMarginMs)
  }

  /**
   * The watchdog of an ended execution the worker has not acknowledged yet. Only if it is the
   * one on the thread is the worker terminated. Otherwise the thread is busy with another
   * execution (this one waits on a bridge or a state, and will see its abort flag when it
   * resumes): its caller gets the error now, without a kill, and the watch goes on.
   */
  private watch(f: Flight, ms: number): void {
    f.killTimer = setTimeout(() => {
      if (this.exited || this.flights.get(f.id) !== f) return
      if (Atomics.load(this.onThread, 0) === f.id) {
        // The thread saw the end and is unwinding, only slower than the margin (a loaded
        // machine): the caller is answered now, the unwinding gets one bounded grace period.
        if (f.graced) {
          this.config.onLateKill?.(f.job)
          return this.kill(f.id)
        }
        if (Atomics.load(f.flag, ABORT_SEEN) !== 1) return this.kill(f.id)
        f.graced = true
        this.release(f)
        return this.watch(f, UNWIND_GRACE_MS)
      }
      this.release(f)
      this.watch(f, Math.max(ms, 10))
    }, ms)
  }

  /** Answers the caller of an ended execution that is not on the thread; the worker answers later. */
  private release(f: Flight): void {
    if (f.released) return
    f.released = true
    f.execution.signal.removeEventListener('abort', f.onAbort)
    f.reject(new WorkerLostError(f.execution.fatal ?? new CancelledError('execution cancelled'), false))
  }

  private land(f: Flight): void {
    this.flights.delete(f.id)
    f.execution.signal.removeEventListener('abort', f.onAbort)
    if (f.killTimer) clearTimeout(f.killTimer)
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
    const lost = this.lostError()
    this.rejectReady?.(lost)
    for (const c of this.compiles.values()) c.reject(lost)
    this.compiles.clear()
    const flights = [...this.flights.values()]
    for (const f of flights) {
      this.land(f)
      if (f.released) continue
      if (f.id === this.culprit) f.reject(new WorkerLostError(f.execution.fatal ?? lost, false, true))
      else if (this.culprit !== undefined) f.reject(new WorkerLostError(collateral(), !f.bridged))
      else f.reject(new WorkerLostError(this.crashError(f.execution, flights.length), false))
    }
  }

  private lostError(): Error {
    return this.crash ? new EngineCrashedError(`worker crashed: ${this.crash.message}`) : new EngineCrashedError('worker exited')
  }

  /** A worker that died on its own: its heap limit, or a crash. */
  private crashError(x: Execution, running: number): Error {
    const e = this.crash as (Error & { code?: string }) | undefined
    if (e?.code === 'ERR_WORKER_OUT_OF_MEMORY') {
      const heap = (this.config.resourceLimits.maxOldGenerationSizeMb ?? 0) * 1024 * 1024
      const max = x.limits.memoryBytes === false ? heap : x.limits.memoryBytes
      mirrorFatal(x, new LimitExceededError('memory', heap, max))
      return x.fatal ?? this.lostError()
    }
    const crashed = new EngineCrashedError(
      running > 1
        ? `worker crashed while running ${running} executions: ${e?.message ?? 'exited'}`
        : `worker crashed: ${e?.message ?? 'exited'}`,
    )
    mirrorFatal(x, crashed)
    return x.fatal ?? crashed
  }
}

/** Records in the host's Execution a fatal error the worker reported, so handler signals abort. */
export function mirrorFatal(x: Execution, e: Error): void {
  if (x.fatal) return
  const limit = (e as { limit?: string }).limit
  if (e.name === 'LimitExceededError' && limit === 'timeout') x.tripTimeout()
  else if (e.name === 'LimitExceededError') {
    const l = e as unknown as { limit: Parameters<Execution['trip']>[0]; used: number; max: number }
    x.trip(l.limit, l.used, l.max)
  } else x.abort(e)
}

// --- internal ---

function collateral(): Error {
  return new InterruptedError('the worker was stopped because another execution on it overran its limits; this one may run again')
}

function uncloneable(path: string, e: unknown): Error {
  return new BridgeError(`${path}: the result cannot be passed to the script's worker (${hostErrorText(e)})`, path)
}
