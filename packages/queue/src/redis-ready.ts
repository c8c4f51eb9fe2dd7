import { ClosedError } from '@polyhost/core'
import type { Redis } from 'ioredis'
import { QueueUnavailableError } from './errors.js'

/** Default of `connectTimeoutMs`: how long an enqueue waits for an unreachable Redis. */
export const DEFAULT_CONNECT_TIMEOUT_MS = 5000

/**
 * Resolves at once while `redis` is connected; otherwise waits up to `timeoutMs` for it to
 * (re)connect and then rejects with QueueUnavailableError. ioredis would keep such a command
 * queued across its reconnect attempts (for seconds, or for ever without a retry limit).
 */
export function whenReady(redis: Redis, timeoutMs: number, what: string): Promise<void> {
  if (redis.status === 'ready') return Promise.resolve()
  try {
    checkOpen(redis, what)
  } catch (e) {
    return Promise.reject(e)
  }
  // `lazyConnect`: a client that was never asked to connect would never be ready
  if (redis.status === 'wait') redis.connect().catch(() => undefined)
  return new Promise((resolve, reject) => {
    const settle = (e?: Error) => {
      clearTimeout(timer)
      redis.off('ready', onReady)
      redis.off('end', onEnd)
      if (e) reject(e)
      else resolve()
    }
    const onReady = () => settle()
    const { host, port } = redis.options
    // ended meanwhile (close() while Redis is down, a retryStrategy that gave up): no connection will come
    const onEnd = () =>
      settle(
        new QueueUnavailableError(
          `${what}: the connection to Redis at ${host}:${port} ended before it was ready (closed, or no more reconnects)`,
        ),
      )
    const timer = setTimeout(() => {
      settle(new QueueUnavailableError(`${what}: Redis at ${host}:${port} is not reachable (no connection within ${timeoutMs} ms)`))
    }, timeoutMs)
    redis.once('ready', onReady)
    redis.once('end', onEnd)
  })
}

/**
 * ioredis gave up on a command after its reconnect attempts: the same, typed; and a command its
 * connection held when close() ended it (ioredis' bare "Connection is closed."): ClosedError.
 */
export function asUnavailable(e: unknown, what: string): unknown {
  if (e instanceof Error && e.name === 'MaxRetriesPerRequestError')
    return new QueueUnavailableError(`${what}: Redis is not reachable (${e.message})`, { cause: e })
  if (closedConnection(e)) return new ClosedError(`${what}: the queue's Redis connection was closed (close() was called)`, { cause: e })
  return e
}

/**
 * Whether `e` is ioredis' rejection of a command its connection held when the connection was
 * ended: a plain Error, not one of a class that carries the same message (a BridgeError of a
 * handler whose own connection closed).
 */
export function closedConnection(e: unknown): boolean {
  return e instanceof Error && Object.getPrototypeOf(e) === Error.prototype && e.message === 'Connection is closed.'
}

/** `call()`, its rejection through `asUnavailable`. */
export async function typedFailure<T>(what: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call()
  } catch (e) {
    throw asUnavailable(e, what)
  }
}

/**
 * A ClosedError when `redis` was closed (`close()` of the queue or worker that owns it): ioredis
 * would reject with a bare "Connection is closed." Error, and `whenReady` wait for a
 * connection that never comes.
 */
export function checkOpen(redis: Redis, what: string): void {
  if (redis.status === 'end') throw new ClosedError(`${what}: the queue's Redis connection is closed (close() was called)`)
}

/**
 * `check` (default `checkOpen`), then, for a connection without ioredis' offline queue (`enableOfflineQueue:
 * false`), `whenReady`: ioredis rejects a command sent before the connection is ready with a bare
 * "Stream isn't writeable" Error (before: a `scripts.put` just after `createScriptQueue` did).
 * With the offline queue, ioredis holds such a command until the connection is ready.
 */
export async function openFor(redis: Redis, timeoutMs: number, what: string, check = () => checkOpen(redis, what)): Promise<void> {
  check()
  if (redis.options.enableOfflineQueue === false) await whenReady(redis, timeoutMs, what)
}

