import { context } from '@opentelemetry/api'
import { CancelledError, type Host } from '@polyhost/core'
import { type Job, type RedisOptions as ConnectionOptions, type Telemetry, UnrecoverableError, Worker, type WorkerOptions } from 'bullmq'
import { Redis, type RedisOptions as IORedisOptions } from 'ioredis'
import { LRUCache } from 'lru-cache'
import { reportError } from './connection-errors.js'
import { storeError } from './stored-errors.js'
import { finishJob } from './fairness.js'
import type { StoredResult } from './job-results.js'
import { ERROR_FIELD, type QueueKeys, queueKeys } from './keys.js'
import { runScript } from './redis-scripts.js'
import { type JobData, jobDataSchema, parseOrThrow } from './request-schema.js'
import { type ProgressOptions, ProgressReporter, registerJobBridge } from './job-progress.js'
import { withJobScope } from './job-scope.js'
import { failureFor } from './retry-policy.js'
import { ScriptRegistry, type ScriptVersion } from './script-registry.js'
import { activate, failed, inSpan, jobAttributes, parentOf, SPAN, SpanKind, startSpan, tracing } from './telemetry.js'
import { decodeValue, encodeValue } from './value-codec.js'

/** Options of {@link createScriptWorker}. */
export interface ScriptWorkerOptions {
  readonly connection: ConnectionOptions
  /** Name of the queue to serve. */
  readonly name: string
  /** The host that runs the scripts (its engines, bridges, policy and limits). */
  readonly host: Host
  /** Jobs run at once by this worker (default 1). */
  readonly concurrency?: number
  /** BullMQ key prefix (default `bull`). */
  readonly prefix?: string
  /** BullMQ stalled-job settings: how soon a dead worker's jobs go to another (defaults 30 s). */
  readonly lockDuration?: number
  readonly stalledInterval?: number
  readonly maxStalledCount?: number
  /** Script versions kept in memory (they never change; default 500). */
  readonly scriptCacheSize?: number
  /**
   * `job.progress(value)` for scripts (the `job` bridge, registered on `host` once) and its
   * rate limit; `false`: no `job` bridge.
   */
  readonly progress?: ProgressOptions | false
  /** BullMQ's own telemetry (`new BullMQOtel()` from `bullmq-otel`): its spans for taking and processing jobs. */
  readonly telemetry?: Telemetry
}

/**
 * Serves a queue: takes jobs, runs them with `host.execute`, stores results and typed errors,
 * and aborts a job's execution when any process cancels it.
 *
 * @example
 * const worker = createScriptWorker({ connection, name: 'scripts', host, concurrency: 8 })
 * await worker.ready()
 * // ...
 * await worker.close()   // running jobs finish first
 */
export function createScriptWorker(options: ScriptWorkerOptions): ScriptWorker {
  return new ScriptWorker(options)
}

export class ScriptWorker {
  /** The underlying BullMQ worker (events: completed, failed, stalled...). */
  readonly bull: Worker
  private readonly keys: QueueKeys
  private readonly redis: Redis
  private readonly subscriber: Redis
  private readonly registry: ScriptRegistry
  private readonly cache: LRUCache<string, ScriptVersion>
  /**
   * Cancel requests received for jobs this worker did not hold yet: the message can overtake
   * BullMQ's reply that hands the job over. Kept briefly; later takers see the job's deferred
   * failure instead (keys.ts).
   */
  private readonly early = new LRUCache<string, true>({ max: 10_000, ttl: 60_000 })
  private readonly started: Promise<void>

