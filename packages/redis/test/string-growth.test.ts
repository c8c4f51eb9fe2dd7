import { afterEach, describe, expect, it } from 'vitest'
import { createRedisScripting, MEMORY_COMMANDS, memoryStore, type RedisScripting } from '../src/index.js'
import { Keyspace } from '../src/store/keyspace.js'

let redis: RedisScripting | undefined
afterEach(async () => {
  await redis?.close()
  redis = undefined
})

describe('string values grown by APPEND and SETRANGE', () => {
  // Copied whole on every call, 2,000 appends of 10 KB took 196 s (redis-server: 2 s), and a
  // script under a 3 s limit got through 679 of them.
  it('a script builds a 20 MB value from 2,000 appends of 10 KB well within a 30 s limit', async () => {
    redis = await createRedisScripting({ store: memoryStore(), limits: { timeoutMs: 30_000 } })
    const src = "for i = 1, 2000 do redis.call('APPEND', KEYS[1], ARGV[1]) end return redis.call('STRLEN', KEYS[1])"
    expect(await redis.command(['EVAL', src, '1', 'k', 'x'.repeat(10_000)])).toBe(20_000_000)
    expect(await redis.command(['GETRANGE', 'k', '19999995', '-1'])).toBe('xxxxx')
  }, 60_000)

  it('the store counts a grown value with its room, and frees it with the key', () => {
    const ks = new Keyspace(() => 0)
    const run = (...argv: string[]) => {
      const spec = MEMORY_COMMANDS.get(argv[0] as string) as { run: (ks: Keyspace, a: Buffer[]) => unknown }
      spec.run(
        ks,
        argv.slice(1).map((x) => Buffer.from(x, 'latin1')),
      )
      ks.settle()
    }
    run('set', 'k', 'v')
    const exact = ks.usedBytes
    run('append', 'k', 'x'.repeat(999))
    // under 1 MiB a grown value doubles (Redis's sdsMakeRoomFor): 1,000 bytes and 1,000 of room
    expect(ks.usedBytes).toBe(exact - 1 + 2000)
    run('append', 'k', 'y'.repeat(1000))
    expect(ks.usedBytes).toBe(exact - 1 + 2000)
    run('del', 'k')
    expect(ks.usedBytes).toBe(0)
  })

  // Copied and converted whole before the memory check, a 512 MB GETRANGE under a 64 MiB
  // budget held the host 13 s and 1.15 GB of RSS before the memory limit tripped.
  it("a reply bigger than the script's memory budget fails with the memory limit before it is copied", async () => {
    redis = await createRedisScripting({ store: memoryStore(), limits: { memoryBytes: 16 * 1024 * 1024 } })
    await redis.command(['SETRANGE', 'big', String(64 * 1024 * 1024 - 1), 'x'])
    const src = "return #redis.call('GETRANGE', KEYS[1], 0, -1)"
    await expect(redis.command(['EVAL', src, '1', 'big'])).rejects.toThrow(/memory limit exceeded \(67108864 > 16777216\)/)
    // a reply within the budget still arrives whole
    expect(await redis.command(['EVAL', "return #redis.call('GETRANGE', KEYS[1], 0, 999)", '1', 'big'])).toBe(1000)
  }, 60_000)
})
