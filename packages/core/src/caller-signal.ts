import { CancelledError, LimitExceededError } from './errors.js'
/**
 * One listener per caller AbortSignal, however many executions it cancels. A host serving a
 * batch often passes one request-scoped signal to every execution of it; a listener each put
 * eleven of them over Node's default of ten, and Node printed MaxListenersExceededWarning on
 * the host's stderr, naming a leak where there was none. The caller's signal is theirs:
 * Polyhost does not raise its listener limit, it adds one listener and fans the abort out.
 */
const waiting = new WeakMap<AbortSignal, Set<() => void>>()

/**
 * Calls `onAbort` once when `signal` aborts (not when it already has: the caller checks
 * `aborted` first), unless the returned function was called before.
 */
export function whenAborted(signal: AbortSignal, onAbort: () => void): () => void {
  let callbacks = waiting.get(signal)
  if (!callbacks) {
    const set = new Set<() => void>()
    callbacks = set
    waiting.set(signal, set)
    signal.addEventListener(
      'abort',
      () => {
        waiting.delete(signal)
        for (const f of set) f()
        set.clear()
      },
      { once: true },
    )
  }
  // a Set holds a function once: the same callback passed twice still needs two removals
  const entry = () => onAbort()
  callbacks.add(entry)
  const set = callbacks
  return () => {
    set.delete(entry)
  }
}

/**
 * Settles like `p`, or rejects with `reason()` as soon as `signal()` aborts; `fatal`: already
 * ended (`p`'s late rejection is then handled, never left unhandled).
 */
export function raceAbort<T>(p: Promise<T>, fatal: Error | undefined, signal: () => AbortSignal, reason: () => unknown): Promise<T> {
  if (fatal) {
    p.then(undefined, () => undefined)
    return Promise.reject(fatal)
  }
  const s = signal()
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(reason())
    s.addEventListener('abort', onAbort, { once: true })
    p.then(
      (v) => {
        s.removeEventListener('abort', onAbort)
        resolve(v)
      },
      (e) => {
        s.removeEventListener('abort', onAbort)
        reject(e)
      },
    )
  })
}

/** Aborts an ended execution's signal with the timeout it would have tripped (see `Execution.end`). */
export function abortAtDeadline(c: AbortController, startedAt: number, max: number): void {
  c.abort(new LimitExceededError('timeout', Math.ceil((performance.now() - startedAt) * 10) / 10, max))
}

/**
 * Settles like `p`, or rejects with CancelledError as soon as the caller's `signal` aborts: a
 * wait before the execution exists (a compile another caller may share) ends with the abort.
 */
export function untilAborted<T>(p: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return p
  const cancelled = () => new CancelledError('execution cancelled before it started')
  if (signal.aborted) {
    p.then(undefined, () => undefined)
    return Promise.reject(cancelled())
  }
  return new Promise<T>((resolve, reject) => {
    const stop = whenAborted(signal, () => reject(cancelled()))
    p.then(
      (v) => {
        stop()
        resolve(v)
      },
      (e) => {
        stop()
        reject(e)
      },
    )
  })
}
