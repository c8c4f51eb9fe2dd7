/**
 * BullMQ 6.7's `addStandardJob` and `moveToActive` calls as its own client sends them,
 * recorded against a redis-server (`startRedis` of workloads/queue-drain.mjs), for workload 11
 * (workloads/redis-scripts.mjs, with its command line `redis-bullmq.mjs`) and the in-process
 * profile loop `profile/redis-bullmq-loop.mjs`. BullMQ and ioredis load when a recording is made:
 * the report run imports this module with every workload, before any is measured.
 */
import { createHash } from 'node:crypto'

/** The scripts recorded, in the order a round runs them. */
export const SCRIPTS = ['addStandardJob', 'moveToActive']

/** Runs a Queue.add and a Worker's getNextJob against the server, keeping each script's EVALSHA argv. */
export async function recordBullmq(port) {
  const [{ Queue, Worker }, { Redis }] = await Promise.all([import('bullmq'), import('ioredis')])
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

// --- internal ---

function sha1(b) {
  return createHash('sha1').update(b).digest('hex')
}
