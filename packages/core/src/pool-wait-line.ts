import { CancelledError, PoolExhaustedError } from './errors.js'
import type { AcquireOptions, Lease } from './pool-types.js'

/** A caller waiting for a state. */
export interface Waiter<S> {
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

/**
 * The callers of a pool waiting for a state: a FIFO line, the callers taken out of it whose
 * state is being created or checked out, and each caller's timeout and abort signal. A caller
 * is settled exactly once, whichever of hand-out, timeout, abort or close comes first.
 */
export class WaitLine<S> {
  /** Callers in line for a state (FIFO). */
  readonly queue: Waiter<S>[] = []
  /** Callers taken out of line whose state is being created or checked out. */
  readonly serving = new Set<Waiter<S>>()
  /** Callers that gave up after their timeout. */
  timeouts = 0

  /** `max` only words the timeout error. */
  constructor(private readonly max: number) {}

  /** Callers in line or being served. */
  get size(): number {
    return this.queue.length + this.serving.size
  }

  /** A new caller, not yet in line. */
  waiter(
    partition: string | undefined,
    resolve: Waiter<S>['resolve'],
    reject: Waiter<S>['reject'],
    timeout: number,
    opts: AcquireOptions,
  ): Waiter<S> {
    return { partition, resolve, reject, since: performance.now(), settled: false, armed: false, timeout, opts }
  }

  /** Starts the caller's timeout and listens to its signal (once). */
  arm(w: Waiter<S>): void {
    if (w.armed || w.settled) return
    w.armed = true
    const timeout = w.timeout - (performance.now() - w.since)
    if (w.timeout > 0) {
      w.timer = setTimeout(
        () => this.fail(w, new PoolExhaustedError(`no state free within ${w.timeout} ms (max ${this.max})`), true),
        Math.max(0, timeout),
      )
    }
    // read only here: a lazily made signal (an execution's) is not made for a state handed out at once
    const signal = w.opts.signal
    if (signal?.aborted) {
      this.fail(w, new CancelledError('acquire cancelled'))
      return
    }
    if (signal) {
      const onAbort = () => this.fail(w, new CancelledError('acquire cancelled'))
      signal.addEventListener('abort', onAbort, { once: true })
      w.cleanup = () => signal.removeEventListener('abort', onAbort)
    }
  }

  /** Takes the caller out of line and rejects it. */
  fail(w: Waiter<S>, error: Error, timedOut = false): void {
    const i = this.queue.indexOf(w)
    if (i >= 0) this.queue.splice(i, 1)
    if (!w.settled && timedOut) this.timeouts++
    this.settle(w, () => w.reject(error))
  }

  /** Runs `fn` (the caller's resolve or reject) unless the caller was already settled. */
  settle(w: Waiter<S>, fn: () => void): void {
    if (w.settled) return
    w.settled = true
    this.serving.delete(w)
    if (w.timer) clearTimeout(w.timer)
    w.cleanup?.()
    fn()
  }

  /** Rejects every caller, in line or being served. */
  rejectAll(error: () => Error): void {
    for (const w of [...this.queue.splice(0), ...this.serving]) this.settle(w, () => w.reject(error()))
  }
}