/**
 * Closes `redis`: QUIT when connected (replies already asked for still arrive), otherwise at
 * once (see `endNow`). Resolves when the connection has ended: on `end`, or after a second
 * without a sign of it.
 */
export async function quitFully(redis: Redis): Promise<void> {
  if (redis.status === 'end') return
  if (redis.status === 'wait' || redis.status === 'reconnecting') {
    endNow(redis, redis.disconnect.bind(redis))
    return
  }
  let timer: NodeJS.Timeout | undefined
  const ended = new Promise<void>((resolve) => {
    redis.once('end', () => resolve())
    timer = setTimeout(resolve, 1000)
  })
  if (redis.status === 'ready') await redis.quit().catch(() => undefined)
  else redis.disconnect()
  await ended
  clearTimeout(timer)
}

type Client = Pick<Redis, 'disconnect' | 'quit' | 'status'>

/**
 * Ends `redis` at once with `disconnect` (its own, unpatched), also between reconnect attempts:
 * its queued commands reject ("Connection is closed.", see `asUnavailable`) and it emits `end`.
 * There ioredis' disconnect() only cancels the next attempt: the client stays 'reconnecting'
 * for good, never emits `end`, and the commands it holds never settle.
 */
function endNow(redis: Pick<Redis, 'status'>, disconnect: (reconnect?: boolean) => void): void {
  // 'wait': no socket to close, and ioredis ends such a client at once
  if (redis.status === 'reconnecting') redis.status = 'wait'
  disconnect()
}

/**
 * Makes `redis.disconnect()` end the client between reconnect attempts as it ends one that never
 * connected (`endNow`). BullMQ's worker close() disconnects its blocking connection and waits
 * for `end`: a worker that closed while Redis was down (its host closed) never finished
 * closing, not even once Redis was back.
 */
export function endingBetweenAttempts(redis: Pick<Redis, 'disconnect' | 'status'>): void {
  const disconnect = redis.disconnect.bind(redis)
  redis.disconnect = (reconnect?: boolean) => {
    if (reconnect) disconnect(true)
    else endNow(redis, disconnect)
  }
}

/**
 * `endingBetweenAttempts`, and `redis.quit()` ends a client that is not connected at once.
 * BullMQ's graceful close QUITs its connections: ioredis holds the QUIT until the connection
 * is back (for ever with Redis gone, `maxRetriesPerRequest: null` in a worker), so a close()
 * made while Redis was down never ended. A worker's jobs still running then return through
 * BullMQ's stalled-job check once Redis is back.
 */
export function endingWhenDown(redis: Client): void {
  endingBetweenAttempts(redis)
  const quit = redis.quit.bind(redis)
  redis.quit = (() => {
    if (redis.status === 'ready') return quit()
    redis.disconnect()
    return Promise.resolve('OK')
  }) as Redis['quit']
}

/** `endingWhenDown` for a BullMQ client (a promise of it, resolved once it first connected). */
export function endingWhenDownOnce(client: unknown): void {
  Promise.resolve(client).then(
    (c) => c && endingWhenDown(c as Client),
    () => undefined,
  )
}

/**
 * A worker's graceful close while Redis is down: once `idle` resolves (its executions have
 * ended) and until `closing` settles, ends BullMQ's main connection `client` whenever it is
 * not connected. Else BullMQ's close waits for ever on the commands that connection holds (a
 * job's move to completed or failed, with `maxRetriesPerRequest: null`). Those commands then
 * fail: their jobs stay active in Redis and come back through BullMQ's stalled-job check once
 * Redis is back (and run again).
 */
export function endingIfDownWhenIdle(client: unknown, idle: Promise<void>, closing: Promise<unknown>): void {
  let closed = false
  const settled = closing.then(
    () => undefined,
    () => undefined,
  )
  settled.then(() => {
    closed = true
  })
  Promise.all([client, idle]).then(
    ([c]) => {
      if (closed || !c) return
      const redis = c as Client & Pick<Redis, 'once' | 'off'>
      const end = () => redis.disconnect()
      if (redis.status !== 'ready') return end()
      redis.once('close', end)
      settled.then(() => redis.off('close', end))
    },
    () => undefined,
  )
}