  constructor(private readonly options: ScriptWorkerOptions) {
    this.keys = queueKeys(options.prefix ?? 'bull', options.name)
    this.redis = new Redis(options.connection as IORedisOptions)
    this.subscriber = new Redis(options.connection as IORedisOptions)
    this.registry = new ScriptRegistry(this.redis, this.keys)
    this.cache = new LRUCache({ max: options.scriptCacheSize ?? 500 })
    if (options.progress !== false) registerJobBridge(options.host)
    const bullOptions: WorkerOptions = {
      connection: options.connection,
      prefix: options.prefix ?? 'bull',
      concurrency: options.concurrency ?? 1,
      autorun: false,
      ...(options.lockDuration !== undefined && { lockDuration: options.lockDuration }),
      ...(options.stalledInterval !== undefined && { stalledInterval: options.stalledInterval }),
      ...(options.maxStalledCount !== undefined && { maxStalledCount: options.maxStalledCount }),
      ...(options.telemetry && { telemetry: options.telemetry }),
    }
    // three parameters: BullMQ hands the processor an AbortSignal only then
    this.bull = new Worker(options.name, (job: Job, token?: string, signal?: AbortSignal) => this.process(job, token, signal), bullOptions)
    // connection errors: ioredis reconnects by itself; they are reported as BullMQ's are
    for (const c of [this.redis, this.subscriber]) c.on('error', (e: Error) => reportError(this.bull, e))
    // BullMQ's own per-job AbortController (the processor's signal) carries the cancel
    this.subscriber.on('message', (_channel: string, jobId: string) => {
      if (!this.bull.cancelJob(jobId, CANCEL_REQUESTED)) this.early.set(jobId, true)
    })
    // a job BullMQ failed from its deferred failure never reached `process`: it ends here
    this.bull.on('failed', (job) => {
      const fair = job?.deferredFailure === undefined ? undefined : fairOf(job)
      if (fair) void this.finish(fair.tenant, fair.priority)
    })
    // subscribed before the first job is taken, so no cancel request can slip between
    this.started = this.subscriber.subscribe(this.keys.cancelChannel).then(() => {
      this.bull.run().catch((e) => this.bull.emit('error', e))
    })
  }

  /** Resolves once the worker listens for cancellations and takes jobs. */
  ready(): Promise<void> {
    return this.started
  }

  /**
   * Stops taking jobs. Graceful by default: running executions finish. With `force`, they
   * are left to BullMQ's stalled-job check and run again on another worker.
   */
  async close(options: { force?: boolean } = {}): Promise<void> {
    await this.started.catch(() => undefined)
    await this.bull.close(options.force ?? false)
    await Promise.all([this.subscriber.quit(), this.redis.quit()])
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close()
  }

  // --- internal ---

