/**
 * `node src/profile/queue-steady.mjs [rounds] [jobs] [raw] [host] [queue] [NAME=PATH ...]`: node
 * CPU and wall time per job of a warmed-up worker (concurrency 8), for several variants in one
 * process on one redis-server, their drains interleaved round by round (the order reversed
 * every other round) so that load from other work on the machine falls on all of them alike.
 * `queue-round-trips.mjs` runs one fresh process per measurement: its figures include the JIT
 * warm-up of the engine and BullMQ (about half a second of CPU, a third of a 3,000-job run).
 * Here the first round is a warm-up and is not counted; the median and the minimum of the
 * rest are printed. `raw`: a BullMQ processor doing the arithmetic; `host`: a BullMQ processor
 * calling `host.execute` itself; `hostq`: the same with the queue's payload (a job's data as
 * `enqueue` writes it, tenants as the queue variants' jobs have them, its options, the job's
 * signal and caller, and a stored result as the worker returns it: what the queue costs in
 * BullMQ and core, apart from its own code);
 * `queue`: @polyhost/queue as the bench resolves it; NAME=PATH:
 * another build of the package (its dist/index.js), for A/B runs. Caveat: an AsyncLocalStorage
 * the queue enables stays enabled for the process (Node 20), so `raw` and `host` pay its promise
 * hook here once a queue variant has run; compare them with fresh processes too.
 */
import { cpuMeter, queueDependencies, startRedis } from '../workloads/queue-drain.mjs'

const args = process.argv.slice(2)
const numbers = args.filter((a) => /^\d+$/.test(a)).map(Number)
const [rounds = 10, jobs = 1500] = numbers
const names = args.filter((a) => !/^\d+$/.test(a))
if (names.length === 0) names.push('raw', 'host', 'queue')
const CONCURRENCY = 8

const server = await startRedis()
const connection = { host: '127.0.0.1', port: server.port }
const { Queue, Worker } = await queueDependencies()
const [{ createHost }, { luaEngine }] = await Promise.all([import('@polyhost/core'), import('@polyhost/engine-lua')])
const script = { language: 'lua', source: 'return x + 1' }

const variants = []
for (const name of names) variants.push({ name: name.split('=')[0], ...(await variant(name)), cpu: [], wall: [] })
let n = 0
for (let r = 0; r <= rounds; r++) {
  for (const v of r % 2 ? variants : [...variants].reverse()) {
    const queueName = `steady-${n++}`
    const close = await v.fill(queueName)
    const cpu = cpuMeter(server.process.pid)
    const t0 = performance.now()
    const worker = v.start(queueName)
    let done = 0
    await new Promise((resolve) => worker.bull.on('completed', () => ++done === jobs && resolve()))
    const wall = performance.now() - t0
    const used = cpu()
    if (r > 0) {
      v.cpu.push((used.node * 1000) / jobs)
      v.wall.push((wall * 1000) / jobs)
    }
    await worker.close()
    await close()
  }
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]
const f = (x) => x.toFixed(0).padStart(4)
console.log(`${rounds} rounds of ${jobs} jobs, concurrency ${CONCURRENCY}; µs per job, median / min`)
for (const v of variants) {
  console.log(
    `${v.name.padEnd(10)} node CPU ${f(median(v.cpu))} / ${f(Math.min(...v.cpu))}   wall ${f(median(v.wall))} / ${f(Math.min(...v.wall))}`,
  )
}
for (const v of variants) await v.host?.close()
server.process.kill()

// --- internal ---

/** How to fill a queue with `jobs` jobs and start a worker draining it, for variant `name`. */
async function variant(name) {
  if (name === 'hostq') return payloadVariant(await warmHost())
  if (name === 'raw' || name === 'host') {
    const host = name === 'host' ? await warmHost() : undefined
    const run = host ? async (job) => (await host.execute({ ...script, globals: { x: job.data.x } })).value : async (job) => job.data.x + 1
    return {
      host,
      fill: async (queueName) => {
        const queue = new Queue(queueName, { connection })
        await queue.addBulk(Array.from({ length: jobs }, (_, x) => ({ name: 'add', data: { x } })))
        return () => queue.close()
      },
      start: (queueName) => {
        const bull = new Worker(queueName, run, { connection, concurrency: CONCURRENCY })
        return { bull, close: () => bull.close() }
      },
    }
  }
  const path = name === 'queue' ? '@polyhost/queue' : name.slice(name.indexOf('=') + 1)
  const q = await import(path)
  // one host per build: each registers its own `job` bridge
  const host = await warmHost()
  return {
    host,
    fill: async (queueName) => {
      const queue = q.createScriptQueue({ connection, name: queueName, fairness: 'none' })
      await queue.enqueueMany(Array.from({ length: jobs }, (_, x) => ({ request: { script, globals: { x }, tenant: `t${x % 2}` } })))
      return () => queue.close()
    },
    start: (queueName) => q.createScriptWorker({ connection, name: queueName, host, concurrency: CONCURRENCY }),
  }
}

/** `hostq`: a BullMQ processor calling `host.execute` with the queue's job data, options and result shape. */
function payloadVariant(host) {
  const controller = new AbortController()
  const caller = { onBridgeFailure() {} }
  const run = async (job) => {
    const d = job.data
    const r = await host.execute({ ...d.script, globals: d.globals.j, tenant: d.tenant, signal: controller.signal, caller })
    return { r: { j: { values: r.values } }, logs: r.logs, stats: r.stats }
  }
  const opts = { attempts: 3, backoff: { type: 'exponential', delay: 500 } }
  return {
    host,
    fill: async (queueName) => {
      const queue = new Queue(queueName, { connection })
      await queue.addBulk(
        Array.from({ length: jobs }, (_, x) => ({
          name: 'execute',
          data: { v: 1, script, globals: { j: { x } }, tenant: `t${x % 2}` },
          opts,
        })),
      )
      return () => queue.close()
    },
    start: (queueName) => {
      const bull = new Worker(queueName, run, { connection, concurrency: CONCURRENCY })
      return { bull, close: () => bull.close() }
    },
  }
}

async function warmHost() {
  const host = await createHost({ engines: [luaEngine()] })
  await host.execute({ ...script, globals: { x: 1 } })
  return host
}
