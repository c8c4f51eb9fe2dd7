/**
 * `node src/redis-bullmq.mjs [--n 500] [--rounds 3]`: workload 11 of the report run
 * (workloads/redis-scripts.mjs) alone, at a chosen size, printed as Markdown: BullMQ 6.7's
 * `addStandardJob` and `moveToActive` scripts per second, in-process on @polyhost/redis
 * (`memoryStore()`, EVALSHA through `reply()`) against redis-server over loopback (ioredis
 * `EVALSHA`), same run, with the arguments BullMQ itself sent; CPU µs per call of each side.
 * Needs /usr/bin/redis-server (or $REDIS_SERVER); the workspace packages must be built.
 */
import { parseArgs } from 'node:util'
import { markdownTable } from './report.mjs'
import { measureRedisScripts } from './workloads/redis-scripts.mjs'

const { values } = parseArgs({ options: { n: { type: 'string', default: '500' }, rounds: { type: 'string', default: '3' } } })
const r = await measureRedisScripts({ n: Number(values.n), rounds: Number(values.rounds) })
const failed = r.rows.find((m) => m.status !== 'ok')
if (failed) {
  console.error(`${failed.name}: ${failed.status} (${failed.note})`)
  process.exitCode = 1
} else {
  console.log(`${r.title}\n\n${markdownTable(r.table.header, r.table.rows)}\n`)
  for (const n of r.notes) console.log(`- ${n}`)
}
