import { afterEach, describe, expect, it } from 'vitest'
import { createRedisScripting, memoryStore, type RedisScripting } from '../src/index.js'

/**
 * Each GET of a SORT adds one reply element per sorted element: a few bytes of arguments
 * multiply a collection, so a script could make the host build an array of any length (Redis
 * builds it in its own process). The store answers an explicit error past 2^22 elements.
 */
describe('SORT reply bound', () => {
  let redis: RedisScripting | undefined
  afterEach(async () => {
    await redis?.close()
    redis = undefined
  })

  it('refuses a SORT whose GETs would answer more than 2^22 elements, from a script, and still answers one under it', async () => {
    redis = await createRedisScripting({ store: memoryStore(), limits: { timeoutMs: 60_000 } })
    await redis.command(['EVAL', "for i = 1, 20000 do redis.call('RPUSH', KEYS[1], i) end return 1", '1', 'l'])
    const src =
      "local a = {KEYS[1], 'BY', 'nosort'} for i = 1, 300 do a[#a + 1] = 'GET' a[#a + 1] = '#' end " +
      "local r = redis.pcall('SORT', unpack(a)) return type(r) == 'table' and (r.err or #r) or r"
    const before = process.memoryUsage().heapUsed
    expect(await redis.command(['EVAL', src, '1', 'l'])).toBe(
      "ERR SORT would answer 6000000 elements, more than this store's limit of 4194304",
    )
    expect(process.memoryUsage().heapUsed - before).toBeLessThan(256 * 1024 * 1024)
    expect(await redis.command(['SORT', 'l', 'BY', 'nosort', 'LIMIT', 0, 10000, 'GET', '#', 'GET', '#'])).toHaveLength(20000)
    await expect(
      redis.command(['SORT', 'l', 'BY', 'nosort', 'GET', '#', 'GET', '#', 'STORE', 'd', ...Array(300).fill(['GET', '#']).flat()]),
    ).rejects.toThrow('more than this store')
    expect(await redis.command(['EXISTS', 'd'])).toBe(0)
  })
})
