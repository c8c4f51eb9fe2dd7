/**
 * BullMQ 6.7's `addStandardJob` and `moveToActive` calls as its own client sends them,
 * recorded against a redis-server started here (for `redis-bullmq.mjs` and the in-process
 * profile loop `profile/redis-bullmq-loop.mjs`).
 */
import { spawn } from 'node:child_process'
import { createHash } from 'node:crypto'
import { createServer } from 'node:net'
import { Queue, Worker } from 'bullmq'
import { Redis } from 'ioredis'

/** The scripts recorded, in the order a round runs them. */
export const SCRIPTS = ['addStandardJob', 'moveToActive']

/** Runs a Queue.add and a Worker's getNextJob against the server, keeping each script's EVALSHA argv. */
export async function recordBullmq(port) {
  const shas = new Map()
  const recorded = {}
  const original = Redis.prototype.sendCommand
  Redis.prototype.sendCommand = function (command, ...rest) {
    const name = String(command.name).toLowerCase()
    if (name === 'evalsha' || name === 'eval') {
      const args = command.args.map((a) => (Buffer.isBuffer(a) ? a : Buffer.from(String(a))))
      const sha = name === 'eval' ? sha1(args[0]) : args[0].toString('latin1')
      const source = name === 'eval' ? args[0].toString('utf8') : undefined
      const known = shas.get(sha) ?? { source }
      shas.set(sha, known)
      known.argv = ['EVALSHA', sha, ...args.slice(1)]
    }
    return original.call(this, command, ...rest)
  }
  const connection = { host: '127.0.0.1', port, maxRetriesPerRequest: null }
  const queue = new Queue('bench', { connection })
  const worker = new Worker('bench', null, { connection, autorun: false })
  try {
    await queue.add('job', { n: 1 })
    await worker.getNextJob('token-1', { block: false })
  } finally {
    Redis.prototype.sendCommand = original
    await worker.close()
    await queue.close()
  }
  const { addStandardJob } = await import('bullmq/dist/esm/scripts/addStandardJob-9.js')
  const { moveToActive } = await import('bullmq/dist/esm/scripts/moveToActive-11.js')
  for (const script of [addStandardJob, moveToActive]) {
    const entry = shas.get(sha1(script.content))
    if (!entry?.argv) throw new Error(`BullMQ did not run ${script.name}`)
    recorded[script.name] = { source: script.content, argv: entry.argv }
  }
  return recorded
}

/** A redis-server on a free loopback port (`/usr/bin/redis-server` or $REDIS_SERVER); `stop()` ends it. */
export async function startServer() {
  const port = await new Promise((resolve, reject) => {
    const srv = createServer()
    srv.once('error', reject)
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address()
      srv.close(() => resolve(port))
    })
  })
  const bin = process.env.REDIS_SERVER ?? '/usr/bin/redis-server'
  const child = spawn(bin, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' })
  const probe = new Redis({ port, host: '127.0.0.1', lazyConnect: true, retryStrategy: () => null, maxRetriesPerRequest: 0 })
  probe.on('error', () => undefined)
  for (let i = 0; ; i++) {
    try {
      await probe.connect()
      await probe.ping()
      break
    } catch (e) {
      if (i > 200) throw e
      probe.disconnect()
      await new Promise((r) => setTimeout(r, 50))
    }
  }
  probe.disconnect()
  return { port, stop: () => child.kill() }
}

// --- internal ---

function sha1(b) {
  return createHash('sha1').update(b).digest('hex')
}
