/** Where this package keeps its own data, beside BullMQ's keys of the same queue. */
export interface QueueKeys {
  /** Hash: script id → latest version. */
  readonly scriptIndex: string
  /** Hash: script id → last version number ever given (survives `remove`). */
  readonly scriptSeq: string
  /** Hash of one script: version → JSON record. */
  script(id: string): string
  /** Fair queues: highest priority a worker has started (fairness.ts). */
  readonly virtualTime: string
  /** Fair queues: hash tenant → last priority given to its jobs. */
  readonly tenantNext: string
  /** Fair queues: hash tenant → jobs enqueued and not yet ended. */
  readonly tenantPending: string
  /** Pub/sub channel carrying job ids to cancel. */
  readonly cancelChannel: string
  /** Marker that a job was cancelled (tells a removed job's `result()` it was cancelled). */
  cancelled(jobId: string): string
  /** BullMQ's list of one job's log lines (`job.log`, `queue.getJobLogs`). */
  jobLog(jobId: string): string
  /** BullMQ's hash of one job (this package adds the field {@link ERROR_FIELD}). */
  job(jobId: string): string
  /** BullMQ's events stream of the queue (this package adds {@link ERROR_EVENT} entries). */
  readonly events: string
  /** BullMQ's sorted set that wakes workers blocked waiting for a job. */
  readonly marker: string
  /** BullMQ's hash of the queue's options (`opts.maxLenEvents`: the events stream's length). */
  readonly meta: string
}

/** Field of a job's hash holding the stored Polyhost error of its last failed attempt. */
export const ERROR_FIELD = 'polyhostError'

/**
 * Event a worker adds to the queue's events stream, before BullMQ's `failed`, for the last
 * failed attempt of a job BullMQ removes as it fails (`removeOnFail`): fields `jobId` and
 * `error` (the stored error). The job's hash, and its {@link ERROR_FIELD}, are gone by the time
 * a `result()` woken by `failed` reads them.
 */
export const ERROR_EVENT = 'polyhost-error'

/**
 * BullMQ's "deferred failure" field of a job's hash. A worker that takes a job carrying it
 * fails the job with an UnrecoverableError of this text without calling the processor, and
 * the field arrives with the job data BullMQ fetches anyway: `cancel()` sets it, so a job
 * cancelled before a worker takes it never runs, at no cost to the jobs that are not.
 */
export const DEFERRED_FAILURE_FIELD = 'defa'

/** The deferred failure `cancel()` gives job `jobId` (job-results.ts reads it back as a CancelledError). */
export function cancelReason(jobId: string): string {
  return `job ${jobId} was cancelled`
}

/**
 * The cancel channel's message for job `jobId`: the job's attempts started when the request
 * was made (BullMQ's `attemptsStarted`, 0 while it had not started) and its id. The count
 * names the attempt the request was for: a worker honours a request that overtook the job's
 * hand-over only for that attempt, never for a later run of the job (`job.retry()`).
 */
export function cancelMessage(jobId: string, attemptsStarted: string): string {
  return `${attemptsStarted} ${jobId}`
}

/** Inverse of {@link cancelMessage}. */
export function parseCancelMessage(message: string): { jobId: string; attemptsStarted: string } {
  const at = message.indexOf(' ')
  return at < 0 ? { jobId: message, attemptsStarted: '' } : { jobId: message.slice(at + 1), attemptsStarted: message.slice(0, at) }
}

/** How long a cancel marker outlives the request (a job's cancel is moot after that). */
export const CANCEL_MARKER_TTL_S = 24 * 3600

/** Keys for queue `name` under BullMQ prefix `prefix` (default `bull`). */
export function queueKeys(prefix: string, name: string): QueueKeys {
  const base = `${prefix}:${name}`
  return {
    scriptIndex: `${base}:polyhost:scripts`,
    scriptSeq: `${base}:polyhost:script-seq`,
    script: (id) => `${base}:polyhost:script:${id}`,
    virtualTime: `${base}:polyhost:fair:vtime`,
    tenantNext: `${base}:polyhost:fair:next`,
    tenantPending: `${base}:polyhost:fair:pending`,
    cancelChannel: `${base}:polyhost:cancel`,
    cancelled: (jobId) => `${base}:polyhost:cancelled:${jobId}`,
    job: (jobId) => `${base}:${jobId}`,
    jobLog: (jobId) => `${base}:${jobId}:logs`,
    events: `${base}:events`,
    meta: `${base}:meta`,
    marker: `${base}:marker`,
  }
}
