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
