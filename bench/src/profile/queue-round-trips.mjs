/**
 * `node src/profile/queue-round-trips.mjs raw|host|queue|fair [jobs] [--monitor]`: one worker
 * (concurrency 8) drains `jobs` queued jobs on a fresh redis-server, then prints wall-clock
 * and CPU (this process + redis-server) per job. With `--monitor`, redis-server's MONITOR
 * counts the commands clients sent (round trips; commands run inside Lua scripts are
 * listed apart) per job, by command. With `--profile=FILE.cpuprofile`, a CPU profile of
 * the drain alone (summarise it with profile-summary.mjs); with `--heap=FILE.heapprofile`, an
 * allocation sample of the drain, collected objects included. `raw`: a BullMQ processor doing the
 * arithmetic; `host`: a BullMQ processor calling `host.execute` itself (the floor of what the
 * queue adds); `queue`/`fair`: @polyhost/queue without and with tenant fairness.
 */
import { cpuMeter, queueDependencies, startRedis, timeCompletions } from '../workloads/queue-drain.mjs'

const [mode = 'queue', jobsArg = '4000'] = process.argv.slice(2).filter((a) => !a.startsWith('--'))
const monitor = process.argv.includes('--monitor')
const jobs = Number(jobsArg)
const CONCURRENCY = 8

const server = await startRedis()
const connection = { host: '127.0.0.1', port: server.port }
// BullMQ and ioredis as @polyhost/queue resolves them: the raw side runs the same client code
const { Queue, Worker, Redis } = await queueDependencies()
let worker
let close = async () => {}
const name = `${mode}-probe`
let start
if (mode === 'raw') {
  const queue = new Queue(name, { connection })
  await queue.addBulk(Array.from({ length: jobs }, (_, x) => ({ name: 'add', data: { x } })))
  start = () => (worker = new Worker(name, async (job) => job.data.x + 1, { connection, concurrency: CONCURRENCY }))
  close = async () => {
    await worker.close()
    await queue.close()
  }
} else if (mode === 'host') {
  const [{ createHost }, { luaEngine }] = await Promise.all([import('@polyhost/core'), import('@polyhost/engine-lua')])
  const host = await createHost({ engines: [luaEngine()] })
  const script = { language: 'lua', source: 'return x + 1' }
  const queue = new Queue(name, { connection })
  await queue.addBulk(Array.from({ length: jobs }, (_, x) => ({ name: 'add', data: { x } })))
  await host.execute({ ...script, globals: { x: 1 } })
  start = () =>
    (worker = new Worker(name, async (job) => (await host.execute({ ...script, globals: { x: job.data.x } })).value, {
      connection,
      concurrency: CONCURRENCY,
    }))
  close = async () => {
    await worker.close()
    await queue.close()
    await host.close()
  }
} else {
  const [{ createHost }, { luaEngine }, q] = await Promise.all([
    import('@polyhost/core'),
    import('@polyhost/engine-lua'),
    // QUEUE_MODULE: another build of the package, for A/B runs against it
    import(process.env.QUEUE_MODULE ?? '@polyhost/queue'),
  ])
  const host = await createHost({ engines: [luaEngine()] })
  const queue = q.createScriptQueue({ connection, name, fairness: mode === 'fair' ? 'tenant' : 'none' })
  const script = { language: 'lua', source: 'return x + 1' }
  await queue.enqueueMany(Array.from({ length: jobs }, (_, x) => ({ request: { script, globals: { x }, tenant: `t${x % 2}` } })))
  // one warm-up execution: the compile cache and the engine's first state are not per-job costs
  await host.execute({ ...script, globals: { x: 1 } })
  start = () => {
    const w = q.createScriptWorker({ connection, name, host, concurrency: CONCURRENCY })
    worker = w.bull
    close = async () => {
      await w.close()
      await queue.close()
      await host.close()
    }
    return worker
  }
}

const counts = new Map()
let mon
let base
if (monitor) {
  base = new Redis(connection)
  mon = await base.monitor()
  mon.on('monitor', (_time, args, source) => {
    const key = `${source === 'lua' ? 'lua ' : ''}${String(args[0]).toLowerCase()}`
    counts.set(key, (counts.get(key) ?? 0) + 1)
  })
}
const profile = process.argv.find((a) => a.startsWith('--profile='))?.slice('--profile='.length)
const heap = process.argv.find((a) => a.startsWith('--heap='))?.slice('--heap='.length)
const session = profile ? await startProfile() : undefined
const heapSession = heap ? await startHeapSampling() : undefined
const cpu = cpuMeter(server.process.pid)
const ms = await timeCompletions(jobs, start)
const used = cpu()
const [cpuMs, nodeMs] = [used.node + used.server, used.node]
if (session) await stopProfile(session, profile)
if (heapSession) await stopHeapSampling(heapSession, heap)
console.log(
  `${mode}: ${jobs} jobs, ${((ms * 1000) / jobs).toFixed(0)} µs/job wall, ${((cpuMs * 1000) / jobs).toFixed(0)} µs/job CPU (node + redis-server), node alone ${((nodeMs * 1000) / jobs).toFixed(0)}`,
)
if (monitor) {
  const rows = [...counts].sort((a, b) => b[1] - a[1])
  const top = rows.filter(([k]) => !k.startsWith('lua ')).reduce((s, [, n]) => s + n, 0)
  console.log(`commands sent by clients: ${(top / jobs).toFixed(2)} per job`)
  for (const [k, n] of rows) if (n / jobs >= 0.01) console.log(`  ${k.padEnd(24)} ${(n / jobs).toFixed(2)}`)
  mon.disconnect()
  base.disconnect()
}
await close()
server.process.kill()

// --- internal ---

/** Samples this process from here on (the drain alone: enqueueing and loading are left out). */
async function startProfile() {
  const { Session } = await import('node:inspector/promises')
  const session = new Session()
  session.connect()
  await session.post('Profiler.enable')
  await session.post('Profiler.setSamplingInterval', { interval: 100 })
  await session.post('Profiler.start')
  return session
}

async function stopProfile(session, file) {
  const { profile } = await session.post('Profiler.stop')
  const { writeFileSync } = await import('node:fs')
  writeFileSync(file, JSON.stringify(profile))
  session.disconnect()
}

/** Samples allocations from here on, also of objects already collected (per-job garbage). */
async function startHeapSampling() {
  const { Session } = await import('node:inspector/promises')
  const session = new Session()
  session.connect()
  await session.post('HeapProfiler.enable')
  await session.post('HeapProfiler.startSampling', {
    samplingInterval: 1024,
    includeObjectsCollectedByMajorGC: true,
    includeObjectsCollectedByMinorGC: true,
  })
  return session
}

async function stopHeapSampling(session, file) {
  const { profile } = await session.post('HeapProfiler.stopSampling')
  const { writeFileSync } = await import('node:fs')
  writeFileSync(file, JSON.stringify(profile))
  session.disconnect()
}
