// Over 250 lines: the worker's job lifecycle (take, run, store, fail, give back) reads best in one place
import { context } from '@opentelemetry/api'
import { CancelledError, ClosedError, type ExecuteRequest, type ExecutionResult, type Host } from '@polyhost/core'
import { type Job, type RedisOptions as ConnectionOptions, type Telemetry, UnrecoverableError, WaitingError, type Worker } from 'bullmq'
import { Redis, type RedisOptions as IORedisOptions } from 'ioredis'
import { LRUCache } from 'lru-cache'
import { abortedByRequest, CancelRequests } from './cancel-requests.js'
import { closingOnThrow, workerSettings } from './client-options.js'
import { giveBack, hostClosedError } from './closed-host.js'
import { reportError } from './connection-errors.js'
import {
  closedConnection,
  DEFAULT_CONNECT_TIMEOUT_MS,
  endingBetweenAttempts,
  endingIfDownWhenIdle,
  endingWhenDownOnce,
  openFor,
  quitFully,
} from './redis-ready.js'
import { DEFAULT_MAX_ERROR_BYTES, keepError, MIN_MAX_ERROR_BYTES, storeErrorWithin } from './stored-errors.js'
import { byteOption, DEFAULT_MAX_RESULT_BYTES, encodeResult, type StoredResult } from './stored-results.js'
import { FinishedJobs, fairOf, finishBeforeFailing } from './fairness.js'
import { removedOnEnd } from './job-ends.js'
import { type QueueKeys, queueKeys } from './keys.js'
import { executeRequest, readJobData } from './job-data.js'
import { JobProgressSlot, type ProgressOptions, progressOption, registerJobBridge } from './job-progress.js'
import { JobSignals, SignalledWorker } from './job-signals.js'
import { JobScope } from './job-scope.js'
import { failureFor, retriedOrFinal } from './retry-policy.js'
import { ScriptRegistry, type ScriptVersion } from './script-registry.js'
import { activate, failed, inSpan, jobAttributes, jobSpan, SPAN, SpanKind, tracing } from './telemetry.js'

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
  /**
   * Largest result a job stores, in UTF-8 bytes of its encoded values (default 1 MiB,
   * `DEFAULT_MAX_RESULT_BYTES`); a larger one fails the job for good with ConversionError.
   * The logs are not counted: the host's `outputBytes` caps them.
   */
  readonly maxResultBytes?: number
  /**
   * Largest error a job stores, in UTF-8 bytes as stored (default 64 KiB,
   * `DEFAULT_MAX_ERROR_BYTES`; at least 4096); a larger one is replaced by a ConversionError
   * naming its class and size with the start of its message, and the job fails for good.
   */
  readonly maxErrorBytes?: number
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
  private readonly cancels: CancelRequests
  private readonly finished: FinishedJobs
  private readonly signals: JobSignals
  /** Progress options, or undefined without the `job` bridge. */
  private readonly progress: ProgressOptions | undefined
  private readonly onError = (e: Error) => reportError(this.bull, e)
  private readonly started: Promise<void>
  private readonly maxResultBytes: number
  private readonly maxErrorBytes: number
  private quit: Promise<void> | undefined
  private closedEarly: () => void = () => undefined
  /** Set when the host was found closed: the worker closes itself (see closed-host.ts). */
  private stopped: Promise<void> | undefined

  constructor(private readonly options: ScriptWorkerOptions) {
    // everything that can refuse the options runs before a connection opens (client-options.ts)
    const { bull: bullOptions, scriptCacheSize } = workerSettings(options)
    this.maxResultBytes = byteOption(options.maxResultBytes, 'maxResultBytes', DEFAULT_MAX_RESULT_BYTES, 1)
    this.maxErrorBytes = byteOption(options.maxErrorBytes, 'maxErrorBytes', DEFAULT_MAX_ERROR_BYTES, MIN_MAX_ERROR_BYTES)
    this.cache = new LRUCache({ max: scriptCacheSize })
    this.progress = progressOption(options.progress)
    if (this.progress) registerJobBridge(options.host)
    this.keys = queueKeys(options.prefix ?? 'bull', options.name)
    this.redis = new Redis(bullOptions.connection as IORedisOptions)
    // a close while Redis is down ends it between reconnect attempts too (see close())
    endingBetweenAttempts(this.redis)
    this.subscriber = new Redis(bullOptions.connection as IORedisOptions)
    this.registry = new ScriptRegistry(this.redis, this.keys)
    this.finished = new FinishedJobs(this.redis, this.keys)
    // each job's signal is this worker's (job-signals.ts); `bull.cancelJob` aborts it
    this.signals = new JobSignals(bullOptions.concurrency ?? 1)
    this.bull = closingOnThrow(
      [this.redis, this.subscriber],
      () => new SignalledWorker(options.name, (job: Job) => this.process(job), bullOptions, this.signals),
    )
    // BullMQ's connections (BullMQ's wrapper writes through to its ioredis client): a close while
    // Redis is down ends (redis-ready.ts)
    endingWhenDownOnce(this.bull.getBackend().client)
    endingWhenDownOnce(this.bull.getBackend().blockingClient)
    // connection errors: ioredis reconnects by itself; they are reported as BullMQ's are
    for (const c of [this.redis, this.subscriber]) c.on('error', this.onError)
    this.cancels = new CancelRequests(this.bull, this.redis, this.keys, this.onError)
    this.subscriber.on('message', (_channel: string, message: string) => this.cancels.receive(message))
    this.bull.on('completed', (job) => this.cancels.completed(job))
    // a job BullMQ fails from its deferred failure (stalled too often) never reaches `process`:
    // it ends when BullMQ moves it to failed, and its tenant's count is lowered just before, so
    // a `result()` woken by that failure already sees the count right
    this.bull.on('active', (job) => {
      const fair = job.deferredFailure === undefined ? undefined : fairOf(job)
      if (fair) finishBeforeFailing(job, () => this.finish(fair.tenant, fair.priority))
    })
    // subscribed before the first job is taken, so no cancel request can slip between
    // (without ioredis' offline queue, once the connection is ready: see openFor)
    const subscriberReady = openFor(this.subscriber, DEFAULT_CONNECT_TIMEOUT_MS, `worker of queue '${options.name}'`)
    const subscribed = subscriberReady
      .then(() => this.subscriber.subscribe(this.keys.cancelChannel))
      .then(() => {
        if (!this.quit) this.bull.run().catch((e) => this.bull.emit('error', e))
      })
      // and BullMQ's own connection set up (its INFO check): run() does not wait for it, and a
      // Redis lost before it ends held it until ioredis gave up on that command (~10-30 s)
      .then(() => this.bull.waitUntilReady())
      .then(() => undefined)
    // closed before that: ioredis leaves the subscription pending for ever
    const closed = new Promise<never>((_, reject) => {
      this.closedEarly = () => reject(new ClosedError(`worker of queue '${options.name}': closed before it was ready`))
    })
    this.started = Promise.race([subscribed, closed])
    subscribed.catch(() => undefined)
    // a subscription that fails (Redis unreachable) rejects `ready()`, not the process
    this.started.catch(() => undefined)
  }

  /**
   * Resolves once the worker listens for cancellations and takes jobs (BullMQ's connection set up).
   * Once `close()` was called (by the caller, or by the worker itself when its host closed) it
   * rejects with ClosedError, even if it had resolved before: a closed worker serves nothing.
   */
  ready(): Promise<void> {
    if (this.quit !== undefined)
      return Promise.reject(new ClosedError(`worker of queue '${this.options.name}': closed (close() was called)`))
    return this.started
  }

  /**
   * Stops taking jobs. Graceful by default: running executions finish. With `force`, they
   * are left to BullMQ's stalled-job check and run again on another worker. With Redis down it
   * still ends once the executions have: jobs whose end could not be stored then come back
   * through that check when Redis is back (README, `close()` while Redis is down).
   */
  async close(options: { force?: boolean } = {}): Promise<void> {
    // not waiting for the subscription: with Redis unreachable it waits for ioredis to give
    // up (about 10 s); a worker closed before it is subscribed never starts taking jobs
    if (this.quit === undefined) {
      this.closedEarly()
      const closing = this.bull.close(options.force ?? false)
      // Redis down: close() still ends once the executions have (redis-ready.ts)
      endingIfDownWhenIdle(this.bull.getBackend().client, this.signals.whenIdle(), closing)
      // and the executions end without waiting for it: what they store on this worker's own
      // connection (job logs, a stored error, a fair tenant's count) would wait for ioredis to
      // give up (about 10 s a command); ended, it fails at once and the job is left to BullMQ's
      // stalled-job check (droppedOnClose)
      endingIfDownWhenIdle(this.redis, Promise.resolve(), closing)
      // once: a second close (or one that forces a graceful close along) does not quit again
      this.quit = closing.then(() => Promise.all([quitFully(this.subscriber), quitFully(this.redis)])).then(() => undefined)
      await closing
    } else await this.bull.close(options.force ?? false)
    await this.quit
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close()
  }

  // --- internal ---

  private async process(job: Job): Promise<StoredResult> {
    const id = job.id as string
    const span = tracing() ? jobSpan(job, this.bull.name) : undefined
    const controller = this.signals.take(id)
    const abort = controller.signal
    const progress = this.progress && new JobProgressSlot(job, this.onError, this.progress)
    // the execution's `caller`: its handlers' ctx.caller, told of its bridge failures (job-scope.ts)
    const scope = new JobScope(progress)
    // read before the data is checked: a job whose data fails the check ends too, and its
    // tenant's pending count must come down with it
    const fair = fairOf(job)?.tenant
    const priority = job.opts.priority ?? 0
    try {
      const data = readJobData(job.data, id)
      span?.setAttributes(jobAttributes(data))
      // a cancel that arrived before BullMQ handed the job over
      if (this.cancels.requestedEarly(job)) throw new CancelledError(`job ${id} was cancelled`)
      const s = data.script
      const request = executeRequest('ref' in s ? await this.registered(s.ref, s.version) : s, data, abort, scope)
      const r = await (span ? activate(span, () => this.executeInSpan(request)) : this.options.host.execute(request))
      // the last progress lands before the job completes
      const flushed = progress?.flush()
      if (flushed) await flushed
      if (abortedByRequest(abort)) this.cancels.completedDespite(job)
      // over maxResultBytes: a ConversionError, the job fails below without storing the result
      const stored = encodeResult(r, this.maxResultBytes)
      // the script's print/console lines also go to BullMQ's job log (dashboards read it there)
      if (r.logs.length > 0) await this.redis.rpush(this.keys.jobLog(id), ...r.logs.map((l) => `[${l.level}] ${l.message}`))
      if (fair !== undefined) await this.finish(fair, priority, true)
      span?.setAttribute('polyhost.outcome', 'completed')
      return stored
    } catch (thrown) {
      this.droppedOnClose(thrown)
      await progress?.flush()
      const byUser = this.cancels.requestedEarly(job) || abortedByRequest(abort)
      // the host closed before or during the execution: the job goes back, unharmed
      if (!byUser && this.options.host.closed) {
        span?.setAttribute('polyhost.outcome', 'returned')
        this.stopTaking(id)
        // on BullMQ's connection, as the job's moves: the worker's own is ended by a close while
        // Redis is down, and this close waits for the job to go back
        const client = (await this.bull.getBackend().client) as unknown as Redis
        return await giveBack(job, this.onError, {
          relock: async () =>
            (await client.set(`${this.keys.job(id)}:lock`, job.token ?? '', 'PX', this.bull.opts.lockDuration ?? 30_000, 'NX')) === 'OK',
          wake: () => client.zadd(this.keys.marker, 0, '0'),
        })
      }
      // over maxErrorBytes: a small ConversionError instead, never retried; its message is also
      // the one BullMQ stores (failed reason, stack trace, events stream)
      const { error: e, stored: storedError } = storeErrorWithin(thrown, this.maxErrorBytes)
      // aborted by BullMQ itself (`worker.bull.cancelJob`): the job may run again
      let failure = failureFor(e, scope.marks, !byUser && abort.aborted)
      if (job.attemptsMade + 1 < (job.opts.attempts ?? 1)) failure = retriedOrFinal(failure, job.opts.backoff, id, this.onError)
      const last = failure instanceof UnrecoverableError || job.attemptsMade + 1 >= (job.opts.attempts ?? 1)
      // stored before BullMQ records the failure, so a `result()` woken by it finds the error;
      // a job BullMQ removes as it fails carries it in the events stream too (ERROR_EVENT)
      try {
        await keepError(this.redis, this.keys, id, storedError, last && removedOnEnd(job.opts.removeOnFail))
        if (fair !== undefined && last) await this.finish(fair, priority, true)
      } catch (e) {
        this.droppedOnClose(e)
        throw e
      }
      if (span) {
        failed(span, e)
        span.setAttribute('polyhost.outcome', byUser ? 'cancelled' : last ? 'failed' : 'retry')
      }
      throw failure
    } finally {
      span?.end()
      this.signals.release(id, controller)
    }
  }

  /**
   * Throws WaitingError when the worker is closing and `e` is its connection's, ended by close()
   * with Redis down: the job is left active for BullMQ's stalled-job check to hand to a worker
   * once Redis is back (BullMQ records nothing for a WaitingError), rather than failed with
   * "Connection is closed.", as BullMQ's own move of the job to completed or failed is dropped.
   */
  private droppedOnClose(e: unknown): void {
    if (this.quit !== undefined && closedConnection(e)) throw new WaitingError()
  }

  /** Takes no more jobs: the host is closed. Once; the owner hears it on `bull`'s 'error'. */
  private stopTaking(jobId: string): void {
    if (this.stopped) return
    this.stopped = this.close().catch(this.onError)
    this.onError(hostClosedError(this.options.name, jobId))
  }

  /**
   * The tenant's pending count is bookkeeping: a Redis error there must not fail the job.
   * `dropOnClose`: unless the worker's close ended the connection first (droppedOnClose).
   */
  private finish(tenant: string, priority: number, dropOnClose = false): Promise<void> {
    return this.finished.finish(tenant, priority).catch((e) => {
      if (dropOnClose && this.quit !== undefined && closedConnection(e)) throw e
      this.onError(e)
    })
  }

  /** A registered script version; pinned versions never change and are kept in memory. */
  private async registered(ref: string, version: number | undefined): Promise<ScriptVersion> {
    // without a version (schedules): the latest, read each time
    if (version === undefined) return this.registry.get(ref)
    const key = `${ref}@${version}`
    let v = this.cache.get(key)
    if (!v) {
      v = await this.registry.get(ref, version)
      this.cache.set(key, v)
    }
    return v
  }

  private executeInSpan(request: ExecuteRequest): Promise<ExecutionResult> {
    const attributes = {
      ...(request.language !== undefined && { 'polyhost.script.language': request.language }),
      'polyhost.script.name': request.name ?? '',
    }
    return inSpan(SPAN.execute, SpanKind.INTERNAL, attributes, context.active(), async (x) => {
      const r = await this.options.host.execute(request)
      x.setAttribute('polyhost.outcome', 'ok')
      return r
    })
  }
}
