// Jobs per second through @polyhost/queue (tiny Lua script) vs a raw BullMQ no-op processor
// on the same Redis, and 1 → 2 worker processes. Run after `pnpm run build`:
//   node packages/queue/bench/throughput.mjs [jobs]
// Starts its own redis-server on a free loopback port (Debian: apt-get install redis-server).
import { fork, spawn } from 'node:child_process'
import { once } from 'node:events'
import { createServer } from 'node:net'
import { createHost } from '@polyhost/core'
import { luaEngine } from '@polyhost/engine-lua'
import { createScriptQueue, createScriptWorker } from '@polyhost/queue'
import { Queue, Worker } from 'bullmq'

const CONCURRENCY = 8

if (process.env.BENCH_WORKER) {
  // a worker process for the scaling run: serves until told to stop
  const connection = { host: '127.0.0.1', port: Number(process.env.BENCH_PORT) }
  const host = await createHost({ engines: [luaEngine()] })
  const worker = createScriptWorker({ connection, name: process.env.BENCH_QUEUE, host, concurrency: CONCURRENCY })
  await worker.ready()
  process.send('ready')
  process.on('message', async () => {
    await worker.close()
    await host.close()
    process.exit(0)
  })
} else {
  const jobs = Number(process.argv[2] ?? 2000)
  const port = await freePort()
  const server = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], {
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  await new Promise((resolve) => server.stdout.on('data', (d) => d.toString().includes('Ready to accept') && resolve()))
  server.stdout.resume()
  const connection = { host: '127.0.0.1', port }

  const raw = await rawBullmq(connection, jobs)
  const host = await createHost({ engines: [luaEngine()] })
  const inProcess = await scriptJobs(connection, jobs, 'inproc', async (name) => {
    const w = createScriptWorker({ connection, name, host, concurrency: CONCURRENCY })
    await w.ready()
    return () => w.close()
  })
  const workerSide = await completions(connection, jobs, host)
  const scaling = []
  for (const n of [1, 2]) scaling.push(await scriptJobs(connection, jobs, `proc${n}`, (name) => workerProcesses(n, port, name)))

  await host.close()
  console.log(`raw BullMQ no-op processor, concurrency ${CONCURRENCY}: ${raw.toFixed(0)} jobs/s`)
  console.log(`@polyhost/queue, Lua 'return x + 1', same process: ${inProcess.toFixed(0)} jobs/s (${(inProcess / raw).toFixed(2)}x raw)`)
  console.log(
    `@polyhost/queue, worker side only (completions counted, no result() waits): ${workerSide.toFixed(0)} jobs/s (${(workerSide / raw).toFixed(2)}x raw)`,
  )
  console.log(
    `@polyhost/queue, 1 worker process: ${scaling[0].toFixed(0)} jobs/s; 2 worker processes: ${scaling[1].toFixed(0)} jobs/s (${(scaling[1] / scaling[0]).toFixed(2)}x)`,
  )
  server.kill()
}

async function rawBullmq(connection, jobs) {
  const queue = new Queue('raw', { connection })
  let done = 0
  let start
  const finished = new Promise((resolve) => {
    const worker = new Worker('raw', async (job) => job.data.x + 1, { connection, concurrency: CONCURRENCY, autorun: false })
    worker.on('completed', () => ++done === jobs && resolve(worker))
    start = () => worker.run()
  })
  await queue.addBulk(Array.from({ length: jobs }, (_, x) => ({ name: 'noop', data: { x } })))
  const t0 = performance.now()
  start()
  const worker = await finished
  const rate = jobs / ((performance.now() - t0) / 1000)
  await worker.close()
  await queue.close()
  return rate
}

/** Enqueues `jobs` tiny Lua jobs, then starts the workers and times until every result is in. */
async function scriptJobs(connection, jobs, name, startWorkers) {
  const queue = createScriptQueue({ connection, name, fairness: 'none' })
  const script = { language: 'lua', source: 'return x + 1' }
  const handles = await queue.enqueueMany(Array.from({ length: jobs }, (_, x) => ({ request: { script, globals: { x } } })))
  const results = handles.map((h) => h.result())
  const t0 = performance.now()
  const stop = await startWorkers(name)
  await Promise.all(results)
  const rate = jobs / ((performance.now() - t0) / 1000)
  await stop()
  await queue.close()
  return rate
}

/** Like the raw run: jobs queued first, then one worker's completions are counted. */
async function completions(connection, jobs, host) {
  const queue = createScriptQueue({ connection, name: 'completions', fairness: 'none' })
  const script = { language: 'lua', source: 'return x + 1' }
  await queue.enqueueMany(Array.from({ length: jobs }, (_, x) => ({ request: { script, globals: { x } } })))
  const w = createScriptWorker({ connection, name: 'completions', host, concurrency: CONCURRENCY })
  let done = 0
  const finished = new Promise((resolve) => w.bull.on('completed', () => ++done === jobs && resolve()))
  const t0 = performance.now()
  await w.ready()
  await finished
  const rate = jobs / ((performance.now() - t0) / 1000)
  await w.close()
  await queue.close()
  return rate
}

async function workerProcesses(n, port, name) {
  const children = Array.from({ length: n }, () =>
    fork(new URL(import.meta.url), [], { env: { ...process.env, BENCH_WORKER: '1', BENCH_PORT: String(port), BENCH_QUEUE: name } }),
  )
  await Promise.all(children.map((c) => once(c, 'message')))
  return async () => {
    const exited = children.map((c) => once(c, 'exit'))
    for (const c of children) c.send('stop')
    await Promise.all(exited)
  }
}

function freePort() {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address()
      s.close(() => resolve(port))
    })
  })
}
