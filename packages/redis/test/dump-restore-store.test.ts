import { seededRandom } from '@polyhost/core/engine'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { createRedisScripting, memoryStore } from '../src/index.js'
import { damaged, seedPayloads, withFooter } from './dump-content.js'
import { hasRedisServer, startRedis } from './real-redis.js'

// RESTORE within the store's bounds, and OBJECT IDLETIME by the store's (injected) clock.

/**
 * A string record whose LZF body is one literal byte and then `refs` back-references of 264
 * bytes each (3 bytes apiece): `1 + 264 * refs` bytes of 'a' from a payload 88 times smaller.
 */
function lzfBomb(refs: number): Buffer {
  const size = 1 + 264 * refs
  const packed = Buffer.alloc(2 + 3 * refs)
  packed[0] = 0 // a run of one literal
  packed[1] = 0x61
  for (let i = 0; i < refs; i++) packed.set([0xe0, 255, 0], 2 + 3 * i)
  const len = (n: number) => {
    const b = Buffer.alloc(5)
    b[0] = 0x80
    b.writeUInt32BE(n, 1)
    return b
  }
  return withFooter(Buffer.concat([Buffer.of(0, 0xc3), len(packed.length), len(size), packed]))
}

describe('RESTORE within the store’s maxBytes', () => {
  afterEach(() => {
    vi.restoreAllMocks()
  })

  it('refuses a payload that decompresses past maxBytes before allocating it, and restores it into a store with room', async () => {
    const refs = 80_000 // 21,120,001 bytes from 240 KB
    const payload = lzfBomb(refs)
    const small = await createRedisScripting({ store: memoryStore({ maxBytes: 1 << 20 }) })
    const alloc = vi.spyOn(Buffer, 'alloc')
    await expect(small.command(['RESTORE', 'k', '0', payload])).rejects.toThrow("OOM command not allowed when used memory > 'maxmemory'.")
    expect(alloc.mock.calls.filter(([n]) => Number(n) > 1 << 20)).toEqual([])
    expect(await small.command(['DBSIZE'])).toBe(0)
    await small.close()

    const roomy = await createRedisScripting({ store: memoryStore({ maxBytes: 64 << 20 }) })
    expect(await roomy.command(['RESTORE', 'k', '0', payload])).toBe('OK')
    expect(await roomy.command(['STRLEN', 'k'])).toBe(1 + 264 * refs)
    await roomy.close()
    if (hasRedisServer) {
      const real = await startRedis()
      try {
        expect(await real.client.call('RESTORE', 'k', '0', payload)).toBe('OK')
        expect(await real.client.call('STRLEN', 'k')).toBe(1 + 264 * refs)
      } finally {
        await real.stop()
      }
    }
  })

  it('refuses a list of many small elements past maxBytes as it reads them (each costs its heap overhead)', async () => {
    const source = await createRedisScripting({ store: memoryStore({ maxBytes: 0 }) })
    for (let i = 0; i < 20; i++) await source.command(['RPUSH', 'l', ...Array.from({ length: 5000 }, (_, j) => String((i * j) % 100))])
    const payload = (await source.reply(['DUMP', 'l'])) as Buffer
    await source.close()
    // 100,000 elements of ~2 bytes in the payload, each counting ~226 bytes in the store
    expect(payload.length).toBeLessThan(400_000)
    const small = await createRedisScripting({ store: memoryStore({ maxBytes: 4 << 20 }) })
    await expect(small.command(['RESTORE', 'l', '0', payload])).rejects.toThrow('OOM')
    expect(await small.command(['EXISTS', 'l'])).toBe(0)
    await small.command(['SET', 'filler', 'x'.repeat(5 << 20)])
    // past the bound, RESTORE is refused at once, as Redis's denyoom commands are
    await expect(small.command(['RESTORE', 'tiny', '0', payload.subarray(0, 0)])).rejects.toThrow('OOM')
    await small.close()
  })
})

describe('OBJECT IDLETIME by the store’s clock', () => {
  it('counts whole seconds of the clock since the last lookup; TYPE, EXISTS, TTL and OBJECT do not touch; RESTORE IDLETIME sets it', async () => {
    let now = 1_000_000_000_000
    const redis = await createRedisScripting({ store: memoryStore({ clock: () => now }) })
    const idle = (k: string) => redis.command(['OBJECT', 'IDLETIME', k])
    await redis.command(['SET', 'k', 'v'])
    now += 5_600
    expect(await idle('k')).toBe(5)
    for (const c of [
      ['TYPE', 'k'],
      ['EXISTS', 'k'],
      ['TTL', 'k'],
      ['PTTL', 'k'],
      ['OBJECT', 'ENCODING', 'k'],
      ['OBJECT', 'REFCOUNT', 'k'],
    ])
      await redis.command(c)
    expect(await idle('k')).toBe(5)
    await redis.command(['EVAL', "return redis.call('GET', KEYS[1])", '1', 'k'])
    expect(await idle('k')).toBe(0)
    now += 2_000
    expect(await idle('k')).toBe(2)
    await redis.command(['RPUSH', 'k2', 'a'])
    now += 3_000
    await redis.command(['RPUSH', 'k2', 'b'])
    expect(await idle('k2')).toBe(0)
    const payload = (await redis.reply(['DUMP', 'k'])) as Buffer
    expect(await idle('k')).toBe(0)
    await redis.command(['RESTORE', 'r', '0', payload, 'IDLETIME', '100'])
    expect(await idle('r')).toBe(100)
    now += 1_000
    expect(await idle('r')).toBe(101)
    await redis.command(['RENAME', 'r', 'r2'])
    expect(await idle('r2')).toBe(0)
    expect(await idle('missing')).toBeNull()
    await redis.close()
  })
})

describe('RESTORE of damaged payloads', () => {
  it('answers OK or Bad data format for 3,000 seeded corruptions of valid payloads (right checksums), and the store stays usable', async () => {
    const redis = await createRedisScripting({ store: memoryStore({ maxBytes: 64 << 20 }) })
    const payloads = await seedPayloads(redis)
    const rnd = seededRandom(7122026)
    const seen = new Map<string, number>()
    for (let i = 0; i < 3000; i++) {
      const reply = await redis.command(['RESTORE', 'fuzz', '0', damaged(payloads, rnd), 'REPLACE']).catch((e: Error) => e.message)
      seen.set(String(reply), (seen.get(String(reply)) ?? 0) + 1)
      expect(['OK', 'ERR Bad data format']).toContain(reply)
      if (reply === 'OK') await redis.command(['DUMP', 'fuzz'])
    }
    expect(seen.get('OK')).toBeGreaterThan(100)
    expect(seen.get('ERR Bad data format')).toBeGreaterThan(100)
    expect(await redis.command(['SET', 'after', '1'])).toBe('OK')
    await redis.close()
  })
})
