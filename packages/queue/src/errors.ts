import { PolyhostError, registerErrorClass } from '@polyhost/core'
import { outsideJobScope, retryMarks } from './job-scope.js'

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
    // carries this object: the running job remembers it was thrown (see job-scope.ts)
    retryMarks()?.push(message)
  }
}

/**
 * Redis did not answer: at `enqueue` (or `schedule`), no connection within the queue's
 * `connectTimeoutMs`, or ioredis gave up on the command. Nothing was enqueued by the call
 * that failed this way before a connection existed; it is safe to call again.
 */
export class QueueUnavailableError extends PolyhostError {
  override readonly name = 'QueueUnavailableError'
  readonly code = 'E_QUEUE_UNAVAILABLE'
}

// these classes cross worker threads and Redis as core's do (@polyhost/core's error codec);
// a rebuilt RetryableError is a copy, not a new failure: it adds no retry mark
registerErrorClass('ScriptNotFoundError', { fields: ['ref', 'version'], rebuild: (_, f) => new ScriptNotFoundError(f.ref, f.version) })
registerErrorClass('JobFailedError', { fields: ['jobId'], rebuild: (m, f) => new JobFailedError(m, String(f.jobId)) })
registerErrorClass('QueueUnavailableError', { fields: [], rebuild: (m) => new QueueUnavailableError(m) })
registerErrorClass('RetryableError', { fields: [], rebuild: (m) => outsideJobScope(() => new RetryableError(m)) })
