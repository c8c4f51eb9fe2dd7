import { afterEach, describe, expect, it } from 'vitest'
import { createRedisScripting, memoryStore, type RedisScripting } from '../src/index.js'

const OOM = "OOM command not allowed when used memory > 'maxmemory'."
const MB = 1024 * 1024

/**
 * An offset near 512 MB asks for a 512 MB string from a few bytes of arguments; the store's
 * check of its count before each command cannot bound that, so the growth is admitted
 * against `maxBytes` before it is allocated (keyspace.ts `admit`).
 */
describe('writes at large offsets and the store memory bound', () => {
  let redis: RedisScripting | undefined
  afterEach(async () => {
    await redis?.close()
    redis = undefined
  })

  it('refuses a 512 MB SETRANGE past maxBytes with the OOM error, from scripts and commands, allocating nothing', async () => {
    redis = await createRedisScripting({ store: memoryStore({ maxBytes: 8 * MB }), limits: { timeoutMs: 20_000 } })
    const before = process.memoryUsage().arrayBuffers
    await expect(redis.command(['SETRANGE', 'k', 536870911, 'a'])).rejects.toThrow(OOM)
    await expect(redis.command(['EVAL', "return redis.pcall('SETRANGE', KEYS[1], 536870911, 'a')", '1', 'k'])).rejects.toThrow(OOM)
    expect(await redis.command(['EXISTS', 'k'])).toBe(0)
    expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(64 * MB)
    // within the bound it works
    expect(await redis.command(['SETRANGE', 'k', 999_999, 'a'])).toBe(1_000_000)
  })
})
