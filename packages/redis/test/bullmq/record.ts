import { createHash } from 'node:crypto'
import { connect } from 'node:net'
import { FlowProducer, Queue, QueueEvents, Worker } from 'bullmq'
import { Redis } from 'ioredis'

/** One top-level command as redis-server executed it, with the connection that sent it. */
export interface RecordedCommand {
  /** Index of the client connection (first seen = 0). */
  readonly conn: number
  /** Arguments as latin1 text (one char per byte); EVAL sources as `@script:<sha1>`. */
  readonly argv: readonly string[]
}

/** A recording: BullMQ's top-level command stream and the script sources it EVALs. */
export interface Recording {
  readonly bullmq: string
  readonly scripts: Readonly<Record<string, string>>
  readonly commands: readonly RecordedCommand[]
  /** Every ID of BullMQ's events stream at the end, in order (XREAD arguments refer to them). */
  readonly eventIds: readonly string[]
}

/** The key of the queue's events stream. */
export const EVENTS_KEY = 'bull:q:events'

/**
 * Runs a BullMQ workload (plain, bulk, delayed, prioritised, deduplicated, retried and
 * failing jobs, progress, logs, a flow with children, a job scheduler, pause/resume,
 * counts, clean) against the redis-server on `port` while a MONITOR connection records
 * every top-level command in the server's execution order. Commands run by scripts
 * (MONITOR's `[0 lua]` lines) are left out: the replay runs the scripts again.
 */
export async function recordBullmq(port: number, bullmqVersion: string): Promise<Recording> {
  const monitor = await startMonitor(port)
  const connection = { host: '127.0.0.1', port, maxRetriesPerRequest: null }
  const queue = new Queue('q', { connection, defaultJobOptions: { removeOnFail: 5 } })
  const events = new QueueEvents('q', { connection, blockingTimeout: 200 })
  const flow = new FlowProducer({ connection })
  let settled = 0
  try {
    await events.waitUntilReady()
    await queue.add('plain', { x: 1 })
    await queue.addBulk([
      { name: 'bulk-1', data: { i: 1 } },
      { name: 'bulk-2', data: { i: 2 }, opts: { priority: 2 } },
    ])
    await queue.add('delayed', {}, { delay: 100 })
    await queue.add('prioritised', {}, { priority: 1 })
    await queue.add('retried', {}, { attempts: 2, backoff: { type: 'fixed', delay: 20 }, removeOnComplete: true })
    await queue.add('dedup', { n: 1 }, { deduplication: { id: 'd1' } })
    await queue.add('dedup', { n: 2 }, { deduplication: { id: 'd1' } })
    await queue.add('failing', {}, { jobId: 'custom-id' })
    await queue.upsertJobScheduler('every-150', { every: 150, limit: 3 }, { name: 'scheduled', data: {} })
    await flow.add({ name: 'parent', queueName: 'q', children: [{ name: 'child', queueName: 'q', data: { c: 1 } }] })
    await queue.getJobCounts()
    await queue.pause()
    await queue.getJobCounts('wait', 'delayed')
    await queue.resume()
    const worker = new Worker(
      'q',
      async (job) => {
        await job.updateProgress(50)
        await job.log(`processing ${job.name}`)
        if (job.name === 'failing') throw new Error('always fails')
        if (job.name === 'retried' && job.attemptsMade === 0) throw new Error('fails once')
        return { done: job.name }
      },
      { connection, drainDelay: 0.05, stalledInterval: 500 },
    )
    worker.on('completed', () => settled++)
    worker.on('failed', () => settled++)
    const deadline = Date.now() + 10_000
    while (settled < 12 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 25))
    // an idle worker blocks on BZPOPMIN for its next job: give it that idle time, which a fast
    // run could otherwise skip (the recording then lacked BZPOPMIN)
    await new Promise((r) => setTimeout(r, 300))
    await queue.removeJobScheduler('every-150')
    await worker.close()
    await queue.getJobs(['completed', 'failed'], 0, 20)
    const job = await queue.getJob('custom-id')
    if (job) await queue.getJobLogs(job.id as string)
    await queue.clean(0, 100, 'completed')
    await queue.getJobCounts()
  } finally {
    await flow.close()
    await events.close()
    await queue.close()
  }
  const lines = await monitor.stop()
  const reader = new Redis({ host: '127.0.0.1', port })
  const entries = await reader.xrange(EVENTS_KEY, '-', '+')
  reader.disconnect()
  return { ...toRecording(lines, bullmqVersion), eventIds: entries.map(([id]) => id) }
}

