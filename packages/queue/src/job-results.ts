// Over 250 lines: one class, the waits for job outcomes (events, rechecks at reconnects, sweeps for deleted jobs).
import { CancelledError, type ExecutionResult } from '@polyhost/core'
import { Job, type Queue, QueueEvents, type QueueEventsListener, type RedisOptions as ConnectionOptions } from 'bullmq'
import type { Redis } from 'ioredis'
import { reportError } from './connection-errors.js'
import { endingWhenDownOnce, typedFailure } from './redis-ready.js'
import { JobFailedError, JobNotFoundError, ResultTimeoutError } from './errors.js'
import { findJobEnd } from './job-ends.js'
import type { JobProgress } from './job-progress.js'
import { cancelReason, ERROR_EVENT, ERROR_FIELD, type QueueKeys } from './keys.js'
import { rebuildError } from './stored-errors.js'
import { decodeResult } from './stored-results.js'

/**
 * How often, while any `result()` waits, the jobs awaited are looked for in Redis (one pipeline
 * of EXISTS for all of them): a job deleted without a `removed` event (`obliterate({ force })`,
 * its hash deleted by another client) ends its waits with JobNotFoundError within about this
 * long, instead of never.
 */
export const RESULT_SWEEP_MS = 2000

/**
 * Waits for jobs to finish, for any number of jobs over one QueueEvents stream. The stream is
 * read from its last entry at the time of the first wait, and each wait checks the job's
 * state after subscribing, so a job finishing at any moment is seen exactly once. A job that
 * is gone by then may have been removed as it ended (`removeOnComplete`, `removeOnFail`): its
 * outcome is then looked up in the stream, after the entry last before its enqueue (or before
 * the first wait).
 */
export class JobResults {
  private events: Promise<QueueEvents> | undefined
  /** The events stream's last entry when the first wait started listening. */
  private from = '0-0'
  /** Errors the stream carried (ERROR_EVENT) for jobs awaited, until their `failed`. */
  private readonly errors = new Map<string, string>()
  private readonly waiters = new Map<string, Waiter[]>()
  private readonly progressListeners = new Map<string, Set<(progress: JobProgress) => void>>()
  /** The QueueEvents connection, listened to for its reconnects. */
  private eventsClient: Pick<Redis, 'on' | 'off'> | undefined
  private readonly onReconnect = () => this.recheck()
  /** The QueueEvents `start` made, from the moment it exists: closed even while it connects. */
  private made: QueueEvents | undefined
  /** Rejects once `close()` was called: a wait still starting (Redis down) ends with it. */
  private readonly closed: Promise<never>
  private closeWaits: (e: Error) => void = () => undefined
  private isClosed = false
  /** Looks for the jobs awaited while there are any (RESULT_SWEEP_MS). */
  private sweeper: NodeJS.Timeout | undefined
  private sweeping = false

  constructor(
    private readonly bull: Queue,
    private readonly redis: Redis,
    private readonly keys: QueueKeys,
    private readonly connection: ConnectionOptions,
    private readonly prefix: string,
  ) {
    // the queue's BullMQ connection: a close() while Redis is down ends (redis-ready.ts)
    endingWhenDownOnce(bull.getBackend().client)
    this.closed = new Promise<never>((_, reject) => {
      this.closeWaits = reject
    })
    this.closed.catch(() => undefined)
  }

  /**
   * The job's execution result, or its error rebuilt as the worker saw it. After `timeoutMs`
   * (undefined or 0: no limit, core's convention) it rejects with ResultTimeoutError. `since`:
   * an events stream entry id read before the job was enqueued.
   */
  async wait(jobId: string, timeoutMs?: number, since?: string): Promise<ExecutionResult> {
    await typedFailure('result', () => Promise.race([this.start(), this.closed]))
    const done = new Promise<ExecutionResult>((resolve, reject) => {
      const w: Waiter = { resolve, reject, since }
      if (timeoutMs !== undefined && timeoutMs > 0) {
        // this waiter only: others waiting for the same job keep waiting
        w.timer = setTimeout(() => this.drop(jobId, w, new ResultTimeoutError(jobId, timeoutMs)), timeoutMs)
      }
      this.waiters.set(jobId, [...(this.waiters.get(jobId) ?? []), w])
    })
    // the job may finish while its state is read below: until `done` is returned it has no
    // handler, and Node would report its rejection as unhandled
    done.catch(() => undefined)
    this.sweepWhileWaiting()
    await this.check(jobId, since)
    return done
  }

