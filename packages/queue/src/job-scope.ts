import type { ExecutionCaller } from '@polyhost/core'
import { thrownRetryable } from './errors.js'

/** What a script reports as its progress: a percentage, or a small plain object. */
export type JobProgress = number | Readonly<Record<string, unknown>>

/**
 * What a queued execution's bridge handlers reach without touching the host's bridge
 * contract: the job's execution is run with it as its `caller` (core's ExecuteRequest), so a
 * handler reads it as `ctx.caller` and core tells it of each bridge failure, in both isolation
 * modes. Before, an AsyncLocalStorage carried it, whose promise hooks taxed every promise of
 * the process (~25 µs of a job's CPU).
 */
export class JobScope implements ExecutionCaller {
  /** Messages of the RetryableErrors its bridge handlers threw. */
  readonly marks: string[] = []

  constructor(
    /** Where `job.progress(value)` goes (job-progress.ts); undefined without the `job` bridge. */
    readonly progress?: { report(value: JobProgress): void },
  ) {}

  /**
   * A bridge call failed into the script: when its handler threw a RetryableError (or an
   * error caused by one), the job remembers its message, since the script may let the failure
   * escape as a ScriptRuntimeError that no longer carries it (retry-policy.ts).
   */
  onBridgeFailure(_path: string, error: unknown): void {
    const message = retryableIn(error)
    if (message !== undefined) this.marks.push(message)
  }
}

/** The JobScope a bridge handler's `ctx.caller` is, or undefined outside a queued execution. */
export function jobScopeOf(ctx: { readonly caller?: unknown }): JobScope | undefined {
  const caller = ctx.caller
  return caller instanceof JobScope ? caller : undefined
}

/** The message of the first RetryableError along `error`'s causes (a few levels), if any. */
function retryableIn(error: unknown): string | undefined {
  let e = error
  for (let depth = 0; depth < 8 && typeof e === 'object' && e !== null; depth++) {
    if (thrownRetryable(e)) return e.message
    e = (e as { cause?: unknown }).cause
  }
  return undefined
}
