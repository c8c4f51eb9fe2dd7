import { afterEach, describe, expect, it } from 'vitest'
import { createRedisScripting, memoryStore, type RedisScripting } from '../src/index.js'

const OOM = "OOM command not allowed when used memory > 'maxmemory'."
const MB = 1024 * 1024

/**
 * A bit offset (or a SETRANGE offset) near 2^32 asks for a 512 MB string from a few bytes of
 * arguments; the store's check of its count before each command cannot bound that, so the
 * growth is admitted against `maxBytes` before it is allocated (keyspace.ts `admit`).
 */
describe('writes at large offsets and the store memory bound', () => {
  let redis: RedisScripting | undefined
  afterEach(async () => {
    await redis?.close()
    redis = undefined
  })

  it('refuses a 512 MB SETBIT, BITFIELD or SETRANGE past maxBytes with the OOM error, from scripts and commands, allocating nothing', async () => {
    redis = await createRedisScripting({ store: memoryStore({ maxBytes: 8 * MB }), limits: { timeoutMs: 20_000 } })
    const before = process.memoryUsage().arrayBuffers
    const attempts: (string | number)[][] = [
      ['SETBIT', 'k', 4294967295, 1],
      ['BITFIELD', 'k', 'SET', 'u8', '#536870911', 1],
      ['BITFIELD', 'k', 'INCRBY', 'i64', 4294967295, 1],
      ['SETRANGE', 'k', 536870911, 'a'],
    ]
    for (const argv of attempts) {
      await expect(redis.command(argv)).rejects.toThrow(OOM)
      const [cmd, ...rest] = argv
      const src = `return redis.pcall('${cmd}', KEYS[1], ${rest
        .slice(1)
        .map((x) => `'${x}'`)
        .join(', ')})`
      await expect(redis.command(['EVAL', src, '1', 'k'])).rejects.toThrow(OOM)
    }
    expect(await redis.command(['EXISTS', 'k'])).toBe(0)
    expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(64 * MB)
    // within the bound the same commands work
    expect(await redis.command(['SETBIT', 'k', 8 * 1000 * 1000, 1])).toBe(0)
    expect(await redis.command(['STRLEN', 'k'])).toBe(1_000_001)
  })

  it('refuses with the default maxBytes too', async () => {
    redis = await createRedisScripting({ store: memoryStore() })
    await expect(redis.command(['EVAL', "return redis.call('SETBIT', KEYS[1], 4294967295, 1)", '1', 'k'])).rejects.toThrow(OOM)
  })

  it('refuses a BITOP whose result would take the count past maxBytes, before computing it', async () => {
    redis = await createRedisScripting({ store: memoryStore({ maxBytes: 8 * MB }) })
    expect(await redis.command(['SETRANGE', 'k', 5_000_000 - 1, 'a'])).toBe(5_000_000)
    await expect(redis.command(['BITOP', 'NOT', 'd', 'k'])).rejects.toThrow(OOM)
    expect(await redis.command(['EXISTS', 'd'])).toBe(0)
    expect(await redis.command(['BITOP', 'NOT', 'k', 'k'])).toBe(5_000_000)
  })
})

describe('BITOP over a key named many times', () => {
  it('reads each distinct source once: an 8 MB key named 2,000 times is one pass, not 16 GB of work', async () => {
    await using redis = await createRedisScripting({ store: memoryStore({ maxBytes: 64 * MB }) })
    await redis.command(['SETRANGE', 'k', 8 * MB - 1, 'a'])
    await redis.command(['SET', 'k2', 'z'])
    const keys = Array.from({ length: 2000 }, (_, i) => (i === 1000 ? 'k2' : 'k'))
    const started = Date.now()
    for (const op of ['OR', 'AND', 'XOR']) expect(await redis.command(['BITOP', op, `d${op}`, ...keys])).toBe(8 * MB)
    // generous: the repeated passes took minutes
    expect(Date.now() - started).toBeLessThan(30_000)
    expect(await redis.command(['GETRANGE', 'dOR', 0, 0])).toBe('z')
    expect(await redis.command(['BITCOUNT', 'dAND'])).toBe(0)
    // 1,999 times k (odd) and k2 once
    expect(await redis.command(['GETRANGE', 'dXOR', -1, -1])).toBe('a')
    expect(await redis.command(['GETRANGE', 'dXOR', 0, 0])).toBe('z')
  })
})
