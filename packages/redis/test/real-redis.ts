import { type ChildProcess, spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { createServer } from 'node:net'
import { Redis } from 'ioredis'

/** A redis-server started for a test file on a free loopback port. */
export interface RealRedis {
  readonly port: number
  readonly client: Redis
  stop(): Promise<void>
}

export const REDIS_SERVER = process.env.REDIS_SERVER ?? '/usr/bin/redis-server'

/** Whether the judge is installed (CI installs Debian's redis-server). */
export const hasRedisServer = existsSync(REDIS_SERVER)

/**
 * Starts `redis-server --port <free> --save '' --appendonly no` bound to 127.0.0.1, waits
 * until it answers PING, and returns a connected ioredis client. Stopped by `stop()`.
 */
export async function startRedis(): Promise<RealRedis> {
  const port = await freePort()
  const child = spawn(REDIS_SERVER, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], {
    stdio: 'ignore',
  })
  const client = new Redis({ port, host: '127.0.0.1', lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null })
  // connection attempts before the server listens fail; the loop below retries them
  client.on('error', () => undefined)
  const deadline = Date.now() + 10_000
  for (;;) {
    try {
      await client.connect()
      await client.ping()
      break
    } catch (e) {
      if (Date.now() > deadline) {
        child.kill()
        throw e
      }
      client.disconnect()
      await new Promise((r) => setTimeout(r, 50))
    }
  }
  return {
    port,
    client,
    stop: async () => {
      client.disconnect()
      await stopChild(child)
    },
  }
}

// --- internal ---

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer()
    srv.once('error', reject)
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address()
      const port = typeof addr === 'object' && addr ? addr.port : 0
      srv.close(() => resolve(port))
    })
  })
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return Promise.resolve()
  return new Promise((resolve) => {
    child.once('exit', () => resolve())
    child.kill('SIGTERM')
  })
}
