import { existsSync } from 'node:fs'
import { createRequire } from 'node:module'
import { failed, summarize, unavailable } from '../harness.mjs'
import { timeRatio } from '../ratios.mjs'
import { recordBullmq, SCRIPTS } from '../redis-bullmq-record.mjs'
import { REDIS_SERVER, startRedis } from './queue-drain.mjs'

const GOAL = 0.5
const WARMUP_ROUNDS = 2

/**
 * Workload 11: BullMQ's `addStandardJob` and `moveToActive` scripts per second on
 * @polyhost/redis in this process (`memoryStore()`, EVALSHA through `reply()`) against
 * redis-server over loopback (ioredis EVALSHA), in the same run with the arguments BullMQ
 * itself sent. Rows are wall-clock time per call (the rate column is calls/s), plus CPU time
 * per call of each side. Starts its own redis-server on a free loopback port; without one
 * the rows are "not available".
 *
 * @param {import('../workloads.mjs').WorkloadContext} ctx
 * @returns {Promise<import('../workloads.mjs').WorkloadResult>}
 */
export function redisScripts(ctx) {
  return measureRedisScripts(ctx.quick ? { n: 100, rounds: 2 } : { n: 500, rounds: 9 })
}

/**
 * The workload with a chosen size (also `node src/redis-bullmq.mjs`): each of `rounds`
 * rounds, after two warm-up rounds, replays `n` calls of each script on both sides.
 *
 * @param {{ n: number, rounds: number }} size
 * @returns {Promise<import('../workloads.mjs').WorkloadResult>}
 */
export async function measureRedisScripts({ n, rounds }) {
  const paths = (make) =>
    Object.fromEntries(SCRIPTS.map((s) => [s, Object.fromEntries(Object.entries(pathSpecs(s)).map(([k, spec]) => [k, make(spec, s, k)]))]))
  if (!existsSync(REDIS_SERVER)) {
    const note = `no redis-server at ${REDIS_SERVER} (Debian: apt-get install redis-server)`
    return result(
      paths((spec) => unavailable(spec, note)),
      { n, rounds },
    )
  }
  let run
  try {
    run = await replay(n, rounds)
  } catch (e) {
    return result(
      paths((spec) => failed(spec, e)),
      { n, rounds },
    )
  }
  const measured = paths((spec, s, k) => {
    const list = series(run, s)[k]
    return { ...spec, status: 'ok', ...summarize(list), samples: list.length }
  })
  return result(measured, { n, rounds, run })
}

// --- internal ---

/** Row names, kinds and (for wall-clock rows) calls per measured unit, for the rate column. */
function pathSpecs(script) {
  const spec = (name, kind, opsPerUnit) => ({ name, kind, language: 'lua', opsPerUnit })
  return {
    polyhost: spec(`@polyhost/redis in-process (memoryStore): ${script}`, 'polyhost', 1),
    server: spec(`redis-server over loopback (ioredis): ${script}`, 'peer', 1),
    polyhostCpu: spec(`@polyhost/redis in-process: ${script}, CPU of this process`, 'polyhost'),
    serverCpu: spec(`redis-server over loopback: ${script}, CPU of redis-server + ioredis`, 'peer'),
  }
}

/**
 * Records BullMQ's calls against a fresh redis-server, checks that both sides answer them
 * alike, then times `rounds` interleaved rounds (after two warm-up rounds). Samples are
 * milliseconds per call: `wall` and `cpu` (this process) for both sides, `serverCpu`
 * (redis-server's own `usec_per_call`) for the server side.
 */
