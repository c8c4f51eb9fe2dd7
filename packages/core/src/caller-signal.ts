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
