/**
 * `node src/profile/execute-contexts.mjs [calls]`: what one warm `host.execute` of the tiny Lua
 * script costs depending on what runs between calls. Medians of per-call wall time (robust to
 * the machine's load, unlike CPU totals): `sync` is the part up to the return of the promise
 * (the whole Lua run of this script), `total` up to its resolution (with eight jobs in flight
 * it includes other jobs' turns, so it is not CPU). Contexts: a tight loop of awaited calls, a
 * `setImmediate` between calls, an ioredis round trip between calls, and a BullMQ processor
 * at concurrency 1 and 8. Then `k` executions per BullMQ job (k = 0, 1, 2, 4): the slope is
 * the marginal CPU of an execution inside a worker, with the scavenges it causes (node CPU
 * and GC per job, median of the rounds). The first of three rounds is warm-up.
 */
import { PerformanceObserver } from 'node:perf_hooks'
import { queueDependencies, startRedis } from '../workloads/queue-drain.mjs'

const N = Number(process.argv[2] ?? 3000)
const [{ createHost }, { luaEngine }] = await Promise.all([import('@polyhost/core'), import('@polyhost/engine-lua')])
const { Redis, Queue, Worker } = await queueDependencies()
const server = await startRedis()
const connection = { host: '127.0.0.1', port: server.port }
const redis = new Redis(connection)
await redis.ping()
const host = await createHost({ engines: [luaEngine()] })
const script = { language: 'lua', source: 'return x + 1' }
const gc = { n: 0, ms: 0 }
new PerformanceObserver((l) => {
  for (const e of l.getEntries()) {
    gc.n++
    gc.ms += e.duration
  }
}).observe({ entryTypes: ['gc'] })

let sync = []
let total = []
async function timed(x) {
  const t = performance.now()
  const p = host.execute({ ...script, globals: { x } })
  sync.push(performance.now() - t)
  const r = await p
  total.push(performance.now() - t)
  return r.value
}

/** Runs `jobs` jobs through a BullMQ worker with processor `run`; node CPU and GC per job. */
async function drain(name, run, concurrency) {
  const queue = new Queue(name, { connection })
  await queue.addBulk(Array.from({ length: N }, (_, x) => ({ name: 'add', data: { x } })))
  const g0 = { ...gc }
  const c0 = process.cpuUsage()
  const worker = new Worker(name, run, { connection, concurrency })
  let done = 0
  await new Promise((resolve) => worker.on('completed', () => ++done === N && resolve()))
  const c = process.cpuUsage(c0)
  const out = { cpu: (c.user + c.system) / N, gcPerK: ((gc.n - g0.n) * 1000) / N, gcUs: ((gc.ms - g0.ms) * 1000) / N }
  await worker.close()
  await queue.close()
  return out
}

const between = {
  tight: async () => {},
  setImmediate: () => new Promise(setImmediate),
  'ioredis ping': () => redis.ping(),
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]
const perCall = {}
const perJob = {}
let queues = 0
for (let round = 0; round < 3; round++) {
  const keep = (name, values) => round > 0 && (perCall[name] ??= []).push(values)
  for (const [name, f] of Object.entries(between)) {
    sync = []
    total = []
    for (let i = 0; i < N; i++) {
      await f()
      await timed(i)
    }
    keep(name, { sync: median(sync), total: median(total) })
  }
  for (const c of [1, 8]) {
    sync = []
    total = []
    await drain(`ctx-${queues++}`, (job) => timed(job.data.x), c)
    keep(`BullMQ c${c}`, { sync: median(sync), total: median(total) })
  }
  for (const k of [0, 1, 2, 4]) {
    const run = async (job) => {
      let v = job.data.x + 1
      for (let i = 0; i < k; i++) v = (await host.execute({ ...script, globals: { x: job.data.x } })).value
      return v
    }
    const r = await drain(`k-${queues++}`, run, 8)
    if (round > 0) (perJob[k] ??= []).push(r)
  }
}
const us = (ms) => (ms * 1000).toFixed(1).padStart(6)
console.log(`host.execute of '${script.source}', ${N} calls per context; median µs per call (rounds)`)
for (const [name, rs] of Object.entries(perCall)) {
  console.log(`${name.padEnd(14)} sync ${rs.map((r) => us(r.sync)).join(' ')}   total ${rs.map((r) => us(r.total)).join(' ')}`)
}
console.log(`\nBullMQ worker, concurrency 8, k executions per job: node CPU µs per job, GCs per 1000 jobs, GC pause µs per job`)
for (const [k, rs] of Object.entries(perJob)) {
  const m = (f) => median(rs.map(f)).toFixed(1).padStart(6)
  console.log(`k = ${k}   cpu ${m((r) => r.cpu)}   gc/1k ${m((r) => r.gcPerK)}   gc µs ${m((r) => r.gcUs)}`)
}
await host.close()
redis.disconnect()
server.process.kill()
process.exit(0)
