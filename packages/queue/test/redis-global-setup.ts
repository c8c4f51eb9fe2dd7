import { type ChildProcess, spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { createServer } from 'node:net'
import type { TestProject } from 'vitest/node'

declare module 'vitest' {
  export interface ProvidedContext {
    /** Port of the redis-server started for this run on 127.0.0.1, or 0 when none is installed. */
    redisPort: number
  }
}

const REDIS_SERVER = '/usr/bin/redis-server'

/**
 * Starts a throw-away redis-server on a free loopback port for @polyhost/queue's tests (no
 * persistence), hands its port to the tests through `provide`, and stops it afterwards.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  if (!existsSync(REDIS_SERVER)) {
    project.provide('redisPort', 0)
    return async () => undefined
  }
  const port = await freePort()
  const server = await startRedis(port)
  project.provide('redisPort', port)
  return () => stopRedis(server)
}

/** Starts `redis-server` on `port` (no persistence unless `extra` says) and resolves once it accepts connections. */
export async function startRedis(port: number, extra: readonly string[] = ['--save', '', '--appendonly', 'no']): Promise<ChildProcess> {
  const server = spawn(REDIS_SERVER, ['--port', String(port), '--bind', '127.0.0.1', '--maxmemory-policy', 'noeviction', ...extra], {
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  await new Promise<void>((resolve, reject) => {
    let out = ''
    server.stdout?.on('data', (d: Buffer) => {
      out += d.toString()
      if (out.includes('Ready to accept connections')) resolve()
    })
    server.once('exit', (code) => reject(new Error(`redis-server exited (${code}): ${out.slice(-500)}`)))
  })
  server.stdout?.resume()
  return server
}

/** Stops a server started by {@link startRedis}. */
export async function stopRedis(server: ChildProcess): Promise<void> {
  if (server.exitCode !== null) return
  const exited = new Promise((r) => server.once('exit', r))
  server.kill('SIGTERM')
  await exited
}

/** A port that was free a moment ago (listen on 0, read it, close). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer()
    s.once('error', reject)
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number }
      s.close(() => resolve(port))
    })
  })
}
