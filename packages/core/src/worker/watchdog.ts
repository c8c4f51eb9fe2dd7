import { CancelledError } from '../errors.js'
import { type Flight, type Job, WorkerLostError } from './flight.js'
import { ABORT_CANCELLED, ABORT_OTHER, ABORT_SEEN, ABORT_TIMEOUT, type ToWorker } from './protocol.js'
import { dueIn, followClock } from './shared-clock.js'
import { encodeError } from './wire-errors.js'

/**
 * How long a worker that acknowledged an ended execution (it is unwinding) may still hold the
 * thread before it is terminated anyway: the kill margin is for a thread that does not listen,
 * not for one a loaded machine has not scheduled yet.
 */
export const UNWIND_GRACE_MS = 1000

/** What the watchdog needs of the worker it watches. */
export interface Watched {
  /** No longer takes work. */
  exited(): boolean
  /** Whether the flight still waits for its worker. */
  waiting(f: Flight): boolean
  /** Id of the execution whose code the thread runs now (0: none). */
  onThread(): number
  send(m: ToWorker): void
  /** Terminates the worker because of execution `culprit`. */
  kill(culprit: number): void
}

/**
 * Ends executions in a worker when the host ends them (deadline, cancel, a handler's fatal
 * error): flags and tells the worker, and terminates it when the execution still runs on the
 * thread after the kill margin.
 */
export class Watchdog {
  constructor(
    private readonly worker: Watched,
    private readonly killMarginMs: number,
    /** A job whose caller was already answered was terminated anyway (it outlived its grace). */
    private readonly onLateKill: ((job: Job) => void) | undefined,
  ) {}

  /** The host ended the execution: tell the worker, and stop it if it does not listen. */
  hostAborted(f: Flight): void {
    const fatal = f.execution.fatal
    const code =
      fatal?.name === 'LimitExceededError' && (fatal as { limit?: string }).limit === 'timeout'
        ? ABORT_TIMEOUT
        : fatal?.name === 'CancelledError'
          ? ABORT_CANCELLED
          : ABORT_OTHER
    Atomics.store(f.flag, 0, code)
    if (!this.worker.exited())
      this.worker.send({ t: 'abort', id: f.id, error: encodeError(fatal ?? new CancelledError('execution cancelled')) })
    this.watch(f, this.killMarginMs)
  }

  /**
   * The time limit of a job sent with its clock held (it may wait on the worker behind another
   * script): timed from the send, and when that is due, from the worker's clock (shared-clock.ts),
   * re-armed while the job has not started or started later, tripped once its limit is over.
   * A begun execution's deadline stands (it was sent). The trip ends the execution, and
   * `hostAborted` (its fatal hook) ends it in the worker.
   */
  timeLimit(f: Flight, ms: number): void {
    f.limitTimer = setTimeout(() => {
      f.limitTimer = undefined
      const x = f.execution
      const max = x.limits.timeoutMs
      if (max === false || x.fatal || this.worker.exited() || !this.worker.waiting(f)) return
      const left = x.deadline - performance.now()
      const due = x.begun ? (left < 0 ? 0 : left + 1) : dueIn(f.clock, max)
      if (due > 0) return this.timeLimit(f, due)
      if (!x.begun) followClock(x, f.clock, false)
      x.tripTimeout()
    }, ms)
  }

  /**
   * The worker saw the end of the execution (it set `ABORT_SEEN` and said so): the answer is
   * the execution's fatal error whatever the unwinding still does (building the error, the
   * engine retiring the state, a collection of a big heap), so the caller gets it now. The
   * watch armed by `hostAborted` goes on: a thread that does not come back within the kill
   * margin and the grace is terminated as before.
   */
  acknowledged(f: Flight): void {
    if (f.execution.fatal && this.worker.waiting(f)) this.release(f)
  }

  // --- internal ---

  /**
   * The watch of an ended execution the worker has not acknowledged yet. Only if it is the
   * one on the thread is the worker terminated. Otherwise the thread is busy with another
   * execution (this one waits on a bridge or a state, and will see its abort flag when it
   * resumes): its caller gets the error now, without a kill, and the watch goes on.
   */
  private watch(f: Flight, ms: number): void {
    f.killTimer = setTimeout(() => {
      if (this.worker.exited() || !this.worker.waiting(f)) return
      if (this.worker.onThread() === f.id) {
        // The thread saw the end and is unwinding, only slower than the margin (a loaded
        // machine): the caller is answered now, the unwinding gets one bounded grace period.
        if (f.graced) {
          this.onLateKill?.(f.job)
          return this.worker.kill(f.id)
        }
        if (Atomics.load(f.flag, ABORT_SEEN) !== 1) return this.worker.kill(f.id)
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
    f.execution.whenFatal(f.onAbort, true)
    f.reject(new WorkerLostError(f.execution.fatal ?? new CancelledError('execution cancelled'), false))
  }
}
