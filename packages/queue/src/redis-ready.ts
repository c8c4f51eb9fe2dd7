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
    const onReady = () => {
      clearTimeout(timer)
      resolve()
    }
    const timer = setTimeout(() => {
      redis.off('ready', onReady)
      const { host, port } = redis.options
      reject(new QueueUnavailableError(`${what}: Redis at ${host}:${port} is not reachable (no connection within ${timeoutMs} ms)`))
    }, timeoutMs)
    redis.once('ready', onReady)
  })
}

/** ioredis gave up on a command after its reconnect attempts: the same, typed. */
export function asUnavailable(e: unknown, what: string): unknown {
  if (e instanceof Error && e.name === 'MaxRetriesPerRequestError')
    return new QueueUnavailableError(`${what}: Redis is not reachable (${e.message})`, { cause: e })
  return e
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
 * once. Resolves when the connection has ended: at once between reconnect attempts (there is
 * no socket then, disconnect() cancels the next attempt, and ioredis emits no `end`), else on
 * `end`, or after a second without a sign of it.
 */
export async function quitFully(redis: Redis): Promise<void> {
  if (redis.status === 'end') return
  if (redis.status === 'wait' || redis.status === 'reconnecting') {
    redis.disconnect()
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

/**
 * Makes `redis.disconnect()` end the client between reconnect attempts as it ends one that never
 * connected: its queued commands reject and it emits `end`. ioredis' disconnect() then only
 * cancels the next attempt: the client stays 'reconnecting' for good, never emits `end`, and
 * the commands it holds never settle. BullMQ's worker close() disconnects its blocking
 * connection and waits for `end`: a worker that closed while Redis was down (its host closed)
 * never finished closing, not even once Redis was back.
 */
export function endingBetweenAttempts(redis: Pick<Redis, 'disconnect' | 'status'>): void {
  const disconnect = redis.disconnect.bind(redis)
  redis.disconnect = (reconnect?: boolean) => {
    // 'wait': no socket to close, and ioredis ends such a client at once
    if (!reconnect && redis.status === 'reconnecting') redis.status = 'wait'
    disconnect(reconnect)
  }
}
