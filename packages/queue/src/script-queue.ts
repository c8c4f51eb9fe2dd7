// Over 250 lines: one class, the producer side of the queue (enqueue, jobs, cancel, schedules, stats).
import { context } from '@opentelemetry/api'
import { ClosedError, InvalidArgumentError, readingCaller } from '@polyhost/core'
import { DEFAULT_MAX_DEPTH } from '@polyhost/core/engine'
import { Queue, type RedisOptions as ConnectionOptions, type Telemetry } from 'bullmq'
import { Redis, type RedisOptions as IORedisOptions } from 'ioredis'
import { requestCancel } from './cancel-requests.js'
import { checkClientOptions, closingOnThrow, fairnessOption, integerOption } from './client-options.js'
import { reportError } from './connection-errors.js'
import { assignFairPriorities, pendingByTenant, tenantKey, uncount } from './fairness.js'
import { addedJobs, foldMark, mayFold } from './job-folds.js'
import type { JobProgress } from './job-progress.js'
import { checkEnqueueOptions, checkJobId, checkResultOptions, checkScheduleOptions } from './job-options.js'
import { removedOnEnd } from './job-ends.js'
import { JobResults } from './job-results.js'
import { type QueueKeys, queueKeys } from './keys.js'
import {
  asUnavailable,
  checkOpen,
  closedConnection,
  DEFAULT_CONNECT_TIMEOUT_MS,
  quitFully,
  typedFailure,
  whenReady,
} from './redis-ready.js'
import type { EnqueueOptions, QueueStats, ScriptJob } from './queue-types.js'
import { DEFAULT_JOB_OPTIONS } from './queue-types.js'
import { checkScheduleId, checkScheduleTiming, type ScheduleTiming } from './schedule-timing.js'
import { type JobData, parseOrThrow, type ScriptRequest, scriptRequestSchema } from './request-schema.js'
import { checkLanguage, checkLanguages, checkMaxSourceBytes, ScriptRegistry } from './script-registry.js'
import { inSpan, carrierOf, jobAttributes, SPAN, SpanKind } from './telemetry.js'
import { byteOption, DEFAULT_MAX_VALUE_BYTES, encodeInputs } from './stored-results.js'
import { checkJobValues } from './value-depth.js'

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
  /**
   * `'tenant'` (default): jobs are ordered fairly between tenants (the request's `tenant`, else
   * `context.tenant`), so one tenant's backlog does not starve another (fairness.ts). A job
   * given an explicit `priority` keeps it and bypasses the fair order. `'none'`: plain FIFO.
   */
  readonly fairness?: 'tenant' | 'none'
  /**
   * How long `enqueue`/`schedule` wait for Redis when it is not connected before rejecting
   * with QueueUnavailableError (default 5000 ms).
   */
  readonly connectTimeoutMs?: number
  /**
   * The deepest nesting of globals and context `enqueue` takes: the `maxDepth` of the workers'
   * hosts (default, as theirs, 64). Deeper values are refused with the hosts' ConversionError.
   */
  readonly maxDepth?: number
  /**
   * BullMQ's own telemetry (`new BullMQOtel()` from `bullmq-otel`): its spans for adding jobs
   * join this package's spans (telemetry.ts), which need no option.
   */
  readonly telemetry?: Telemetry
  /**
   * The languages the workers' engines run, which `scripts.put` and an inline `enqueue` take
   * (default {@link DEFAULT_SCRIPT_LANGUAGES}); a queue cannot see its workers' hosts.
   */
  readonly languages?: readonly string[]
  /**
   * The largest source, in UTF-8 bytes, `scripts.put` and an inline `enqueue` take: the workers'
   * hosts' `sourceBytes` (default 1 MiB, the `standard` preset's; `DEFAULT_MAX_SOURCE_BYTES`).
   */
  readonly maxSourceBytes?: number
  /**
   * The largest globals and context of one job together, in UTF-8 bytes as stored (default
   * 1 MiB, `DEFAULT_MAX_VALUE_BYTES`); larger ones are refused at `enqueue` with ConversionError.
   */
  readonly maxValueBytes?: number
}

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
  private readonly fair: boolean
  private readonly connectTimeoutMs: number
  private readonly maxDepth: number
  private readonly languages: readonly string[]
  private readonly maxValueBytes: number
  private closing: Promise<void> | undefined

  constructor(options: ScriptQueueOptions) {
    // everything that can refuse the options runs before a connection opens (client-options.ts)
    const connection = checkClientOptions(options, 'createScriptQueue')
    this.maxDepth = integerOption(options, 'maxDepth', 'createScriptQueue', 1, DEFAULT_MAX_DEPTH)
    this.languages = checkLanguages(options.languages)
    const maxSourceBytes = checkMaxSourceBytes(options.maxSourceBytes)
    this.maxValueBytes = byteOption(options.maxValueBytes, 'maxValueBytes', DEFAULT_MAX_VALUE_BYTES, 1, 'createScriptQueue')
    this.defaults = { ...DEFAULT_JOB_OPTIONS, ...checkEnqueueOptions(options.defaultJobOptions, 'createScriptQueue', 'defaultJobOptions') }
    this.fair = fairnessOption(options.fairness)
    this.connectTimeoutMs = integerOption(options, 'connectTimeoutMs', 'createScriptQueue', 0, DEFAULT_CONNECT_TIMEOUT_MS)
    const prefix = options.prefix ?? 'bull'
    this.keys = queueKeys(prefix, options.name)
    this.redis = new Redis(connection as IORedisOptions)
    this.bull = closingOnThrow(
      [this.redis],
      () => new Queue(options.name, { connection, prefix, ...(options.telemetry && { telemetry: options.telemetry }) }),
    )
    // connection errors: ioredis reconnects by itself; they are reported as BullMQ's are
    this.redis.on('error', (e: Error) => reportError(this.bull, e))
    this.scripts = new ScriptRegistry(this.redis, this.keys, this.languages, maxSourceBytes, this.connectTimeoutMs)
    this.results = new JobResults(this.bull, this.redis, this.keys, connection, prefix)
  }

  /**
   * Validates `request`, pins a `ref` to its latest version, and adds the job. Rejects with
   * InvalidArgumentError (bad request), ConversionError (globals or context nested deeper than
   * `maxDepth`, a cycle, a value that cannot be stored), ScriptNotFoundError (unknown ref or
   * version) or QueueUnavailableError (Redis not reachable within `connectTimeoutMs`).
   */
  async enqueue(request: ScriptRequest, options: EnqueueOptions = {}): Promise<ScriptJob> {
    const [job] = await this.enqueueMany([{ request, options }])
    return job as ScriptJob
  }

  /** Enqueues many jobs in one BullMQ bulk add (one MULTI); see {@link enqueue}. */
  async enqueueMany(items: readonly { request: ScriptRequest; options?: EnqueueOptions }[]): Promise<ScriptJob[]> {
    if (!Array.isArray(items)) throw new InvalidArgumentError('enqueueMany: expected an array of { request, options }')
    // each item read once: what was checked is what is added
    const checked = items.map((it, i) => {
      const what = items.length === 1 ? 'enqueue' : `enqueueMany: item ${i}`
      return readingCaller(what === 'enqueue' ? what : `${what}: the item`, () => {
        if (typeof it !== 'object' || it === null) throw new InvalidArgumentError(`enqueueMany: item ${i}: expected { request, options }`)
        const { request, options } = it
        return { request, options: checkEnqueueOptions(options, what) }
      })
    })
    return this.add(checked).catch((e) => {
      throw asUnavailable(e, 'enqueue')
    })
  }

  /** A handle for a job enqueued anywhere (by its id). */
  job(id: string): ScriptJob {
    checkJobId(id, 'job')
    return this.handle(id)
  }

  /**
   * `since`: the events stream's last entry before the job was added, where `result()` looks
   * for the outcome of a job BullMQ removed as it ended.
   */
  private handle(id: string, since?: string, added?: boolean): ScriptJob {
    return {
      id,
      added,
      result: async (o) => {
        const timeoutMs = checkResultOptions(o)
        await this.ready('job.result')
        return this.results.wait(id, timeoutMs, since)
      },
      cancel: () => this.cancel(id),
      progress: async () => {
        const raw = await this.withRedis('job.progress', () => this.redis.hget(this.keys.job(id), 'progress'))
        // BullMQ stores 0 for a job that reported nothing
        return raw === null ? undefined : (JSON.parse(raw) as JobProgress)
      },
      on: (event, listener) => {
        if (event !== 'progress') return Promise.reject(new InvalidArgumentError(`job.on: unknown event '${String(event)}'`))
        if (this.closing) return Promise.reject(closedError('job.on'))
        return this.results.onProgress(id, listener)
      },
    }
  }

  /**
   * Cancels job `id`: a waiting or delayed job is removed (its `result()` rejects with
   * CancelledError); a running one is aborted on the worker that holds it.
   */
  async cancel(id: string): Promise<void> {
    checkJobId(id, 'cancel')
    await this.withRedis('cancel', async () => {
      await requestCancel(this.redis, this.keys, id)
      // only a job that has not started is removed: a finished one keeps its outcome, and a
      // running one (locked: remove fails) is aborted by its worker
      const state = await this.bull.getJobState(id)
      if (state === 'waiting' || state === 'delayed' || state === 'prioritized' || state === 'waiting-children')
        await this.bull.remove(id).catch(() => 0)
    })
  }

  /**
   * Creates or replaces schedule `id` (a BullMQ job scheduler): each tick is one job, run once
   * across all workers. A `ref` without version runs the latest version at each tick. `timing`
   * is a cron `pattern` (with `tz`, `immediately`) or `every` ms (at least 100), with optional
   * `startDate`, `endDate`, `limit`; anything else, or a pattern or zone that does not parse,
   * is an InvalidArgumentError naming the field (schedule-timing.ts).
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
    checkScheduleId(id, 'schedule')
    const repeat = checkScheduleTiming(timing)
    checkScheduleOptions(options)
    this.open('schedule')
    await whenReady(this.redis, this.connectTimeoutMs, 'schedule')
    const data = await this.jobData(request, false)
    await this.bull.upsertJobScheduler(id, repeat, { name: 'execute', data, opts: { ...this.defaults, ...options } })
  }

  /** Removes schedule `id`; false when there was none. */
  async unschedule(id: string): Promise<boolean> {
    checkScheduleId(id, 'unschedule')
    return this.withRedis('unschedule', () => this.bull.removeJobScheduler(id))
  }

  /**
   * Job counts by state, and (fair queues) per tenant the jobs enqueued that have not ended.
   * The per-tenant count is kept by workers as jobs end (also jobs BullMQ fails from their
   * deferred failure); a waiting job removed by `cancel()` is not subtracted.
   */
  async stats(): Promise<QueueStats> {
    const [c, tenants] = await this.withRedis('stats', () =>
      Promise.all([
        this.bull.getJobCounts('waiting', 'prioritized', 'active', 'delayed', 'completed', 'failed'),
        pendingByTenant(this.redis, this.keys),
      ]),
    )
    return {
      waiting: (c.waiting ?? 0) + (c.prioritized ?? 0),
      active: c.active ?? 0,
      delayed: c.delayed ?? 0,
      completed: c.completed ?? 0,
      failed: c.failed ?? 0,
      pendingByTenant: tenants,
    }
  }

  /** Closes the connections; pending `result()` calls reject with CancelledError. */
  close(): Promise<void> {
    // once: a second close waits for the first; any call after it is a ClosedError
    this.closing ??= (async () => {
      await this.results.close()
      await this.bull.close()
      await quitFully(this.redis)
    })()
    return this.closing
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close()
  }

  // --- internal ---

  /**
   * `open`, then a connection waited for up to `connectTimeoutMs` as `enqueue` waits for it
   * (QueueUnavailableError after it; before, ioredis held a call made during an outage until it
   * gave up, 10–40 s, and `stats`/`cancel` then rejected with its bare MaxRetriesPerRequestError).
   */
  private async ready(what: string): Promise<void> {
    this.open(what)
    await whenReady(this.redis, this.connectTimeoutMs, what)
  }

  /** `ready`, then `call`, a Redis failure of it typed (`typedFailure`). */
  private async withRedis<T>(what: string, call: () => Promise<T>): Promise<T> {
    await this.ready(what)
    return typedFailure(what, call)
  }

  /** A ClosedError once `close()` was called (ioredis would throw a bare Error, or wait). */
  private open(what: string): void {
    if (this.closing) throw closedError(what)
    checkOpen(this.redis, what)
  }

  private add(items: readonly { request: ScriptRequest; options?: EnqueueOptions }[]): Promise<ScriptJob[]> {
    const attributes = {
      'messaging.system': 'bullmq',
      'messaging.operation.type': 'send',
      'messaging.destination.name': this.bull.name,
      'messaging.batch.message_count': items.length,
    }
    return inSpan(SPAN.enqueue, SpanKind.PRODUCER, attributes, context.active(), async (span) => {
      this.open('enqueue')
      await whenReady(this.redis, this.connectTimeoutMs, 'enqueue')
      const trace = carrierOf(span)
      const prepared = await Promise.all(
        items.map(async (it) => {
          const opts = { ...this.defaults, ...it.options }
          const mark = mayFold(opts) ? foldMark() : undefined
          return { data: { ...(await this.jobData(it.request, true)), ...(trace && { trace }), ...(mark && { n: mark }) }, opts }
        }),
      )
      if (this.fair) await assignFairPriorities(this.redis, this.keys, prepared)
      // a job BullMQ removes as it ends leaves its outcome only in the events stream
      const removed = prepared.some((p) => removedOnEnd(p.opts.removeOnComplete) || removedOnEnd(p.opts.removeOnFail))
      const since = removed ? ((await this.redis.xrevrange(this.keys.events, '+', '-', 'COUNT', 1))[0]?.[0] ?? '0-0') : undefined
      const jobs = await this.bull.addBulk(prepared.map((p) => ({ name: 'execute', data: p.data, opts: p.opts })))
      const [only] = prepared
      if (only && jobs.length === 1) span.setAttributes({ 'messaging.message.id': jobs[0]?.id ?? '', ...jobAttributes(only.data) })
      const ids = jobs.map((j) => j.id as string)
      const marked = prepared.flatMap((p, i) => (p.data.n ? [{ i, id: ids[i] as string, mark: p.data.n }] : []))
      const added: (boolean | undefined)[] = ids.map(() => true)
      // the jobs are in Redis: a close() that ends the connection before their marks are read
      // leaves `added` unknown, rather than a ClosedError telling the caller nothing was added
      const folds = await addedJobs(this.redis, this.keys, marked).catch((e: unknown) => {
        if (this.closing === undefined && !closedConnection(e)) throw e
        return marked.map(() => undefined)
      })
      for (const [k, a] of folds.entries()) added[(marked[k] as { i: number }).i] = a
      // a folded enqueue's job is counted already (a fold found gone: left counted, as before)
      await uncount(
        this.redis,
        this.keys,
        prepared.flatMap((p, i) => (added[i] === false && p.data.fair !== undefined ? [p.data.fair] : [])),
      )
      return ids.map((id, i) => this.handle(id, since, added[i]))
    })
  }

  private async jobData(request: ScriptRequest, pin: boolean): Promise<JobData & { fair?: string }> {
    const r = parseOrThrow(scriptRequestSchema, request, 'enqueue')
    checkJobValues(r, this.maxDepth)
    const tenant = tenantKey(r)
    let script = r.script
    if ('source' in script && script.language !== undefined) checkLanguage(script.language, this.languages, 'enqueue: script.language')
    if ('source' in script) this.scripts.checkSource(script.source)
    if ('ref' in script && (pin || script.version !== undefined)) {
      const v = await this.scripts.get(script.ref, script.version)
      script = { ref: script.ref, version: v.version }
    }
    return {
      v: 1,
      script,
      ...encodeInputs(r.globals, r.context, this.maxValueBytes),
      ...(tenant !== undefined && { tenant }),
      ...(r.limits && { limits: r.limits }),
    }
  }
}

// --- internal ---

function closedError(what: string): ClosedError {
  return new ClosedError(`${what}: the queue is closed (close() was called)`)
}