async function replay(n, rounds) {
  const [{ createRedisScripting, memoryStore }, { Redis }] = await Promise.all([import('@polyhost/redis'), import('ioredis')])
  const server = await startRedis()
  let redis
  let client
  try {
    const recorded = await recordBullmq(server.port)
    redis = await createRedisScripting({ store: memoryStore() })
    client = new Redis({ port: server.port, host: '127.0.0.1' })
    const sides = {
      polyhost: { send: (argv) => redis.reply(argv), reset: () => redis.command(['FLUSHALL']) },
      server: { send: (argv) => client.callBuffer(...argv), reset: () => client.flushall() },
    }
    for (const side of Object.values(sides)) for (const s of SCRIPTS) await side.send(['SCRIPT', 'LOAD', recorded[s].source])
    await checkSameReplies(sides, recorded)
    const samples = { polyhost: {}, server: {} }
    for (const side of Object.keys(samples)) for (const s of SCRIPTS) samples[side][s] = { wall: [], cpu: [], serverCpu: [] }
    // rounds below 0 warm up V8 (fengari's interpreter, ioredis) and are not kept: in-process
    // rounds of 500 calls took ~2,100, 510, 360, then 250 µs a call in a loop of their own
    for (let round = -WARMUP_ROUNDS; round < rounds; round++) {
      for (const name of round % 2 === 0 ? ['polyhost', 'server'] : ['server', 'polyhost']) {
        // no forced gc() here: one before each side left the in-process calls 3–5× slower for
        // the whole round, the time spread over every function of the profile
        await sides[name].reset()
        for (const s of SCRIPTS) {
          if (name === 'server') await client.call('CONFIG', 'RESETSTAT')
          const c0 = process.cpuUsage()
          const t0 = performance.now()
          for (let i = 0; i < n; i++) await sides[name].send(recorded[s].argv)
          const wall = (performance.now() - t0) / n
          const c = process.cpuUsage(c0)
          if (round < 0) continue
          samples[name][s].wall.push(wall)
          samples[name][s].cpu.push((c.user + c.system) / 1000 / n)
          if (name === 'server') samples[name][s].serverCpu.push((await serverUsecPerCall(client)) / 1000)
        }
      }
    }
    const version = /redis_version:(\S+)/.exec(await client.call('INFO', 'server'))?.[1] ?? 'unknown'
    return { samples, versions: { redis: version, bullmq: createRequire(import.meta.url)('bullmq/package.json').version } }
  } finally {
    client?.disconnect()
    await redis?.close()
    server.process.kill()
  }
}

/** The first reply of each script on both sides, after a FLUSHALL; throws when they differ. */
async function checkSameReplies(sides, recorded) {
  for (const side of Object.values(sides)) await side.reset()
  for (const s of SCRIPTS) {
    const [a, b] = [await sides.polyhost.send(recorded[s].argv), await sides.server.send(recorded[s].argv)]
    const show = (x) => JSON.stringify(x, (_k, v) => (v?.type === 'Buffer' ? Buffer.from(v.data).toString('latin1') : v))
    // moveToActive's reply carries the job's processedOn time, which differs between sides
    const strip = (x) => show(x).replace(/"processedOn","\d+"/g, '"processedOn","T"')
    if (strip(a) !== strip(b)) throw new Error(`${s}: replies differ; polyhost: ${show(a)}; redis-server: ${show(b)}`)
  }
}

/** redis-server's own CPU µs per EVALSHA since the last CONFIG RESETSTAT. */
async function serverUsecPerCall(client) {
  const info = await client.call('INFO', 'commandstats')
  const m = /cmdstat_evalsha:.*usec_per_call=([\d.]+)/.exec(info)
  return m ? Number(m[1]) : Number.NaN
}

/**
 * The workload's result from its paths per script (measured, not available or failed).
 * @param {Record<string, Record<string, import('../harness.mjs').Measurement>>} paths
 * @param {{ n: number, rounds: number, run?: Awaited<ReturnType<typeof replay>> }} info
 * @returns {import('../workloads.mjs').WorkloadResult}
 */
function result(paths, { n, rounds, run }) {
  const ratios = SCRIPTS.flatMap((s) => [
    timeRatio({
      label: `BullMQ ${s} calls/s: @polyhost/redis in-process ÷ redis-server over loopback`,
      language: 'lua',
      a: paths[s].server,
      b: paths[s].polyhost,
      goal: { min: GOAL },
    }),
    timeRatio({
      label: `BullMQ ${s} CPU per call: (redis-server + ioredis) ÷ in-process`,
      language: 'lua',
      a: paths[s].serverCpu,
      b: paths[s].polyhostCpu,
      goal: {},
    }),
  ])
  return {
    id: 11,
    title: 'BullMQ scripts on `@polyhost/redis` in-process vs redis-server over loopback',
    unit: 'per call, wall-clock (the rate column is calls/s); CPU rows: CPU time per call',
    rows: [
      ...SCRIPTS.flatMap((s) => [paths[s].polyhost, paths[s].server]),
      ...SCRIPTS.flatMap((s) => [paths[s].polyhostCpu, paths[s].serverCpu]),
    ],
    ratios,
    notes: notes(n, rounds, run),
    ...(run ? { table: summaryTable(run) } : {}),
  }
}

