// A throw-away redis-server for the tests of any package (the CLI's, @polyhost/redis's): a free
// loopback port, no persistence, ready once it says it accepts connections. No client here, so
// a package that has no Redis client of its own need not take one on to use it.
import { spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { createServer } from 'node:net'

/** The redis-server binary: `REDIS_SERVER`, else Debian's. */
export const REDIS_SERVER = process.env.REDIS_SERVER ?? '/usr/bin/redis-server'

/** Whether that binary is installed (CI installs Debian's redis-server). */
export const hasRedisServer = existsSync(REDIS_SERVER)

/**
 * Starts `redis-server --port <free> --bind 127.0.0.1 --save '' --appendonly no` and resolves
 * once it accepts connections (within 10 s); `stop()` ends it and resolves when it has exited.
 */
export async function startRedisServer() {
  const port = await freePort()
  const child = spawn(REDIS_SERVER, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], {
    stdio: ['ignore', 'pipe', 'ignore'],
  })
  await new Promise((resolve, reject) => {
    let out = ''
    const timer = setTimeout(() => {
      child.kill()
      reject(new Error(`redis-server did not start within 10 s: ${out.slice(-500)}`))
    }, 10_000)
    const exited = (code) => {
      clearTimeout(timer)
      reject(new Error(`redis-server exited (${code}): ${out.slice(-500)}`))
    }
    child.once('exit', exited)
    child.stdout.on('data', (d) => {
      out += d.toString()
      if (out.includes('Ready to accept connections')) {
        clearTimeout(timer)
        child.off('exit', exited)
        resolve(undefined)
      }
    })
  })
  // keep draining its log so the pipe never fills
  child.stdout.resume()
  return {
    port,
    stop: () => {
      if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve()
      return new Promise((resolve) => {
        child.once('exit', () => resolve(undefined))
        child.kill('SIGTERM')
      })
    },
  }
}

/** A TCP port free on 127.0.0.1 at the time of asking. */
export function freePort() {
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
