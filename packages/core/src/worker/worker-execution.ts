import type { LogEntry } from '../contracts.js'
import { BridgeError, CancelledError, isFatal } from '../errors.js'
import { Execution, type ExecutionInit } from '../execution.js'
import { logLineBytes } from '../log-bytes.js'
import { hostErrorText } from '../sanitize.js'
import type { HostLink } from './host-link.js'
import { ABORT_CANCELLED, ABORT_MEMORY_KIB, ABORT_NONE, ABORT_SEEN, ABORT_TIMEOUT, type CallReply, type FromWorker } from './protocol.js'
import { CLOCK_BEGIN, CLOCK_HOLD, CLOCK_RUN, writeClock } from './shared-clock.js'
import { decodeError, encodeError } from './wire-errors.js'

/**
 * The Execution an engine sees inside a worker. Everything an engine uses behaves as in
 * inline mode; what belongs to the host is forwarded: `callBridge` runs on the host thread
 * (which counts the call, validates and runs the handler), host-side aborts arrive through a
 * shared flag that `check()` and `fatal` read even while the script never yields, and a
 * fatal error recorded here is reported to the host so handler signals abort too. Its clock
 * (when the job reached the thread, waits for a state, began) is written to a shared cell the
 * host's watchdog reads when it needs it (shared-clock.ts): no message per job.
 */
export class WorkerExecution extends Execution {
  private silent = false
  private told = false
  private readonly calls = new Set<number>()

  constructor(
    init: ExecutionInit,
    /** The host's execution id. */
    readonly id: number,
    private readonly flag: Int32Array,
    /** The clock cell the host reads (shared-clock.ts). */
    private readonly clock: BigInt64Array,
    private readonly link: HostLink,
    private readonly post: (message: FromWorker) => void,
    /** Shared with the host's watchdog: whose code this thread runs now. */
    private readonly onThread: Int32Array,
  ) {
    super(init)
  }

  /**
   * Every value an engine sets as `memoryBytes` (its accounting: a meter's peak at each pause,
   * a heap's size) is visible to the host in the shared abort flag too. A worker that dies of
   * heap exhaustion cannot report anything; the host reads these figures then to tell the
   * executions that held the heap from bystanders (heap-fault.ts). An override, not an accessor
   * defined on each instance: that cost ~4 µs of every execution in a worker.
   */
  protected override memoryChanged(bytes: number): void {
    if (this.flag.length <= ABORT_MEMORY_KIB) return
    Atomics.store(this.flag, ABORT_MEMORY_KIB, Math.min(0x7fffffff, Math.ceil(Math.max(0, bytes) / 1024)))
  }

  override get fatal(): Error | undefined {
    this.onThreadNow()
    this.poll()
    return super.fatal
  }

  override check(now?: number): void {
    this.onThreadNow()
    this.poll()
    super.check(now)
  }

  /**
   * Marks this execution as the one running on the thread. Engines read `fatal` or call
   * `check()` as they start and from their hooks; a resumption after an async bridge call is
   * marked when the settlement arrives. The watchdog terminates the worker only for the
   * execution marked here: one that merely waits is ended without a kill.
   */
  onThreadNow(): void {
    Atomics.store(this.onThread, 0, this.id)
  }

  /** Clears the mark when this execution's code has left the thread for good. */
  offThread(): void {
    Atomics.compareExchange(this.onThread, 0, this.id, 0)
  }

  /**
   * Runs the clock to the host's deadline (epoch ms; its watchdog stays the authority): for
   * good when the execution `begun` there, else until the engine holds it for a state.
   */
  followHost(deadlineEpoch: number, begun: boolean): void {
    const max = this.limits.timeoutMs
    if (deadlineEpoch === Number.POSITIVE_INFINITY || max === false) return
    const start = deadlineEpoch - max - performance.timeOrigin
    if (begun) this.begin(start)
    else this.startClock(start)
  }

  /** The script starts on its state: the host's time limit runs from the same moment. */
  override begin(now?: number): void {
    super.begin(now)
    if (this.told) return
    this.told = true
    writeClock(this.clock, CLOCK_BEGIN, performance.timeOrigin + this.startedAt)
  }

