import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createRedisScripting, memoryStore, type RedisScripting } from '../src/index.js'
import { rawReply, toResp } from './raw-resp.js'
import { hasRedisServer, type RealRedis, startRedis } from './real-redis.js'

/**
 * Replies nested as deep as Redis's Lua stack lets luaReplyToRedisReply go (arrays, maps, sets,
 * a scalar at the bottom, FCALL's reply), compared as raw RESP with redis-server's in the same
 * run: ioredis cannot parse 8,000 nested arrays.
 */

const SCRIPTS = [
  'local t = {} t[1] = t return t',
  'local t = {} t.map = {x = t} return t',
  'redis.setresp(3) local t = {} t.map = {x = t} return t',
  'local t = {} t.map = {} t.map[t] = 1 return t',
  'local t = {} t.set = {} t.set[t] = true return t',
  // a string as deep as the stack allows, and one level past it
  "local t = {'a'} for i = 1, 7993 do t = {t} end return t",
  "local t = {'a'} for i = 1, 7994 do t = {t} end return t",
  'local t = {7} for i = 1, 7994 do t = {t} end return t',
  'local t = {} for i = 1, 20000 do t = {t} end return t',
  // 10^5 levels built under the default 64 MiB: the conversion's own frames must leave room
  'local t = {} for i = 1, 1e5 do t = {t} end return t',
  "local t = {} for i = 1, 3000 do t = {1, 'x', {map = {k = t}}} end return t",
  'local t = {} t[1] = {err = t} return t',
  'local t = {} t[1] = {ok = t, 5} return t',
  // a deep or cyclic table as a command's argument
  "local t = {} for i = 1, 20000 do t = {t} end return redis.pcall('SET', 'k', t)",
  "local t = {} t[1] = t return {pcall(redis.call, 'SET', 'k', t)}",
]

describe.skipIf(!hasRedisServer)("a reply nested past Redis's Lua stack, as redis-server's raw reply", () => {
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

  it.each(SCRIPTS)(
    '%s',
    async (src) => {
      const argv = ['EVAL', src, '0']
      expect(toResp(await redis.reply(argv))).toBe(await rawReply(real.port, argv))
    },
    120_000,
  )

  it('FCALL of a function returning a cyclic table', async () => {
    const lib = "#!lua name=deep\nredis.register_function('cyc', function() local t = {} t[1] = t return t end)"
    for (const argv of [
      ['FUNCTION', 'LOAD', lib],
      ['FCALL', 'cyc', '0'],
    ]) {
      expect(toResp(await redis.reply(argv))).toBe(await rawReply(real.port, argv))
    }
  }, 120_000)
})
