/**
 * BullMQ's `addStandardJob` and `moveToActive` in-process only, for `node --cpu-prof` and
 * for comparing builds without a server in the loop:
 *
 *   node src/profile/redis-bullmq-loop.mjs [--n 500] [--rounds 5] [--argv FILE]
 *   node --cpu-prof --cpu-prof-dir=/tmp/prof src/profile/redis-bullmq-loop.mjs --n 3000 --rounds 1
 *
 * The calls are recorded from BullMQ against a redis-server first (see
 * redis-bullmq-record.mjs); `--argv FILE` keeps that recording in FILE and reuses it, so two
 * builds run the very same calls. Prints this process's CPU µs per call (user + system),
 * per round, the least and the median (the first rounds include V8's warm-up of fengari).
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { createRedisScripting, memoryStore } from '@polyhost/redis'
import { recordBullmq, SCRIPTS } from '../redis-bullmq-record.mjs'
import { startRedis } from '../workloads/queue-drain.mjs'

const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`)
  return i < 0 ? fallback : process.argv[i + 1]
}
const N = Number(arg('n', 500))
const ROUNDS = Number(arg('rounds', 5))
const file = arg('argv', undefined)

const recorded = file && existsSync(file) ? load(file) : await record(file)
const redis = await createRedisScripting({ store: memoryStore() })
for (const s of SCRIPTS) await redis.command(['SCRIPT', 'LOAD', recorded[s].source])
const cpu = Object.fromEntries(SCRIPTS.map((s) => [s, []]))
for (let round = 0; round < ROUNDS; round++) {
  await redis.command(['FLUSHALL'])
  for (const s of SCRIPTS) {
    const c0 = process.cpuUsage()
    for (let i = 0; i < N; i++) await redis.reply(recorded[s].argv)
    const c = process.cpuUsage(c0)
    cpu[s].push((c.user + c.system) / N)
  }
}
for (const s of SCRIPTS) {
  const sorted = [...cpu[s]].sort((a, b) => a - b)
  const median = sorted[Math.floor(sorted.length / 2)]
  console.log(
    `${s}: CPU µs per call min ${Math.round(sorted[0])} median ${Math.round(median)} (rounds: ${cpu[s].map(Math.round).join(' ')})`,
  )
}
await redis.close()

// --- internal ---

async function record(to) {
  const server = await startRedis()
  try {
    const recorded = await recordBullmq(server.port)
    if (to) {
      const plain = (argv) => argv.map((a) => (Buffer.isBuffer(a) ? a.toString('base64') : a))
      const json = Object.fromEntries(SCRIPTS.map((s) => [s, { source: recorded[s].source, argv: plain(recorded[s].argv) }]))
      writeFileSync(to, JSON.stringify(json))
    }
    return recorded
  } finally {
    server.process.kill()
  }
}

function load(from) {
  const json = JSON.parse(readFileSync(from, 'utf8'))
  const bytes = (argv) => argv.map((a, i) => (i < 2 ? a : Buffer.from(a, 'base64')))
  return Object.fromEntries(SCRIPTS.map((s) => [s, { source: json[s].source, argv: bytes(json[s].argv) }]))
}