  /**
   * The job reached this thread (made just now, not begun): the host's time limit runs from
   * this moment, not from when it sent the job, which may have waited behind another script
   * holding the thread.
   */
  reached(): void {
    if (!this.begun) writeClock(this.clock, CLOCK_RUN, performance.timeOrigin + this.startedAt)
  }

  /** Waits for a state: the host holds its time limit too (its watchdog's clock). */
  override holdClock(): void {
    super.holdClock()
    if (!this.told) writeClock(this.clock, CLOCK_HOLD)
  }

  override abort(error: Error): void {
    if (super.fatal) return
    super.abort(error)
    // the watchdog's sign that this thread saw the end and is unwinding, not stuck in a builtin
    Atomics.store(this.flag, ABORT_SEEN, 1)
    // said at once, also for an end the host decided that the script's own thread saw (a hook):
    // the caller is answered now, not after the unwinding (watchdog.ts `acknowledged`)
    if (!this.silent) this.post({ t: 'aborted', id: this.id, error: encodeError(error) })
  }

  /**
   * Records a fatal error the host decided (its timer, the caller's signal), told by message:
   * the script is off the thread (it awaits a bridge or a state) and its unwinding is short, so
   * the worker's `done`, with the pool's counters of the discarded state, answers the caller.
   */
  abortFromHost(error: Error): void {
    this.silent = true
    try {
      this.abort(error)
    } finally {
      this.silent = false
    }
  }

  override callBridge(path: string, args: readonly unknown[], refuseAsync?: string): unknown {
    this.check()
    let sent: ReturnType<HostLink['call']>
    try {
      sent = this.link.call(this.id, path, args, this.outputBytes, () => this.hostStopped(), refuseAsync)
    } catch (e) {
      if ((e as Error)?.name !== 'DataCloneError') throw e
      throw new BridgeError(`${path}: an argument cannot be passed to the host (${hostErrorText(e)})`, path)
    }
    if (!sent) {
      this.check()
      throw super.fatal ?? new CancelledError('execution cancelled')
    }
    const { call, reply } = sent
    if (reply.k !== 'pending') return this.accept(reply)
    // what the handler logged before it went async comes with the "pending" reply
    this.absorb(reply.logs)
    this.bridgeCalls = reply.bridgeCalls
    this.calls.add(call)
    const settled = this.link.settlement(call).then((r) => {
      this.calls.delete(call)
      // the script resumes next, in this same turn
      this.onThreadNow()
      return this.accept(r)
    })
    return this.race(settled)
  }

  /** Ends bookkeeping: pending bridge settlements are no longer awaited. */
  override dispose(): void {
    super.dispose()
    this.link.forget(this.calls)
    this.calls.clear()
  }

  // --- internal ---

  private poll(): void {
    if (super.fatal) return
    const code = Atomics.load(this.flag, 0)
    if (code === ABORT_NONE) return
    if (code === ABORT_TIMEOUT) this.tripTimeout()
    else this.abort(new CancelledError(code === ABORT_CANCELLED ? 'execution cancelled' : 'execution ended by the host'))
  }

  private hostStopped(): boolean {
    return Atomics.load(this.flag, 0) !== ABORT_NONE
  }

  /** Applies a reply: handler logs, the host's call count, then the value or the error. */
  private accept(reply: CallReply): unknown {
    this.absorb(reply.logs)
    this.bridgeCalls = reply.bridgeCalls
    if (reply.k === 'value') return reply.value
    if (reply.k === 'pending') throw new Error('unexpected pending reply')
    const e = decodeError(reply.error)
    if (isFatal(e)) {
      this.abort(e)
      throw super.fatal ?? e
    }
    throw e
  }

  /** Log lines a handler wrote on the host (already counted there against `outputBytes`). */
  private absorb(logs: readonly LogEntry[]): void {
    for (const entry of logs) {
      this.logs.push(entry)
      this.outputBytes += logLineBytes(entry.message)
    }
  }
}
