import { isFatal, PolyhostError } from './errors.js'
import type { Execution } from './execution.js'
import type { StatePool } from './pool.js'

/** What `runPooled` needs of the request: the tenant (the pool's partition) and the execution. */
export interface PooledRequest {
  readonly tenant?: string | undefined
  readonly execution: Execution
}

/** How one engine tells `runPooled` about its states. */
export interface PooledRunOptions<S> {
  /** True when the engine saw the state fail inside (a native error, a trapped VM): it is discarded. */
  readonly broken?: (state: S) => boolean
  /** Called once per discarded state (the engine's `discarded` counter). */
  readonly onDiscard?: () => void
}

/**
 * The one path from an execution to a pooled state and back, shared by every engine: check the
 * execution (the caller's `fn` may start the script at once), lease a state for the request's
 * tenant (waiting under the execution's signal and the pool's acquire timeout), begin the
 * execution's time limit, run `fn` on it, then
 * release it — reset and reused, or discarded by `mustDiscardState`. The pool itself discards
 * a state that is worn (`maxUses`, `maxLifetimeMs`) or fails its reset or validation.
 *
 * @example
 * execute(script, request) {
 *   return runPooled(this.pool, request, (state) => runScript(state, script, request), { broken: (s) => s.broken })
 * }
 */
export async function runPooled<S, T>(
  pool: StatePool<S>,
  request: PooledRequest,
  fn: (state: S) => T | Promise<T>,
  options: PooledRunOptions<S> = {},
): Promise<T> {
  const { execution } = request
  // one clock reading for the deadline and the pool's wear check
  const now = performance.now()
  execution.check(now)
  let lease = pool.tryAcquire({ tenant: request.tenant, now })
  if (lease === undefined) {
    // the wait (and a state being made) is bounded by the acquire timeout, not the script's limit
    execution.holdClock()
    lease = await pool.acquire({
      tenant: request.tenant,
      // read only if the caller has to wait: arming the execution's signal costs a timer
      get signal() {
        return execution.signal
      },
    })
    // time passed while waiting: the state goes back unused if the execution is over
    try {
      execution.check()
    } catch (e) {
      await pool.release(lease)
      throw e
    }
  }
  // the script's time limit runs from here: waiting for (or making) a state is not its run
  execution.begin()
  let failed = false
  let error: unknown
  try {
    const out = fn(lease.state)
    return out instanceof Promise ? await out : out
  } catch (e) {
    failed = true
    error = e
    throw execution.fatal ?? e
  } finally {
    const discard = mustDiscardState(execution, failed, error) || options.broken?.(lease.state) === true
    if (discard) options.onDiscard?.()
    await pool.release(lease, { discard })
  }
}

/**
 * The one rule for a state after an execution: it is discarded when the execution recorded
 * a fatal error (a limit trip or a cancellation: the script was stopped wherever it was), or
 * when the run failed with anything but a non-fatal PolyhostError (a script error, a
 * conversion or bridge failure leave the state sound; anything else — an engine crash, a bug
 * — does not). Engines add their own `broken` signal on top.
 */
export function mustDiscardState(execution: Execution, failed: boolean, error?: unknown): boolean {
  if (execution.fatal !== undefined) return true
  if (!failed) return false
  return isFatal(error) || !(error instanceof PolyhostError)
}
