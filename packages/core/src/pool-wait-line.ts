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
  /** Its neighbours while in line (WaiterQueue's links). */
  prev?: Waiter<S> | undefined
  next?: Waiter<S> | undefined
  queued?: boolean
}

/**
 * The FIFO line itself: a doubly linked list through the waiters, so that a caller leaving
 * it (abort, timeout) costs O(1) however long the line is. With an array, 20,000 callers
 * aborted at once cost 20,000 searches and splices of a 20,000-long array.
 */
export class WaiterQueue<S> {
  private head: Waiter<S> | undefined
  private tail: Waiter<S> | undefined
  private count = 0

  get length(): number {
    return this.count
  }

  /** The caller at the head of the line (walk on with `next`). */
  get first(): Waiter<S> | undefined {
    return this.head
  }

  push(w: Waiter<S>): void {
    w.prev = this.tail
    w.next = undefined
    if (this.tail) this.tail.next = w
    else this.head = w
    this.tail = w
    w.queued = true
    this.count++
  }

  /** Puts `w` back at the head of the line. */
  unshift(w: Waiter<S>): void {
    w.prev = undefined
    w.next = this.head
    if (this.head) this.head.prev = w
    else this.tail = w
    this.head = w
    w.queued = true
    this.count++
  }

  shift(): Waiter<S> | undefined {
    const w = this.head
    if (w) this.remove(w)
    return w
  }

  /** Takes `w` out of line; false if it was not in it. */
  remove(w: Waiter<S>): boolean {
    if (!w.queued) return false
    if (w.prev) w.prev.next = w.next
    else this.head = w.next
    if (w.next) w.next.prev = w.prev
    else this.tail = w.prev
    w.prev = w.next = undefined
    w.queued = false
    this.count--
    return true
  }

  /** Empties the line, returning its callers in order. */
  clear(): Waiter<S>[] {
    const out: Waiter<S>[] = []
    for (let w = this.shift(); w; w = this.shift()) out.push(w)
    return out
  }
}

/**
 * The callers of a pool waiting for a state: a FIFO line, the callers taken out of it whose
 * state is being created or checked out, and each caller's timeout and abort signal. A caller
 * is settled exactly once, whichever of hand-out, timeout, abort or close comes first.
 */
export class WaitLine<S> {
  /** Callers in line for a state (FIFO). */
  readonly queue = new WaiterQueue<S>()
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
    this.queue.remove(w)
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
    for (const w of [...this.queue.clear(), ...this.serving]) this.settle(w, () => w.reject(error()))
  }
}