/** The bytes of a recorded argument, with EVAL sources expanded. */
export function argBytes(recording: Recording, a: string): Buffer {
  if (a.startsWith('@script:')) return Buffer.from(recording.scripts[a.slice(8)] ?? '', 'utf8')
  return Buffer.from(a, 'latin1')
}

// --- internal ---

interface MonitorLine {
  readonly source: string
  readonly argv: readonly Buffer[]
}

async function startMonitor(port: number): Promise<{ stop(): Promise<MonitorLine[]> }> {
  const socket = connect(port, '127.0.0.1')
  const lines: MonitorLine[] = []
  let pending = Buffer.alloc(0)
  socket.on('data', (chunk: Buffer) => {
    pending = Buffer.concat([pending, chunk])
    for (let i = pending.indexOf('\r\n'); i >= 0; i = pending.indexOf('\r\n')) {
      const line = pending.subarray(0, i).toString('latin1')
      pending = pending.subarray(i + 2)
      const parsed = parseMonitorLine(line)
      if (parsed) lines.push(parsed)
    }
  })
  await new Promise<void>((resolve, reject) => {
    socket.once('error', reject)
    socket.once('data', () => resolve())
    socket.write('MONITOR\r\n')
  })
  return {
    stop: async () => {
      // a PING through another path is not needed: MONITOR lines are written as commands run
      await new Promise((r) => setTimeout(r, 100))
      socket.destroy()
      return lines
    },
  }
}

/** `+1700000000.123 [0 127.0.0.1:5000] "cmd" "a\x00b"` → source and argv bytes. */
function parseMonitorLine(line: string): MonitorLine | undefined {
  const m = /^\+\d+\.\d+ \[\d+ ([^\]]+)\] (.*)$/.exec(line)
  if (!m) return undefined
  const [, source = '', rest = ''] = m
  const argv: Buffer[] = []
  let i = 0
  while (i < rest.length) {
    if (rest[i] === ' ') {
      i++
      continue
    }
    i++ // opening quote
    const bytes: number[] = []
    while (rest[i] !== '"') {
      const c = rest[i] as string
      if (c !== '\\') {
        bytes.push(c.charCodeAt(0))
        i++
        continue
      }
      const e = rest[i + 1] as string
      if (e === 'x') {
        bytes.push(Number.parseInt(rest.slice(i + 2, i + 4), 16))
        i += 4
        continue
      }
      bytes.push((ESCAPES[e] ?? e).charCodeAt(0))
      i += 2
    }
    i++
    argv.push(Buffer.from(bytes))
  }
  return { source, argv }
}

const ESCAPES: Record<string, string> = { n: '\n', r: '\r', t: '\t', a: '\x07', b: '\b', '\\': '\\', '"': '"' }

function toRecording(lines: readonly MonitorLine[], bullmq: string): Omit<Recording, 'eventIds'> {
  const conns = new Map<string, number>()
  const scripts: Record<string, string> = {}
  const commands: RecordedCommand[] = []
  for (const { source, argv } of lines) {
    if (source === 'lua') continue
    const name = argv[0]?.toString('latin1').toLowerCase()
    if (name === 'monitor') continue
    let conn = conns.get(source)
    if (conn === undefined) {
      conn = conns.size
      conns.set(source, conn)
    }
    const text = argv.map((a) => a.toString('latin1'))
    if ((name === 'eval' || name === 'eval_ro') && argv[1]) {
      const sha = createHash('sha1').update(argv[1]).digest('hex')
      scripts[sha] = argv[1].toString('utf8')
      text[1] = `@script:${sha}`
    }
    commands.push({ conn, argv: text })
  }
  return { bullmq, scripts, commands }
}