  /**
   * Calls `listener` with each progress job `jobId` reports, from the time the returned promise
   * resolves until the job ends or the returned function is called.
   */
  async onProgress(jobId: string, listener: (progress: JobProgress) => void): Promise<() => void> {
    await this.start()
    let set = this.progressListeners.get(jobId)
    if (!set) this.progressListeners.set(jobId, (set = new Set()))
    set.add(listener)
    return () => {
      set.delete(listener)
      if (set.size === 0 && this.progressListeners.get(jobId) === set) this.progressListeners.delete(jobId)
    }
  }

  /** Stops listening; pending waits reject with CancelledError. */
  async close(): Promise<void> {
    this.isClosed = true
    clearInterval(this.sweeper)
    this.sweeper = undefined
    this.closeWaits(new CancelledError('queue closed'))
    for (const id of [...this.waiters.keys()]) this.settle(id, () => Promise.reject(new CancelledError('queue closed')))
    // a start still reading the stream (Redis down) fails once the queue's connection ends
    this.events?.catch(() => undefined)
    this.events = undefined
    const made = this.made
    this.made = undefined
    this.redis.off('ready', this.onReconnect)
    this.eventsClient?.off('ready', this.onReconnect)
    this.eventsClient = undefined
    if (made) await made.close()
  }

  // --- internal ---

  private start(): Promise<QueueEvents> {
    this.events ??= (async () => {
      const stream = `${this.prefix}:${this.bull.name}:events`
      const last = (await this.redis.xrevrange(stream, '+', '-', 'COUNT', 1))[0]?.[0] ?? '0-0'
      this.from = last
      if (this.isClosed) throw new CancelledError('queue closed')
      const events = new QueueEvents(this.bull.name, { connection: this.connection, prefix: this.prefix, lastEventId: last })
      this.made = events
      events.on('error', (e: Error) => reportError(this.bull, e))
      endingWhenDownOnce(events.getBackend().client)
      // a job that ended reports no more progress: its listeners go
      events.on('completed', ({ jobId, returnvalue }) => {
        this.progressListeners.delete(jobId)
        this.settle(jobId, async () => decodeResult(returnvalue))
      })
      // before `failed`, for a job BullMQ removes as it fails
      events.on<StoredErrorEvents, typeof ERROR_EVENT>(ERROR_EVENT, ({ jobId, error }) => {
        if (this.waiters.has(jobId)) this.errors.set(jobId, error)
      })
      events.on('failed', ({ jobId, failedReason }) => {
        this.progressListeners.delete(jobId)
        const stored = this.errors.get(jobId)
        this.settle(jobId, () => this.failure(jobId, failedReason, stored))
      })
      events.on('removed', ({ jobId }) => {
        this.progressListeners.delete(jobId)
        this.settle(jobId, () => this.removed(jobId))
      })
      events.on('progress', ({ jobId, data }) => {
        for (const listener of this.progressListeners.get(jobId) ?? []) listener(data as JobProgress)
      })
      await events.waitUntilReady()
      // a reconnect of either connection (a restarted Redis drops both)
      // BullMQ's wrapper passes on() and off() to its ioredis client
      const client = (await events.getBackend().client) as unknown as Pick<Redis, 'on' | 'off'>
      client.on('ready', this.onReconnect)
      this.eventsClient = client
      this.redis.on('ready', this.onReconnect)
      return events
    })()
    return this.events
  }

  /** Settles the waits for `jobId` when the job has ended (or is gone), from its state in Redis. */
  private async check(jobId: string, since: string | undefined): Promise<void> {
    // the state first: a job read before it finished would lack its return value
    const state = await this.bull.getJobState(jobId)
    if (state === 'completed' || state === 'failed') {
      const job = await Job.fromId(this.bull, jobId)
      if (!job) this.settle(jobId, () => this.gone(jobId, since))
      else if (state === 'completed') this.settle(jobId, async () => decodeResult(job.returnvalue))
      else this.settle(jobId, () => this.failure(jobId, job.failedReason))
    } else if (state === 'unknown') this.settle(jobId, () => this.gone(jobId, since))
  }

