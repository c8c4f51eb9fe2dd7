/**
 * `node src/redis-bullmq.mjs [--n 500] [--rounds 3]`: BullMQ 6.7's `addStandardJob` and
 * `moveToActive` scripts per second, in-process on @polyhost/redis (`memoryStore()`,
 * `command(['EVALSHA', ...])`) against redis-server over loopback (ioredis `EVALSHA`), same
 * run, same arguments.
 *
 * The arguments are BullMQ's own: a Queue adds a job and a Worker takes one against a
 * redis-server started here while every EVALSHA the client sends is recorded; each timed
 * round then replays N adds followed by N moves (each move takes the job an add left) on
 * both sides, interleaved (polyhost, server, then server, polyhost ...). The first replies
 * of both sides must be equal before anything is timed. Also reported: CPU µs per call on
 * each side (this process's CPU time; the server's own `usec_per_call`), which a loaded
 * machine distorts less than wall-clock rates. Needs /usr/bin/redis-server (or
 * $REDIS_SERVER); the workspace packages must be built.
 */
import { createRedisScripting, memoryStore } from '@polyhost/redis'
import { Redis } from 'ioredis'
import { recordBullmq, SCRIPTS } from './redis-bullmq-record.mjs'
import { startRedis } from './workloads/queue-drain.mjs'

const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`)
  return i < 0 ? fallback : Number(process.argv[i + 1])
}
const N = arg('n', 500)
const ROUNDS = arg('rounds', 3)

const server = await startRedis()
try {
  const recorded = await recordBullmq(server.port)
  const rates = { polyhost: {}, server: {} }
  const cpu = { polyhost: {}, server: {} }
  for (const s of SCRIPTS) for (const side of Object.keys(rates)) [rates[side][s], cpu[side][s]] = [[], []]
  const redis = await createRedisScripting({ store: memoryStore() })
  const client = new Redis({ port: server.port, host: '127.0.0.1' })
  const sides = {
    polyhost: { send: (argv) => redis.reply(argv), reset: () => redis.command(['FLUSHALL']) },
    server: { send: (argv) => client.callBuffer(...argv), reset: () => client.flushall() },
  }
  for (const side of Object.values(sides)) for (const s of SCRIPTS) await side.send(['SCRIPT', 'LOAD', recorded[s].source])
  await checkSameReplies(sides, recorded)
  for (let round = 0; round < ROUNDS; round++) {
    const order = round % 2 === 0 ? ['polyhost', 'server'] : ['server', 'polyhost']
    for (const name of order) {
      await sides[name].reset()
      for (const s of SCRIPTS) {
        if (name === 'server') await client.call('CONFIG', 'RESETSTAT')
        const c0 = process.cpuUsage()
        const t0 = performance.now()
        for (let i = 0; i < N; i++) await sides[name].send(recorded[s].argv)
        rates[name][s].push(N / ((performance.now() - t0) / 1000))
        const c = process.cpuUsage(c0)
        const own = (c.user + c.system) / N
        cpu[name][s].push(name === 'server' ? { server: await serverUsecPerCall(client), client: own } : own)
      }
    }
  }
  console.log(`BullMQ ${SCRIPTS.join(', ')}: ${N} calls each, ${ROUNDS} rounds (median of rounds)\n`)
  console.log(
    '| script | @polyhost/redis in-process | redis-server loopback (ioredis) | ratio | CPU µs per call: polyhost / redis-server + ioredis | CPU ratio |',
  )
  console.log('|---|---|---|---|---|---|')
  for (const s of SCRIPTS) {
    const p = median(rates.polyhost[s])
    const r = median(rates.server[s])
    const cp = median(cpu.polyhost[s])
    const [cs, cc] = [median(cpu.server[s].map((x) => x.server)), median(cpu.server[s].map((x) => x.client))]
    console.log(
      `| ${s} | ${Math.round(p)}/s | ${Math.round(r)}/s | ${((100 * p) / r).toFixed(0)} % | ${Math.round(cp)} / ${Math.round(cs)} + ${Math.round(cc)} | ${((100 * (cs + cc)) / cp).toFixed(0)} % |`,
    )
  }
  console.log("\nCPU µs: this process during the in-process loop; the server's own `usec_per_call` (INFO")
  console.log('commandstats, script execution only) plus this process during the loopback loop (ioredis).')
  console.log('CPU ratio: (server + client CPU) / polyhost CPU, the rate ratio a CPU-bound run would show without')
  console.log('kernel and scheduling costs. On a loaded machine the wall-clock ratio also reflects scheduling:')
  console.log('a CPU-bound process is starved more than a server answering short requests.')
  client.disconnect()
  await redis.close()
} finally {
  server.process.kill()
}

// --- internal ---

async function checkSameReplies(sides, recorded) {
  for (const side of Object.values(sides)) await side.reset()
  for (const s of SCRIPTS) {
    const [a, b] = [await sides.polyhost.send(recorded[s].argv), await sides.server.send(recorded[s].argv)]
    const show = (x) => JSON.stringify(x, (_k, v) => (v?.type === 'Buffer' ? Buffer.from(v.data).toString('latin1') : v))
    // moveToActive's reply carries the job's processedOn time, which differs between sides
    const strip = (x) => show(x).replace(/"processedOn","\d+"/g, '"processedOn","T"')
    if (strip(a) !== strip(b)) throw new Error(`${s}: replies differ\n polyhost: ${show(a)}\n server:   ${show(b)}`)
  }
}

/** redis-server's own CPU time per EVALSHA since the last CONFIG RESETSTAT. */
async function serverUsecPerCall(client) {
  const info = await client.call('INFO', 'commandstats')
  const m = /cmdstat_evalsha:.*usec_per_call=([\d.]+)/.exec(info)
  return m ? Number(m[1]) : Number.NaN
}

function median(xs) {
  const s = [...xs].sort((a, b) => a - b)
  return s[Math.floor(s.length / 2)]
}
