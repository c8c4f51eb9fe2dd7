import { spawn } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { createServer } from 'node:net'

/**
 * What the queue workload (queue.mjs) and its profile (profile/queue-round-trips.mjs) share:
 * a throw-away redis-server (also for the BullMQ scripts of redis-scripts.mjs), timing a worker's drain of queued jobs, and CPU time of this
 * process plus redis-server.
 */

export const REDIS_SERVER = process.env.REDIS_SERVER ?? '/usr/bin/redis-server'

/** Clock ticks per second of /proc/PID/stat (USER_HZ, 100 on Linux). */
const TICKS = 100

/** Milliseconds from `start()` (which makes a running BullMQ worker) until it has completed `jobs` jobs. */
export async function timeCompletions(jobs, start) {
  const t0 = performance.now()
  const worker = start()
  let done = 0
  await new Promise((resolve) => worker.on('completed', () => ++done === jobs && resolve()))
  return performance.now() - t0
}

/**
 * A meter of CPU milliseconds since it was made: `node` (this process, process.cpuUsage) and
 * `server` (process `pid`, from Linux /proc; 0 where it cannot be read).
 */
export function cpuMeter(pid) {
  const now = () => {
    const { user, system } = process.cpuUsage()
    let server = 0
    try {
      // fields 14 and 15 (utime, stime) in clock ticks, after the parenthesised command name
      const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ')
      server = ((Number(f[11]) + Number(f[12])) * 1000) / TICKS
    } catch {}
    return { node: (user + system) / 1000, server }
  }
  const t0 = now()
  return () => {
    const t = now()
    return { node: t.node - t0.node, server: t.server - t0.server }
  }
}

/** BullMQ and ioredis as @polyhost/queue (or the build `QUEUE_MODULE` names) resolves them: a raw side runs the same client code. */
export async function queueDependencies() {
  const { createRequire } = await import('node:module')
  const { pathToFileURL } = await import('node:url')
  const require = createRequire(import.meta.resolve(process.env.QUEUE_MODULE ?? '@polyhost/queue'))
  const load = (name) => import(pathToFileURL(require.resolve(name)).href)
  const [bullmq, ioredis] = await Promise.all([load('bullmq'), load('ioredis')])
  return { Queue: bullmq.Queue, Worker: bullmq.Worker, Redis: ioredis.Redis }
}

/** A redis-server without persistence on a free loopback port. */
export async function startRedis() {
  const port = await new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address()
      s.close(() => resolve(port))
    })
  })
  const child = spawn(REDIS_SERVER, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], {
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  await new Promise((resolve, reject) => {
    child.stdout.on('data', (d) => d.toString().includes('Ready to accept') && resolve())
    child.once('exit', (code) => reject(new Error(`redis-server exited (${code})`)))
  })
  child.stdout.resume()
  return { port, process: child }
}
