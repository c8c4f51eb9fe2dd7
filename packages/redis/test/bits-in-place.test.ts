import { afterEach, describe, expect, it } from 'vitest'
import { createRedisScripting, MEMORY_COMMANDS, memoryStore, type RedisScripting } from '../src/index.js'
import { Keyspace } from '../src/store/keyspace.js'

/**
 * SETBIT, BITFIELD and SETRANGE write a value's bytes in place when only the store holds
 * them, instead of copying the whole value on each call (1,000 SETBITs on a 16 MB value took
 * 18 s as copies); bytes a reply, a script or another key took stay as they were. What they
 * compute is compared with redis-server in `test/corpus/bits.ts` and `test/corpus/watch.ts`.
 */

let redis: RedisScripting | undefined
afterEach(async () => {
  await redis?.close()
  redis = undefined
})

function runner(ks: Keyspace) {
  return (...argv: string[]) => {
    const spec = MEMORY_COMMANDS.get(argv[0] as string) as { run: (ks: Keyspace, a: Buffer[]) => unknown }
    const reply = spec.run(
      ks,
      argv.slice(1).map((x) => Buffer.from(x, 'latin1')),
    )
    ks.settle()
    return reply
  }
}

/** The stored Buffer of `key`, read without handing it out (as the bit commands read it). */
function stored(ks: Keyspace, key: string): Buffer {
  return (ks.getUnshared(key) as { value: Buffer }).value
}

describe('bit writes in place', () => {
  it('a second SETBIT, BITFIELD or SETRANGE inside a 1 MB value writes the same bytes, not a copy', () => {
    const ks = new Keyspace(() => 0)
    const run = runner(ks)
    run('setbit', 'k', String(8 * 1024 * 1024 - 1), '1')
    const first = stored(ks, 'k')
    run('setbit', 'k', '5', '1')
    run('bitfield', 'k', 'INCRBY', 'u8', '800', '3')
    run('setrange', 'k', '1000', 'abc')
    expect(stored(ks, 'k')).toBe(first)
    expect(first[0]).toBe(4)
    expect(first.subarray(1000, 1003).toString()).toBe('abc')
    expect(first[100]).toBe(3)
  })

  it('after a hand-out (GET), the next write copies once, then writes in place again', () => {
    const ks = new Keyspace(() => 0)
    const run = runner(ks)
    run('setbit', 'k', '80000', '1')
    const held = run('get', 'k') as Buffer
    const before = Buffer.from(held)
    run('setbit', 'k', '0', '1')
    run('setrange', 'k', '1', 'zz')
    expect(held.equals(before)).toBe(true)
    const copy = stored(ks, 'k')
    expect(copy).not.toBe(held)
    run('setbit', 'k', '1', '1')
    expect(stored(ks, 'k')).toBe(copy)
    expect(copy.subarray(0, 3).toString('latin1')).toBe('\xc0zz')
  })

  it('a Buffer reply, a GETRANGE view and a script string keep the bytes they had', async () => {
    redis = await createRedisScripting({ store: memoryStore() })
    await redis.command(['SETBIT', 'k', '1048575', '1'])
    await redis.command(['SETBIT', 'k', '0', '1'])
    // 0x80 ... 0x01: not UTF-8, so GET answers the stored Buffer itself
    const held = (await redis.command(['GET', 'k'])) as Buffer
    const range = (await redis.command(['GETRANGE', 'k', '0', '9999'])) as Buffer
    expect(Buffer.isBuffer(held) && Buffer.isBuffer(range)).toBe(true)
    const [heldBefore, rangeBefore] = [Buffer.from(held), Buffer.from(range)]
    const src = `local v = redis.call('GET', KEYS[1])
      for i = 1, 100 do redis.call('SETBIT', KEYS[1], i, 1) end
      redis.call('SETRANGE', KEYS[1], 200, 'xyz')
      redis.call('BITFIELD', KEYS[1], 'SET', 'u8', 8000, 255)
      return {string.byte(v, 1), string.byte(v, 2), string.byte(v, 201), string.byte(v, 1001), #v}`
    expect(await redis.command(['EVAL', src, '1', 'k'])).toEqual([128, 0, 0, 0, 131072])
    for (let i = 0; i < 10; i++) await redis.command(['SETBIT', 'k', String(i), String(i % 2)])
    expect(held.equals(heldBefore)).toBe(true)
    expect(range.equals(rangeBefore)).toBe(true)
    expect(((await redis.command(['GETRANGE', 'k', '200', '202'])) as string | Buffer).toString()).toBe('xyz')
  })
})
