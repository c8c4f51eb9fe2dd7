import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createRedisScripting, memoryStore, type RedisScripting } from '../src/index.js'
import { rawReply, toResp } from './raw-resp.js'
import { hasRedisServer, type RealRedis, startRedis } from './real-redis.js'

// FUNCTION LIST as redis-server writes it on the wire: each function's flags are status
// replies (addReplyStatus), its other fields bulk strings; ioredis reads both as strings.
// One library of one function: Redis lists both in its hash tables' order.

const LIB = `#!lua name=flagged
redis.register_function{function_name='ro', callback=function() return 1 end, description='d', flags={'no-writes', 'allow-stale', 'no-cluster', 'allow-oom', 'allow-cross-slot-keys'}}`

describe.skipIf(!hasRedisServer)('FUNCTION LIST, as redis-server writes it', () => {
  let real: RealRedis
  let redis: RedisScripting
  beforeAll(async () => {
    real = await startRedis()
    redis = await createRedisScripting({ store: memoryStore() })
  }, 60_000)
  afterAll(async () => {
    await redis?.close()
    await real?.stop()
  })

  it('writes flags as status replies', async () => {
    for (const argv of [
      ['FUNCTION', 'LOAD', LIB],
      ['FUNCTION', 'LIST'],
      ['FUNCTION', 'LIST', 'WITHCODE', 'LIBRARYNAME', 'flag*'],
    ]) {
      expect(toResp(await redis.reply(argv)), argv.join(' ')).toBe(await rawReply(real.port, argv))
    }
  })
})
