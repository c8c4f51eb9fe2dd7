import { describe, expect, it } from 'vitest'
import type { RedisScripting } from '../src/index.js'
import type { RealRedis } from './real-redis.js'
import { bothSides } from './both-sides.js'

type Send = (argv: string[]) => Promise<unknown>

/**
 * A full SCAN while keys come and go: 300 keys, batches of COUNT 7; after each batch the
 * keys it returned are deleted (which must not make later keys slip past the cursor), one
 * key not yet returned is deleted and two new keys are added. Redis guarantees that every
 * key present for the whole scan is returned, and that the cursor ends at 0.
 */
async function scanWhileChanging(send: Send): Promise<{ missed: string[]; calls: number; endedAtZero: boolean }> {
  const initial = Array.from({ length: 300 }, (_, i) => `key:${i}`)
  for (let i = 0; i < initial.length; i += 50) await send(['MSET', ...initial.slice(i, i + 50).flatMap((k) => [k, 'v'])])
  const seen = new Set<string>()
  const removed = new Set<string>()
  let cursor = '0'
  let calls = 0
  let next = 0
  do {
    const [c, keys] = (await send(['SCAN', cursor, 'COUNT', '7'])) as [string, string[]]
    cursor = c
    calls++
    for (const k of keys) seen.add(k)
    for (const k of keys) {
      await send(['DEL', k])
      removed.add(k)
    }
    // one key not yet returned goes away (it is not present for the whole scan)
    const victim = initial.find((k, i) => i % 13 === calls % 13 && !seen.has(k) && !removed.has(k))
    if (victim) {
      await send(['DEL', victim])
      removed.add(victim)
    }
    await send(['SET', `new:${next++}`, 'v'])
    await send(['SET', `new:${next++}`, 'v'])
  } while (cursor !== '0' && calls < 10_000)
  const missed = initial.filter((k) => !removed.has(k) && !seen.has(k))
  return { missed, calls, endedAtZero: cursor === '0' }
}

/**
 * A full SCAN from a client that renames every key it is given (`k` → `k:x`): on Redis it
 * ends, every original key returned; a cursor in creation order met each renamed key again.
 */
async function scanRenaming(send: Send): Promise<{ missed: string[]; calls: number; endedAtZero: boolean }> {
  const initial = Array.from({ length: 200 }, (_, i) => `key:${i}`)
  await send(['MSET', ...initial.flatMap((k) => [k, 'v'])])
  const seen = new Set<string>()
  let cursor = '0'
  let calls = 0
  do {
    const [c, keys] = (await send(['SCAN', cursor, 'COUNT', '7'])) as [string, string[]]
    cursor = c
    calls++
    for (const k of keys) {
      seen.add(k)
      await send(['RENAME', k, `${k}:x`])
    }
  } while (cursor !== '0' && calls < 2_000)
  return { missed: initial.filter((k) => !seen.has(k)), calls, endedAtZero: cursor === '0' }
}

describe('SCAN cursor semantics', () => {
  let redis: RedisScripting
  let real: RealRedis | undefined

  bothSides((s) => {
    redis = s.redis
    real = s.real
  })

  it('returns every key present for the whole scan while keys are deleted and added; cursor 0 ends', async () => {
    const got = await scanWhileChanging((argv) => redis.command(argv))
    expect(got.missed).toEqual([])
    expect(got.endedAtZero).toBe(true)
    if (real) {
      const client = real.client
      await client.call('FLUSHALL')
      const want = await scanWhileChanging((argv) => client.call(argv[0] as string, ...argv.slice(1)))
      // the same guarantee holds on redis-server (the test checks Redis's contract, not a guess of it)
      expect(want.missed).toEqual([])
      expect(want.endedAtZero).toBe(true)
    }
  })

  it('a scan renaming every key it returns ends, every original key returned', async () => {
    await redis.command(['FLUSHALL'])
    const got = await scanRenaming((argv) => redis.command(argv))
    expect(got.missed).toEqual([])
    expect(got.endedAtZero).toBe(true)
    if (real) {
      const client = real.client
      await client.call('FLUSHALL')
      const want = await scanRenaming((argv) => client.call(argv[0] as string, ...argv.slice(1)))
      expect(want.missed).toEqual([])
      expect(want.endedAtZero).toBe(true)
    }
  })

  it('a cursor no scan handed out (forgotten or made up) goes on without keys created later', async () => {
    await redis.command(['FLUSHALL'])
    for (let i = 0; i < 30; i++) await redis.command(['SET', `k${i}`, 'v'])
    const [handed] = (await redis.command(['SCAN', '0', 'COUNT', '11'])) as [string, string[]]
    // the creation number of k10, one before the cursor handed out (k11's)
    let cursor = String(Number(handed) - 1)
    const seen: string[] = []
    do {
      const [c, keys] = (await redis.command(['SCAN', cursor, 'COUNT', '5'])) as [string, string[]]
      cursor = c
      for (const k of keys) {
        seen.push(k)
        await redis.command(['RENAME', k, `${k}:x`])
      }
    } while (cursor !== '0' && seen.length < 1000)
    expect(seen).toEqual(Array.from({ length: 20 }, (_, i) => `k${i + 10}`))
  })

  it('a cursor from an emptied keyspace ends the scan', async () => {
    await redis.command(['FLUSHALL'])
    for (let i = 0; i < 30; i++) await redis.command(['SET', `k${i}`, 'v'])
    const [cursor] = (await redis.command(['SCAN', '0', 'COUNT', '5'])) as [string, string[]]
    await redis.command(['FLUSHALL'])
    expect(await redis.command(['SCAN', cursor, 'COUNT', '5'])).toEqual(['0', []])
  })
})