/** Medians per script in µs and calls/s, with redis-server's CPU apart from the client's. */
function summaryTable(run) {
  const us = (ms) => (ms * 1000).toFixed(0)
  return {
    header: [
      'script',
      'in-process calls/s',
      'redis-server calls/s',
      'rate: in-process ÷ redis-server',
      'CPU µs per call: in-process',
      'redis-server (usec_per_call)',
      'ioredis (this process)',
      'CPU: (redis-server + ioredis) ÷ in-process',
    ],
    rows: SCRIPTS.map((s) => {
      const m = medians(run, s)
      return [
        s,
        (1000 / m.polyhost).toFixed(0),
        (1000 / m.server).toFixed(0),
        `${(m.server / m.polyhost).toFixed(2)}×`,
        us(m.polyhostCpu),
        us(m.redisServer),
        us(m.ioredis),
        `${(m.serverCpu / m.polyhostCpu).toFixed(2)}×`,
      ]
    }),
  }
}

function notes(n, rounds, run) {
  const v = run?.versions
  const list = [
    `BullMQ${v ? ` ${v.bullmq}` : ''}'s own calls: a Queue.add and a Worker's getNextJob run against the redis-server started for this workload while every EVALSHA they send is recorded. Each round replays, on each side after a FLUSHALL, ${n} addStandardJob calls and then ${n} moveToActive calls (each takes a job an add left), one call in flight at a time as a worker awaits its moveToActive; the side that goes first alternates, ${rounds} rounds after ${WARMUP_ROUNDS} warm-up rounds. The first reply of each script is checked equal on both sides (moveToActive's processedOn time aside) before anything is timed.`,
    `In-process: \`createRedisScripting({ store: memoryStore() })\` and \`reply(['EVALSHA', ...])\` in this process, no socket, the script in fengari (Lua in JavaScript) on Polyhost's Lua engine; redis-server${v ? ` ${v.redis}` : ''}: ioredis \`callBuffer('EVALSHA', ...)\` over 127.0.0.1, the script in redis-server's native Lua 5.1.`,
    `Ratios are in-process calls/s ÷ redis-server calls/s, that is redis-server's wall time per call ÷ the in-process one (the "from" column gives the two times in that order): 1× is parity, above 1× the in-process side is faster; the goal is ≥ ${GOAL}×.`,
    "CPU rows: in-process, this process's CPU time (process.cpuUsage) over the loop; redis-server, its own CPU per EVALSHA (usec_per_call of INFO commandstats: the script's execution, not reading and writing the socket) plus this process's CPU over the loopback loop (ioredis). The CPU ratio, (redis-server + ioredis) ÷ in-process, is the rate ratio a CPU-bound run would show without kernel and scheduling costs; on a loaded machine, wall-clock rates also reflect how the scheduler treats a busy process against a server answering short requests.",
  ]
  if (run) {
    const us = (ms) => `${(ms * 1000).toFixed(0)} µs`
    const parts = SCRIPTS.map((s) => {
      const m = medians(run, s)
      return `${s}: in-process ${us(m.polyhostCpu)} CPU of ${us(m.polyhost)} wall; redis-server ${us(m.redisServer)} and ioredis ${us(m.ioredis)} CPU of a ${us(m.server)} round trip, so ≥ ${GOAL}× needs the in-process call within ${us(m.server / GOAL)}`
    })
    list.push(
      `What bounds the in-process rate: this process's CPU, with no round trip to wait for; it runs the script in fengari (Lua in JavaScript) and its redis.call commands on memoryStore, where redis-server runs the script in native Lua 5.1 (${parts.join('; ')}). Per-operation costs and profiles: packages/redis/README.md (Performance).`,
    )
  }
  return list
}

/**
 * One script's samples (ms per call) under the names of its paths, plus the two parts of the
 * loopback side's CPU: redis-server's own and ioredis's in this process.
 */
function series({ samples }, s) {
  const [p, r] = [samples.polyhost[s], samples.server[s]]
  const serverCpu = r.cpu.map((c, i) => c + r.serverCpu[i])
  return { polyhost: p.wall, server: r.wall, polyhostCpu: p.cpu, serverCpu, redisServer: r.serverCpu, ioredis: r.cpu }
}

/** The medians of `series`. */
function medians(run, s) {
  return Object.fromEntries(Object.entries(series(run, s)).map(([k, xs]) => [k, summarize(xs).median]))
}
