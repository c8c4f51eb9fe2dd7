import type { ExecutionResult } from '@polyhost/core'
import type { JobsOptions } from 'bullmq'
import type { JobProgress } from './job-progress.js'

// What the producer side (script-queue.ts) takes and gives, apart from the class itself.

/** BullMQ job options `enqueue` passes through. */
export type EnqueueOptions = Pick<
  JobsOptions,
  'jobId' | 'delay' | 'priority' | 'attempts' | 'backoff' | 'deduplication' | 'removeOnComplete' | 'removeOnFail'
>

/** What `queue.stats()` answers. */
export interface QueueStats {
  /** Waiting to run (BullMQ's `waiting` and `prioritized`). */
  readonly waiting: number
  readonly active: number
  readonly delayed: number
  readonly completed: number
  readonly failed: number
  /** Fair queues: per tenant key (`''` without tenant), jobs enqueued and not yet ended. */
  readonly pendingByTenant: Readonly<Record<string, number>>
}

/** A queued execution; a handle made from an id works in any process. */
export interface ScriptJob {
  readonly id: string
  /**
   * From `enqueue`: true when it added this job, false when BullMQ folded the request into a
   * job that exists (its `jobId`, a live `deduplication` id): this handle follows that job, and
   * the request was not added. Undefined from `job(id)`, or when the job was gone before it
   * could be told (job-folds.ts).
   */
  readonly added?: boolean
  /**
   * Resolves with the execution's result, or rejects with the error class the worker saw;
   * JobNotFoundError for a job that does not exist (or was removed), ResultTimeoutError when
   * `timeoutMs` passed first (the job may still complete; 0 or none: wait without a limit).
   */
  result(options?: { timeoutMs?: number }): Promise<ExecutionResult>
  /** Cancels the job: removed if it waits, aborted (AbortSignal) on whichever worker runs it. */
  cancel(): Promise<void>
  /** The last progress its script reported (`job.progress(value)`), or undefined before any. */
  progress(): Promise<JobProgress | undefined>
  /**
   * Calls `listener` with each progress the script reports, from the time the returned promise
   * resolves until the job ends or the function it resolves with is called.
   *
   * @example
   * const stop = await job.on('progress', (p) => console.log('progress', p))
   */
  on(event: 'progress', listener: (progress: JobProgress) => void): Promise<() => void>
}

/** Default job options: retries help only with transient failures (see the README). */
export const DEFAULT_JOB_OPTIONS: EnqueueOptions = { attempts: 3, backoff: { type: 'exponential', delay: 500 } }
