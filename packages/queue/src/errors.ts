import { PolyhostError, registerErrorClass } from '@polyhost/core'

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
 * A job failed without a Polyhost error to rebuild: BullMQ failed it itself (stalled too often)
 * or the worker threw something that is not a Polyhost error. Only a job that ran and failed:
 * a `result()` that stopped waiting is a ResultTimeoutError, a job that is gone a JobNotFoundError.
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
 * `job.result({ timeoutMs })` stopped waiting: the job had not finished within `timeoutMs`. It
 * says nothing about the job, which may still run and complete; call `result()` again to keep
 * waiting. Not a failure of the job: retrying the job on this error could run it twice.
 */
export class ResultTimeoutError extends PolyhostError {
  override readonly name = 'ResultTimeoutError'
  readonly code = 'E_RESULT_TIMEOUT'
  constructor(
    /** The BullMQ job id. */
    readonly jobId: string,
    /** How long `result()` waited, in ms. */
    readonly timeoutMs: number,
  ) {
    super(`job ${jobId} did not finish within ${timeoutMs} ms (it may still complete)`)
  }
}

/**
 * `job.result()` found no such job: it never existed, or it was removed (by BullMQ's
 * `removeOnComplete`/`removeOnFail`, an operator, an obliterate) without being cancelled.
 */
export class JobNotFoundError extends PolyhostError {
  override readonly name = 'JobNotFoundError'
  readonly code = 'E_JOB_NOT_FOUND'
  constructor(
    /** The BullMQ job id. */
    readonly jobId: string,
  ) {
    super(`job ${jobId} not found`)
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
  }
}

/** RetryableErrors rebuilt from a stored error: copies, not new failures (see thrownRetryable). */
const rebuilt = new WeakSet<RetryableError>()

/**
 * Whether `e` is a RetryableError a handler made, which marks the running job as retryable
 * (job-scope.ts); one rebuilt from another job's stored error (a handler awaiting that job's
 * `result()`) is a copy and marks nothing.
 */
export function thrownRetryable(e: unknown): e is RetryableError {
  return e instanceof RetryableError && !rebuilt.has(e)
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
registerErrorClass('ResultTimeoutError', {
  fields: ['jobId', 'timeoutMs'],
  rebuild: (_, f) => new ResultTimeoutError(String(f.jobId), Number(f.timeoutMs)),
})
registerErrorClass('JobNotFoundError', { fields: ['jobId'], rebuild: (_, f) => new JobNotFoundError(String(f.jobId)) })
registerErrorClass('QueueUnavailableError', { fields: [], rebuild: (m) => new QueueUnavailableError(m) })
registerErrorClass('RetryableError', {
  fields: [],
  rebuild: (m) => {
    const e = new RetryableError(m)
    rebuilt.add(e)
    return e
  },
})
