import { fork } from 'node:child_process'
import { once } from 'node:events'
import { existsSync } from 'node:fs'
import { measureManual, unavailable } from '../harness.mjs'
import { timeRatio } from '../ratios.mjs'
import { cpuMeter, queueDependencies, REDIS_SERVER, startRedis, timeCompletions } from './queue-drain.mjs'

const CONCURRENCY = 8
const CHILD = new URL('../children/queue-worker-child.mjs', import.meta.url)

/**
 * Workload 9: script executions as BullMQ jobs (@polyhost/queue). Jobs per second of a tiny
 * Lua script through the queue against a raw BullMQ processor doing the same arithmetic,
 * on the same redis-server and at the same worker concurrency; then 1 against 2 worker
 * processes. Each sample queues N jobs first and times from the worker's start to its Nth
 * completion, so both sides measure the worker path alone (enqueueing is not timed). A
 * further row also waits for every `job.result()` on the producer. Rows are wall-clock
 * time per job. Starts its own redis-server on a free loopback port; without one the rows
 * are "not available".
 *
 * @param {import('../workloads.mjs').WorkloadContext} ctx
 * @returns {Promise<import('../workloads.mjs').WorkloadResult>}
 */
export async function queueJobs(ctx) {
  const jobs = ctx.quick ? 200 : 2000
  const rounds = ctx.quick ? 1 : 5
  const names = {
    raw: `raw BullMQ processor, ${jobs} jobs`,
    inproc: `@polyhost/queue, Lua 'return x + 1', ${jobs} jobs`,
    results: `@polyhost/queue, ${jobs} jobs, producer awaits every result()`,
    one: `@polyhost/queue, 1 worker process, ${jobs} jobs`,
    two: `@polyhost/queue, 2 worker processes, ${jobs} jobs`,
  }
  const specs = Object.fromEntries(
    Object.entries(names).map(([k, name]) => [k, { name, kind: k === 'raw' ? 'raw' : 'polyhost', language: 'lua' }]),
  )
  if (!existsSync(REDIS_SERVER)) {
    const note = `no redis-server at ${REDIS_SERVER} (Debian: apt-get install redis-server)`
    return result(
      Object.values(specs).map((s) => unavailable(s, note)),
      jobs,
      [],
    )
  }
  const server = await startRedis()
  // the raw side uses the BullMQ and ioredis the queue package uses
  const [{ Queue, Worker, Redis }, { createHost }, { luaEngine }, q] = await Promise.all([
    queueDependencies(),
    import('@polyhost/core'),
    import('@polyhost/engine-lua'),
    import('@polyhost/queue'),
  ])
  const connection = { host: '127.0.0.1', port: server.port }
  const host = await createHost({ engines: [luaEngine()] })
  const stats = new Redis(connection)
  let n = 0
  const fresh = (what) => `${what}-${n++}`
  try {
    // both sides construct their worker when the clock starts (connecting is part of the sample)
    const raw = async () => {
      const name = fresh('raw')
      const queue = new Queue(name, { connection })
      await queue.addBulk(Array.from({ length: jobs }, (_, x) => ({ name: 'add', data: { x } })))
      let worker
      const cpu = cpuMeter(server.process.pid)
      const calls = await scriptCalls(stats)
      const ms = await timeCompletions(jobs, () => {
        worker = new Worker(name, async (job) => job.data.x + 1, { connection, concurrency: CONCURRENCY })
        return worker
      })
      cpuPerJob.raw.push(total(cpu()) / jobs)
      tripsPerJob.raw.push(((await scriptCalls(stats)) - calls) / jobs)
      await worker.close()
      await queue.close()
      return ms / jobs
    }
    const scripted = (awaitResults) => async () => {
      const name = fresh('queue')
      const queue = q.createScriptQueue({ connection, name, fairness: 'none' })
      const handles = await enqueueTiny(queue, jobs)
      const results = awaitResults ? handles.map((h) => h.result()) : []
      let worker
      const start = () => {
        worker = q.createScriptWorker({ connection, name, host, concurrency: CONCURRENCY })
        return worker.bull
      }
      let ms
      const cpu = cpuMeter(server.process.pid)
      const calls = await scriptCalls(stats)
      if (awaitResults) {
        const t0 = performance.now()
        start()
        await Promise.all(results)
        ms = performance.now() - t0
      } else {
        ms = await timeCompletions(jobs, start)
        cpuPerJob.inproc.push(total(cpu()) / jobs)
        tripsPerJob.inproc.push(((await scriptCalls(stats)) - calls) / jobs)
      }
      await worker.close()
      await queue.close()
      return ms / jobs
    }
    const processes = (count) => async () => {
      const name = fresh(`proc${count}`)
      const queue = q.createScriptQueue({ connection, name, fairness: 'none' })
      await enqueueTiny(queue, jobs)
      const children = Array.from({ length: count }, () =>
        fork(CHILD, [], {
          env: { ...process.env, BENCH_PORT: String(server.port), BENCH_QUEUE: name, BENCH_CONCURRENCY: String(CONCURRENCY) },
        }),
      )
      // the children load and connect before the clock starts; jobs they take meanwhile count
      await Promise.all(children.map((c) => once(c, 'message')))
      const before = (await queue.stats()).completed
      const t0 = performance.now()
      while ((await queue.stats()).completed < jobs) await new Promise((r) => setTimeout(r, 5))
      const ms = performance.now() - t0
      const exited = children.map((c) => once(c, 'exit'))
      for (const c of children) c.send('stop')
      await Promise.all(exited)
      await queue.close()
      return ms / (jobs - before)
    }
    const samples = { raw: [], inproc: [], results: [], one: [], two: [] }
    const cpuPerJob = { raw: [], inproc: [] }
    const tripsPerJob = { raw: [], inproc: [] }
    const runs = { raw, inproc: scripted(false), results: scripted(true), one: processes(1), two: processes(2) }
    // warm-up: JIT, the compile cache, redis-server's script cache
    await raw()
    await runs.inproc()
    cpuPerJob.raw.length = 0
    cpuPerJob.inproc.length = 0
    tripsPerJob.raw.length = 0
    tripsPerJob.inproc.length = 0
    for (let r = 0; r < rounds; r++) {
      const order = r % 2 === 0 ? Object.keys(runs) : Object.keys(runs).reverse()
      for (const k of order) samples[k].push(await runs[k]())
    }
    const rows = []
    for (const [k, list] of Object.entries(samples)) {
      let i = 0
      rows.push(await measureManual(specs[k], async () => list[i++], list.length, false))
    }
    const by = Object.fromEntries(Object.keys(samples).map((k, i) => [k, rows[i]]))
    const cpuRows = {}
    for (const k of ['raw', 'inproc']) {
      let i = 0
      const spec = { ...specs[k], name: `${specs[k].name}: CPU of this process + redis-server` }
      cpuRows[k] = await measureManual(spec, async () => cpuPerJob[k][i++], cpuPerJob[k].length, false)
      rows.push(cpuRows[k])
    }
    const ratios = [
      timeRatio({
        label: 'Queue jobs/s vs raw BullMQ (same Redis, concurrency 8)',
        language: 'lua',
        a: by.raw,
        b: by.inproc,
        goal: { min: 0.8 },
      }),
      timeRatio({
        label: 'Queue vs raw BullMQ, CPU per job (node + redis-server)',
        language: 'lua',
        a: cpuRows.raw,
        b: cpuRows.inproc,
        goal: {},
      }),
      timeRatio({ label: 'Queue jobs/s with result() awaited vs raw BullMQ', language: 'lua', a: by.raw, b: by.results, goal: {} }),
      timeRatio({ label: 'Queue jobs/s, 2 worker processes vs 1', language: 'lua', a: by.one, b: by.two, goal: {} }),
    ]
    return result(rows, jobs, ratios, { raw: median(tripsPerJob.raw), queue: median(tripsPerJob.inproc) })
  } finally {
    stats.disconnect()
    await host.close()
    server.process.kill()
  }
}

