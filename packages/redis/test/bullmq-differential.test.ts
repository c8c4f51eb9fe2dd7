import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createRedisScripting, memoryStore } from '../src/index.js'
import { type Recording, recordBullmq } from './bullmq/record.js'
import { replay } from './bullmq/replay.js'
import { hasRedisServer, type RealRedis, startRedis } from './real-redis.js'

const FIXTURE = new URL('./bullmq/recording.json', import.meta.url)
const BULLMQ_VERSION = (createRequire(import.meta.url)('bullmq/package.json') as { version: string }).version

/**
 * BullMQ's own command stream (recorded with MONITOR while BullMQ runs a workload on
 * redis-server), replayed command by command on a fresh redis-server and on memoryStore():
 * every reply and the final keyspaces must be identical. The committed recording is
 * replayed, and a new one is recorded and replayed in the same run
 * (`RECORD_BULLMQ=1` rewrites the committed one).
 */
describe.skipIf(!hasRedisServer)('BullMQ record and replay: redis-server 7.0 vs @polyhost/redis', () => {
  let recorder: RealRedis
  let judge: RealRedis

  beforeAll(async () => {
    recorder = await startRedis()
    judge = await startRedis()
  })

  afterAll(async () => {
    await recorder?.stop()
    await judge?.stop()
  })

  async function check(recording: Recording, label: string): Promise<void> {
    await judge.client.flushall()
    await judge.client.script('FLUSH')
    const redis = await createRedisScripting({ store: memoryStore(), limits: { timeoutMs: 20_000 } })
    try {
      const result = await replay(recording, judge.port, redis)
      console.log(`${label}: ${result.identical}/${result.replayed} commands identical`)
      expect(result.differences.slice(0, 5)).toEqual([])
      expect(result.identical).toBe(result.replayed)
      expect(result.polyhostKeyspace).toEqual(result.serverKeyspace)
      // the middle of the workload holds queued, active and finished jobs; clean() empties most
      expect((result.serverKeyspace.middle as unknown[]).length).toBeGreaterThan(20)
      expect((result.serverKeyspace.end as unknown[]).length).toBeGreaterThan(3)
    } finally {
      await redis.close()
    }
  }

  it('a new recording replays identically', async () => {
    const recording = await recordBullmq(recorder.port, BULLMQ_VERSION)
    if (process.env.RECORD_BULLMQ === '1') writeFileSync(FIXTURE, `${JSON.stringify(recording, null, 1)}\n`)
    const names = new Set(recording.commands.map((c) => c.argv[0]?.toLowerCase()))
    for (const n of ['hello', 'info', 'client', 'evalsha', 'eval', 'multi', 'exec', 'xread', 'bzpopmin']) expect(names).toContain(n)
    await check(recording, 'new recording')
  }, 120_000)

  it.skipIf(!existsSync(FIXTURE))(
    'the committed recording replays identically',
    async () => {
      const recording = JSON.parse(readFileSync(FIXTURE, 'utf8')) as Recording
      expect(recording.bullmq).toBe(BULLMQ_VERSION)
      await check(recording, 'committed recording')
    },
    120_000,
  )
})
