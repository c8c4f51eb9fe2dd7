import type { ExecutionResult } from '@polyhost/core'
import { type JobsOptions, Queue, type RedisOptions as ConnectionOptions } from 'bullmq'
import { Redis, type RedisOptions as IORedisOptions } from 'ioredis'
import { JobResults } from './job-results.js'
import { CANCEL_MARKER_TTL_S, type QueueKeys, queueKeys } from './keys.js'
import { type JobData, parseOrThrow, type ScriptRequest, scriptRequestSchema } from './request-schema.js'
import { ScriptRegistry } from './script-registry.js'
import { encodeValue } from './value-codec.js'

/** Options of {@link createScriptQueue}. */
export interface ScriptQueueOptions {
  /** ioredis options of the Redis that holds the queue (host, port, password, tls...). */
  readonly connection: ConnectionOptions
  /** Queue name; workers serving it use the same. */
  readonly name: string
  /** BullMQ key prefix (default `bull`). */
  readonly prefix?: string
  /** Defaults for every job; `enqueue` options override them. */
  readonly defaultJobOptions?: EnqueueOptions
}

/** BullMQ job options `enqueue` passes through. */
export type EnqueueOptions = Pick<
  JobsOptions,
  'jobId' | 'delay' | 'priority' | 'attempts' | 'backoff' | 'deduplication' | 'removeOnComplete' | 'removeOnFail'
>

/** How often a schedule ticks: a cron `pattern` (with `tz`) or `every` milliseconds. */
export type ScheduleTiming = { readonly pattern: string; readonly tz?: string } | { readonly every: number }

/** A queued execution; a handle made from an id works in any process. */
export interface ScriptJob {
  readonly id: string
  /** Resolves with the execution's result, or rejects with the error class the worker saw. */
  result(options?: { timeoutMs?: number }): Promise<ExecutionResult>
  /** Cancels the job: removed if it waits, aborted (AbortSignal) on whichever worker runs it. */
  cancel(): Promise<void>
}

/** Default job options: retries help only with transient failures (see the README). */
export const DEFAULT_JOB_OPTIONS: EnqueueOptions = { attempts: 3, backoff: { type: 'exponential', delay: 500 } }

/**
 * The producer side: stores scripts, enqueues executions, schedules them, and follows their
 * outcome. Any number of queues and workers may share one Redis.
 *
 * @example
 * const queue = createScriptQueue({ connection: { host: '127.0.0.1', port: 6379 }, name: 'scripts' })
 * await queue.scripts.put('discount', { language: 'lua', source: 'return order.total * 0.9' })
 * const job = await queue.enqueue({ script: { ref: 'discount' }, globals: { order }, context: { tenant: 't1' } })
 * const { value } = await job.result()
 */
export function createScriptQueue(options: ScriptQueueOptions): ScriptQueue {
  return new ScriptQueue(options)
}

export class ScriptQueue {
  /** The versioned script registry of this queue. */
  readonly scripts: ScriptRegistry
  /** The underlying BullMQ queue, for what this API does not cover (metrics, cleaning...). */
  readonly bull: Queue
  private readonly redis: Redis
  private readonly keys: QueueKeys
  private readonly results: JobResults
  private readonly defaults: EnqueueOptions

  constructor(options: ScriptQueueOptions) {
    const prefix = options.prefix ?? 'bull'
    this.keys = queueKeys(prefix, options.name)
    this.redis = new Redis(options.connection as IORedisOptions)
    this.bull = new Queue(options.name, { connection: options.connection, prefix })
    this.scripts = new ScriptRegistry(this.redis, this.keys)
    this.results = new JobResults(this.bull, this.redis, this.keys, options.connection, prefix)
    this.defaults = { ...DEFAULT_JOB_OPTIONS, ...options.defaultJobOptions }
  }

  /**
   * Validates `request`, pins a `ref` to its latest version, and adds the job. Rejects with
   * InvalidArgumentError (bad request) or ScriptNotFoundError (unknown ref or version).
   */
  async enqueue(request: ScriptRequest, options: EnqueueOptions = {}): Promise<ScriptJob> {
    const data = await this.jobData(request, true)
    const job = await this.bull.add('execute', data, { ...this.defaults, ...options })
    return this.job(job.id as string)
  }

  /** A handle for a job enqueued anywhere (by its id). */
  job(id: string): ScriptJob {
    return {
      id,
      result: (o) => this.results.wait(id, o?.timeoutMs),
      cancel: () => this.cancel(id),
    }
  }

  /**
   * Cancels job `id`: a waiting or delayed job is removed (its `result()` rejects with
   * CancelledError); a running one is aborted on the worker that holds it.
   */
  async cancel(id: string): Promise<void> {
    // the marker first: a worker that takes the job after this point refuses to run it
    await this.redis.multi().set(this.keys.cancelled(id), '1', 'EX', CANCEL_MARKER_TTL_S).publish(this.keys.cancelChannel, id).exec()
    await this.bull.remove(id).catch(() => 0)
  }

  /**
   * Creates or replaces schedule `id` (a BullMQ job scheduler): each tick is one job, run once
   * across all workers. A `ref` without version runs the latest version at each tick.
   *
   * @example
   * await queue.schedule('nightly', { pattern: '0 3 * * *', tz: 'UTC' }, { script: { ref: 'cleanup' } })
   */
  async schedule(
    id: string,
    timing: ScheduleTiming,
    request: ScriptRequest,
    options: Pick<EnqueueOptions, 'attempts' | 'backoff' | 'priority'> = {},
  ): Promise<void> {
    const data = await this.jobData(request, false)
    await this.bull.upsertJobScheduler(id, { ...timing }, { name: 'execute', data, opts: { ...this.defaults, ...options } })
  }

  /** Removes schedule `id`; false when there was none. */
  unschedule(id: string): Promise<boolean> {
    return this.bull.removeJobScheduler(id)
  }

  /** Job counts by state. */
  async stats(): Promise<Record<'waiting' | 'prioritized' | 'active' | 'delayed' | 'completed' | 'failed', number>> {
    const c = await this.bull.getJobCounts('waiting', 'prioritized', 'active', 'delayed', 'completed', 'failed')
    return {
      waiting: c.waiting ?? 0,
      prioritized: c.prioritized ?? 0,
      active: c.active ?? 0,
      delayed: c.delayed ?? 0,
      completed: c.completed ?? 0,
      failed: c.failed ?? 0,
    }
  }

  /** Closes the connections; pending `result()` calls reject with CancelledError. */
  async close(): Promise<void> {
    await this.results.close()
    await this.bull.close()
    await this.redis.quit()
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close()
  }

  // --- internal ---

  private async jobData(request: ScriptRequest, pin: boolean): Promise<JobData> {
    const r = parseOrThrow(scriptRequestSchema, request, 'enqueue')
    let script = r.script
    if ('ref' in script && (pin || script.version !== undefined)) {
      const v = await this.scripts.get(script.ref, script.version)
      script = { ref: script.ref, version: v.version }
    }
    return {
      v: 1,
      script,
      ...(r.globals && { globals: encodeValue(r.globals) }),
      ...(r.context && { context: encodeValue(r.context) }),
      ...(r.tenant && { tenant: r.tenant }),
      ...(r.limits && { limits: r.limits }),
    }
  }
}