  /**
   * After a reconnect, the state of each job awaited: a job may have ended while the events
   * stream was not read, or be gone with a Redis that restarted without its data (the stream
   * then starts anew and tells nothing of it). An event read as well settles nothing twice.
   */
  private recheck(): void {
    for (const [jobId, ws] of this.waiters) this.check(jobId, ws[0]?.since).catch(() => undefined) // the next reconnect checks again
  }

  private sweepWhileWaiting(): void {
    if (this.sweeper || this.isClosed) return
    this.sweeper = setInterval(() => {
      if (this.waiters.size === 0) {
        clearInterval(this.sweeper)
        this.sweeper = undefined
      } else if (!this.sweeping && this.redis.status === 'ready') {
        // one at a time, and none while Redis is away (ioredis would queue them up)
        this.sweeping = true
        this.sweep()
          .catch(() => undefined) // the next tick looks again
          .finally(() => {
            this.sweeping = false
          })
      }
    }, RESULT_SWEEP_MS)
    this.sweeper.unref()
  }

  /**
   * Ends the waits of jobs whose hash is gone: a job deleted without an event (obliterate,
   * DEL), or removed as it ended (its end is then found in the events stream, as `check` finds it).
   */
  private async sweep(): Promise<void> {
    const ids = [...this.waiters.keys()]
    const pipeline = this.redis.pipeline()
    for (const id of ids) pipeline.exists(this.keys.job(id))
    const replies = (await pipeline.exec()) ?? []
    ids.forEach((id, i) => {
      const [error, n] = replies[i] ?? [null, 1]
      const since = this.waiters.get(id)?.[0]?.since
      if (!error && n === 0) this.settle(id, () => this.gone(id, since))
    })
  }

  private settle(jobId: string, outcome: () => Promise<ExecutionResult>): void {
    const ws = this.waiters.get(jobId)
    if (!ws) return
    this.waiters.delete(jobId)
    this.errors.delete(jobId)
    const p = outcome()
    for (const w of ws) {
      clearTimeout(w.timer)
      p.then(w.resolve, w.reject)
    }
  }

  /** Ends one waiter's wait with `error`, leaving the job's other waiters waiting. */
  private drop(jobId: string, w: Waiter, error: Error): void {
    const ws = this.waiters.get(jobId)
    if (!ws?.includes(w)) return
    const rest = ws.filter((x) => x !== w)
    if (rest.length > 0) this.waiters.set(jobId, rest)
    else {
      this.waiters.delete(jobId)
      this.errors.delete(jobId)
    }
    w.reject(error)
  }

  /** A job found neither waiting, running nor ended: removed as it ended, or gone. */
  private async gone(jobId: string, since: string | undefined): Promise<ExecutionResult> {
    const end = await findJobEnd(this.redis, this.keys, jobId, since ?? this.from)
    if (end?.event === 'completed') return decodeResult(end.returnvalue)
    if (end?.event === 'failed') return this.failure(jobId, end.failedReason, end.stored)
    return this.removed(jobId)
  }

  private async failure(jobId: string, reason: string, given?: string): Promise<never> {
    // failed by BullMQ from the deferred failure `cancel()` set: the processor never ran, and
    // the stored error (if any) is an earlier attempt's
    if (reason === cancelReason(jobId) && (await this.redis.exists(this.keys.cancelled(jobId))))
      throw new CancelledError(`job ${jobId} was cancelled`)
    // the stored error is the last attempt's the worker ran: BullMQ may have failed a later one
    // itself (stalled past maxStalledCount), and its reason is then not that error's message
    const stored = given ?? (await this.redis.hget(this.keys.job(jobId), ERROR_FIELD))
    const error = stored ? rebuildError(stored, jobId) : undefined
    throw error && error.message === reason ? error : new JobFailedError(reason || 'job failed', jobId)
  }

  private async removed(jobId: string): Promise<never> {
    const cancelled = await this.redis.exists(this.keys.cancelled(jobId))
    throw cancelled ? new CancelledError(`job ${jobId} was cancelled`) : new JobNotFoundError(jobId)
  }
}

/** The worker's own event in the queue's events stream (ERROR_EVENT). */
interface StoredErrorEvents extends QueueEventsListener {
  [ERROR_EVENT]: (args: { jobId: string; error: string }, id: string) => void
}

interface Waiter {
  resolve: (r: ExecutionResult) => void
  reject: (e: unknown) => void
  since: string | undefined
  timer?: NodeJS.Timeout
}
