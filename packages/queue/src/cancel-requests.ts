import type { Job, Worker } from 'bullmq'
import type { Redis } from 'ioredis'
import { LRUCache } from 'lru-cache'
import { CANCEL_MARKER_TTL_S, cancelReason, DEFERRED_FAILURE_FIELD, parseCancelMessage, type QueueKeys } from './keys.js'
import { runScript } from './redis-scripts.js'

/** The abort reason of a cancel request; any other abort of a job's signal is someone calling BullMQ's `cancelJob`. */
const CANCEL_REQUESTED = 'polyhost: job.cancel() requested'

/** Whether `signal` (a job's) was aborted by a cancel request, not by BullMQ's `cancelJob`. */
export function abortedByRequest(signal: AbortSignal): boolean {
  return signal.aborted && signal.reason === CANCEL_REQUESTED
}

/**
 * A worker's side of `job.cancel()`: requests arrive on the cancel channel (keys.ts) and abort
 * the job's execution through BullMQ's own per-job AbortController (the processor's signal).
 * A request is for one attempt of the job (the one running, or about to be handed over, when
 * it was made): it never touches a later run of the same job (`job.retry()`).
 */
export class CancelRequests {
  /**
   * Requests for jobs this worker did not hold: the message can overtake BullMQ's reply that
   * hands the job over. Job id → the attempt's number; kept briefly, later takers see
   * the job's deferred failure instead.
   */
  private readonly early = new LRUCache<string, string>({ max: 10_000, ttl: 60_000 })
  /** Jobs whose execution completed although its signal was aborted by a request. */
  private readonly completedAnyway = new Set<string>()

  constructor(
    private readonly bull: Worker,
    private readonly redis: Redis,
    private readonly keys: QueueKeys,
    private readonly onError: (e: Error) => void,
  ) {}

  /** Handles a message of the cancel channel. */
  receive(message: string): void {
    const { jobId, attemptsStarted } = parseCancelMessage(message)
    if (this.bull.cancelJob(jobId, CANCEL_REQUESTED)) return
    this.early.set(jobId, attemptsStarted)
    // the attempt may have ended on this worker just before: see completed()
    this.clearDeferredFailure(jobId, attemptsStarted)
  }

  /** Whether a request for this attempt of `job` arrived before the worker held it. */
  requestedEarly(job: Job): boolean {
    return this.early.size > 0 && this.early.get(job.id as string) === attemptOf(job)
  }

  /** Notes that `job`'s execution completed although a request aborted its signal. */
  completedDespite(job: Job): void {
    this.completedAnyway.add(job.id as string)
  }

  /**
   * Called once BullMQ recorded `job` as completed. A request that came too late to abort it
   * left the deferred failure `cancel()` set on an unfinished job; BullMQ clears that field
   * only when a job fails, and would fail a later `job.retry()` at once with it.
   */
  completed(job: Job): void {
    const id = job.id as string
    if (this.completedAnyway.delete(id) || this.requestedEarly(job)) this.clearDeferredFailure(id, attemptOf(job))
  }

  // --- internal ---

  private clearDeferredFailure(jobId: string, attempt: string): void {
    if (attempt === '' || attempt === '0') return
    runScript(this.redis, CLEAR, 1, this.keys.job(jobId), attempt, DEFERRED_FAILURE_FIELD, cancelReason(jobId)).catch(this.onError)
  }
}

/** The attempt of `job` a cancel message names (keys.ts cancelMessage). */
function attemptOf(job: Job): string {
  return String(job.attemptsStarted)
}

// only the attempt the request was for, once it has finished (completed: a failed one has no
// deferred failure left, BullMQ removed it)
const CLEAR = `
if redis.call('HGET', KEYS[1], 'ats') == ARGV[1] and redis.call('HEXISTS', KEYS[1], 'finishedOn') == 1
  and redis.call('HGET', KEYS[1], ARGV[2]) == ARGV[3] then redis.call('HDEL', KEYS[1], ARGV[2]) end
return 0
`

/**
 * The producer's side of `job.cancel()`, in one Redis script: atomically with respect to
 * BullMQ's scripts, a worker takes the job either before it (it is subscribed then, and the
 * message aborts the execution) or after it (BullMQ fails the job from its deferred-failure
 * field without running it).
 */
export async function requestCancel(redis: Redis, keys: QueueKeys, jobId: string): Promise<void> {
  await runScript(
    redis,
    CANCEL,
    2,
    keys.job(jobId),
    keys.cancelled(jobId),
    DEFERRED_FAILURE_FIELD,
    cancelReason(jobId),
    CANCEL_MARKER_TTL_S,
    keys.cancelChannel,
    jobId,
  )
}

// a finished (or unknown) job keeps its outcome: no marker, no deferred failure, no message
// (keys.ts cancelMessage: the message names the attempt it is for)
const CANCEL = `
if redis.call('EXISTS', KEYS[1]) == 0 or redis.call('HEXISTS', KEYS[1], 'finishedOn') == 1 then return 0 end
redis.call('SET', KEYS[2], '1', 'EX', ARGV[3])
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
redis.call('PUBLISH', ARGV[4], (redis.call('HGET', KEYS[1], 'ats') or '0') .. ' ' .. ARGV[5])
return 1
`