  private async process(job: Job, _token: string | undefined, signal: AbortSignal | undefined): Promise<StoredResult> {
    const id = job.id as string
    const span = tracing()
      ? startSpan(
          SPAN.job,
          SpanKind.CONSUMER,
          {
            'messaging.system': 'bullmq',
            'messaging.operation.type': 'process',
            'messaging.destination.name': this.bull.name,
            'messaging.message.id': id,
            'polyhost.job.attempt': job.attemptsMade + 1,
          },
          parentOf(job.data),
        )
      : undefined
    // BullMQ passes its signal to a processor of three parameters; the fallback is never aborted
    const abort = signal ?? new AbortController().signal
    let fair: string | undefined
    const marks: string[] = []
    const progress =
      this.options.progress === false
        ? undefined
        : new ProgressReporter(
            (v) => job.updateProgress(v),
            (e) => reportError(this.bull, e),
            this.options.progress,
          )
    const execute = async () => {
      const data = parseOrThrow(jobDataSchema, job.data, `job ${id}`)
      fair = data.fair
      span?.setAttributes(jobAttributes(data))
      // a cancel that arrived before BullMQ handed the job over
      if (this.early.has(id)) throw new CancelledError(`job ${id} was cancelled`)
      const source = await this.source(data)
      const request = { ...source, ...this.runOptions(data), signal: abort }
      if (!span) return this.options.host.execute(request)
      const attributes = {
        ...(source.language !== undefined && { 'polyhost.script.language': source.language }),
        'polyhost.script.name': source.name ?? '',
      }
      return inSpan(SPAN.execute, SpanKind.INTERNAL, attributes, context.active(), async (x) => {
        const r = await this.options.host.execute(request)
        x.setAttribute('polyhost.outcome', 'ok')
        return r
      })
    }
    const run = withJobScope({ marks, ...(progress && { progress }) }, () => (span ? activate(span, execute) : execute()))
    const priority = job.opts.priority ?? 0
    try {
      const r = await run
      // the last progress lands before the job completes
      const flushed = progress?.flush()
      if (flushed) await flushed
      const stored = { r: encodeValue({ value: r.value, values: r.values }), logs: r.logs, stats: r.stats }
      // the script's print/console lines also go to BullMQ's job log (dashboards read it there)
      if (r.logs.length > 0) await this.redis.rpush(this.keys.jobLog(id), ...r.logs.map((l) => `[${l.level}] ${l.message}`))
      if (fair !== undefined) await this.finish(fair, priority)
      span?.setAttribute('polyhost.outcome', 'completed')
      return stored
    } catch (e) {
      await progress?.flush()
      const byUser = this.early.has(id) || (abort.aborted && abort.reason === CANCEL_REQUESTED)
      // stored before BullMQ records the failure, so a `result()` woken by it finds the error
      await runScript(this.redis, STORE_ERROR, 1, this.keys.job(id), ERROR_FIELD, storeError(e))
      // aborted by BullMQ itself (`worker.bull.cancelJob`): the job may run again
      const failure = failureFor(e, marks, !byUser && abort.aborted)
      const last = failure instanceof UnrecoverableError || job.attemptsMade + 1 >= (job.opts.attempts ?? 1)
      if (fair !== undefined && last) await this.finish(fair, priority)
      if (span) {
        failed(span, e)
        span.setAttribute('polyhost.outcome', byUser ? 'cancelled' : last ? 'failed' : 'retry')
      }
      throw failure
    } finally {
      span?.end()
    }
  }

  /** The tenant's pending count is bookkeeping: a Redis error there must not fail the job. */
  private finish(tenant: string, priority: number): Promise<void> {
    return finishJob(this.redis, this.keys, tenant, priority).catch((e: Error) => reportError(this.bull, e))
  }

  private async source(data: JobData): Promise<{ language?: string; source: string; name?: string }> {
    const s = data.script
    if (!('ref' in s)) return s
    const key = `${s.ref}@${s.version}`
    // without a version (schedules): the latest, read each time
    let v = s.version === undefined ? undefined : this.cache.get(key)
    if (!v) {
      v = await this.registry.get(s.ref, s.version)
      if (s.version !== undefined) this.cache.set(key, v)
    }
    return { language: v.language, source: v.source, name: v.name }
  }

  private runOptions(data: JobData) {
    return {
      ...(data.globals !== undefined && { globals: decodeValue(data.globals) as Record<string, unknown> }),
      ...(data.context !== undefined && { context: decodeValue(data.context) as Record<string, unknown> }),
      ...(data.tenant !== undefined && { tenant: data.tenant }),
      ...(data.limits !== undefined && { limits: data.limits }),
    }
  }
}

/** The abort reason of a cancel request; any other abort of a job's signal is someone calling BullMQ's `cancelJob`. */
const CANCEL_REQUESTED = 'polyhost: job.cancel() requested'

/** A job's fair tenant and priority, read without validating the rest of its data. */
function fairOf(job: Job): { tenant: string; priority: number } | undefined {
  const fair = (job.data as { fair?: unknown } | null)?.fair
  return typeof fair === 'string' ? { tenant: fair, priority: job.opts.priority ?? 0 } : undefined
}

// an error stored into a job's hash only while the job exists (a cancelled job may be gone)
const STORE_ERROR = `if redis.call('EXISTS', KEYS[1]) == 1 then redis.call('HSET', KEYS[1], ARGV[1], ARGV[2]) end return 0`
