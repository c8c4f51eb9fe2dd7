import { Redis } from 'ioredis'
import { hasRedisServer, REDIS_SERVER, startRedisServer } from '../../../test-support/redis-server.mjs'

export { hasRedisServer, REDIS_SERVER }

/** A redis-server started for a test file on a free loopback port. */
export interface RealRedis {
  readonly port: number
  readonly client: Redis
  stop(): Promise<void>
}

/**
 * Starts `redis-server --port <free> --save '' --appendonly no` bound to 127.0.0.1 (see
 * test-support/redis-server.mjs) and returns a connected ioredis client. Stopped by `stop()`.
 */
export async function startRedis(): Promise<RealRedis> {
  const server = await startRedisServer()
  const client = new Redis({ port: server.port, host: '127.0.0.1', lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null })
  // a failure reaches the test through the command that failed; the event would only be printed
  client.on('error', () => undefined)
  try {
    await client.connect()
    await client.ping()
  } catch (e) {
    client.disconnect()
    await server.stop()
    throw e
  }
  return {
    port: server.port,
    client,
    stop: async () => {
      client.disconnect()
      await server.stop()
    },
  }
}
