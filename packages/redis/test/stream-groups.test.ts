import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createRedisScripting, memoryStore, type RedisScripting } from '../src/index.js'
import { STREAM_GROUP_CASES } from './corpus/stream-groups.js'
import { type Normal, onPolyhost, onReal } from './differential.js'
import { hasRedisServer, type RealRedis, startRedis } from './real-redis.js'

describe.skipIf(!hasRedisServer)('stream consumer groups, against redis-server 7.0', () => {
  let real: RealRedis
  let redis: RedisScripting

  beforeAll(async () => {
    real = await startRedis()
    redis = await createRedisScripting({ store: memoryStore(), limits: { timeoutMs: 10_000 } })
  })

  afterAll(async () => {
    await redis?.close()
    await real?.stop()
  })

  for (const c of STREAM_GROUP_CASES) {
    it(c.name, async () => {
      await real.client.call('FLUSHALL')
      await redis.command(['FLUSHALL'])
      const differences: string[] = []
      // step by step on both sides, so that idle times compare within a few milliseconds
      for (const [i, argv] of c.run.entries()) {
        const fix = c.summaries?.[i] ?? ((x: Normal) => x)
        const want = JSON.stringify(fix(await onReal(real.client, argv)))
        const got = JSON.stringify(fix(await onPolyhost(redis, argv)))
        if (want !== got) differences.push(`${JSON.stringify(argv)}\n   redis-server: ${want}\n   polyhost:     ${got}`)
      }
      expect(differences.join('\n')).toBe('')
    })
  }
})