// --- internal ---

function result(rows, jobs, ratios, trips) {
  return {
    id: 9,
    title: 'Script executions as BullMQ jobs (`@polyhost/queue`)',
    unit: 'per job, wall-clock (jobs/s = 1000 / ms)',
    rows,
    ratios,
    notes: [
      `Each sample queues ${jobs} jobs, then times a worker (concurrency ${CONCURRENCY}) from its start to its last completion; jobs/s = 1000 / (ms per job). Ratios above 1× mean the queue is faster.`,
      'The raw processor returns `job.data.x + 1`; the queue runs the Lua script `return x + 1` with `x` as a global, through host.execute, storing the value, logs and stats; a worker learns of cancels from the job data BullMQ fetches and a pub/sub channel, without a Redis call of its own per job.',
      ...(trips
        ? [
            `Redis scripts run per job (EVALSHA calls in redis-server's INFO commandstats, each a round trip; BullMQ's moveToFinished also fetches the next job): raw ${trips.raw.toFixed(2)}, queue ${trips.queue.toFixed(2)}.`,
          ]
        : []),
      "The CPU rows add this process's CPU time (process.cpuUsage) and redis-server's (/proc/PID/stat) over a sample, per job: on a machine shared with other loads, wall-clock time also counts waiting for a core, CPU time does not.",
      'Worker processes each hold their own host; on a machine with 2 cores shared with redis-server and the producer, 2 processes can gain less than 2×.',
    ],
  }
}

function enqueueTiny(queue, jobs) {
  const script = { language: 'lua', source: 'return x + 1' }
  return queue.enqueueMany(Array.from({ length: jobs }, (_, x) => ({ request: { script, globals: { x } } })))
}

/** EVALSHA calls redis-server has run so far (INFO commandstats). */
async function scriptCalls(redis) {
  const m = /cmdstat_evalsha:calls=(\d+)/.exec(await redis.info('commandstats'))
  return m ? Number(m[1]) : 0
}

function median(list) {
  const s = [...list].sort((a, b) => a - b)
  return s.length === 0 ? Number.NaN : s[Math.floor(s.length / 2)]
}

/** CPU milliseconds of this process and redis-server together. */
function total(cpu) {
  return cpu.node + cpu.server
}
