import { PolyhostError } from '@polyhost/core'
import { retryMarks } from './retry-scope.js'

/** A job named a script (`ref`, optionally `version`) the registry does not hold. */
export class ScriptNotFoundError extends PolyhostError {
  override readonly name = 'ScriptNotFoundError'
  readonly code = 'E_SCRIPT_NOT_FOUND'
  constructor(
    readonly ref: string,
    readonly version?: number,
  ) {
    super(version === undefined ? `script '${ref}' not found` : `script '${ref}' version ${version} not found`)
  }
}

/**
 * A job ended without a Polyhost error to rebuild: BullMQ failed it itself (stalled too often,
 * removed by an operator) or the worker threw something that is not a Polyhost error.
 */
export class JobFailedError extends PolyhostError {
  override readonly name = 'JobFailedError'
  readonly code = 'E_JOB_FAILED'
  constructor(
    message: string,
    /** The BullMQ job id. */
    readonly jobId: string,
  ) {
    super(message)
  }
}

/**
 * Thrown by a bridge handler for a failure that may pass (a timeout, an upstream 503): the
 * job is retried with its `attempts`/`backoff` instead of failing for good. Thrown outside a
 * queued execution it is an ordinary error.
 *
 * @example
 * handler: async (ctx, url) => {
 *   const res = await fetch(url, { signal: ctx.signal })
 *   if (res.status >= 500) throw new RetryableError(`upstream answered ${res.status}`)
 *   return res.text()
 * }
 */
export class RetryableError extends PolyhostError {
  override readonly name = 'RetryableError'
  readonly code = 'E_RETRYABLE'
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options)
    // the script may let the bridge failure escape as a ScriptRuntimeError that no longer
    // carries this object: the running job remembers it was thrown (see retry-scope.ts)
    retryMarks()?.push(message)
  }
}
