import { execFile } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { InvalidArgumentError, LimitExceededError } from '@polyhost/core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createRedisScripting, DENY_OOM_COMMANDS, MEMORY_COMMANDS, memoryStore, type RedisScripting } from '../src/index.js'
import { Keyspace } from '../src/store/keyspace.js'
import { elementBytes, entryBytes, OVERHEAD } from '../src/store/store-usage.js'
import { stringBytes } from '../src/store/string-room.js'
import { onPolyhost, onReal } from './differential.js'
import { hasRedisServer, type RealRedis, startRedis } from './real-redis.js'

/** A small deterministic generator, so a failure replays. */
function rng(seed: number): () => number {
  let s = seed >>> 0
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0
    return s / 2 ** 32
  }
}

/** What the keys hold, counted from their contents (not from the values' running counts). */
function recount(ks: Keyspace): number {
  let n = 0
  for (const key of ks.keys()) {
    const v = ks.get(key)
    if (!v) continue
    let bytes = 0
    if (v.type === 'string') bytes = stringBytes(v.value)
    else if (v.type === 'hash') for (const [f, x] of v.value) bytes += elementBytes('hash', f.length + x.length)
    else if (v.type === 'list') for (const x of v.value) bytes += elementBytes('list', x.length)
    else if (v.type === 'set') for (const m of v.value) bytes += elementBytes('set', m.length)
    else if (v.type === 'zset') for (const e of v.value.entries()) bytes += elementBytes('zset', e.member.length)
    else for (const e of v.value.entries) bytes += OVERHEAD.stream + e.fields.reduce((s, f) => s + elementBytes('field', f.length), 0)
    n += entryBytes(key, bytes)
  }
  return n
}

/** A random command over a few keys of every type (wrong types included). */
function randomCommand(next: () => number, step: number): string[] {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)] as T
  const k = pick(['a', 'b', 'c', 'list', 'zs', 'st', 'h', 's'])
  const k2 = pick(['a', 'list', 'zs', 'st', 'h', 's', 'new'])
  const v = 'v'.repeat(Math.floor(next() * 40)) + pick(['', '1', 'x', 'yy'])
  const n = String(Math.floor(next() * 6) - 2)
  const id = `${1 + Math.floor(next() * step)}-0`
  return pick([
    ['SET', k, v],
    ['APPEND', k, v],
    ['INCR', k],
    ['GETSET', k, v],
    ['GETDEL', k],
    ['MSET', k, v, k2, v],
    ['DEL', k, k2],
    ['RENAME', k, k2],
    ['PEXPIRE', k, String(Math.floor(next() * 3))],
    ['HSET', k, `f${n}`, v],
    ['HMSET', k, 'f1', v, 'f2', v],
    ['HINCRBY', k, 'n', n],
    ['HDEL', k, 'f1', `f${n}`],
    ['LPUSH', k, v, v],
    ['RPUSH', k, v],
    ['LPOP', k, String(Math.floor(next() * 3) + 1)],
    ['RPOP', k],
    ['LREM', k, n, v],
    ['LSET', k, n, v],
    ['LINSERT', k, 'BEFORE', v, `${v}!`],
    ['LTRIM', k, n, String(Math.floor(next() * 8))],
    ['LMOVE', k, k2, 'LEFT', 'RIGHT'],
    ['RPOPLPUSH', k, k2],
    ['SADD', k, v, `${v}2`],
    ['SREM', k, v],
    ['SMOVE', k, k2, v],
    ['ZADD', k, n, v, String(step), `m${step}`],
    ['ZINCRBY', k, '1', v],
    ['ZREM', k, v, `m${step - 1}`],
    ['ZPOPMIN', k, String(Math.floor(next() * 3))],
    ['ZREMRANGEBYRANK', k, '0', n],
    ['ZREMRANGEBYSCORE', k, '-inf', n],
    ['XADD', k, '*', 'f', v],
    ['XDEL', k, id, `${step}-0`],
    ['XTRIM', k, 'MAXLEN', String(Math.floor(next() * 5))],
    ['FLUSHALL'],
  ]).filter((x) => x !== 'FLUSHALL' || next() < 0.05)
}

describe('what the memory store counts of its keys', () => {
  it('follows every change: the running count equals a recount after each of 6,000 random commands', () => {
    for (const seed of [1, 2, 3]) {
      const next = rng(seed)
      let now = 1_700_000_000_000
      const ks = new Keyspace(() => now)
      for (let step = 1; step <= 2000; step++) {
        const argv = randomCommand(next, step)
        if (argv.length === 0) continue
        const spec = MEMORY_COMMANDS.get((argv[0] as string).toLowerCase())
        if (!spec) throw new Error(`no command ${argv[0]}`)
        now += Math.floor(next() * 2)
        ks.now = now
        try {
          spec.run(
            ks,
            argv.slice(1).map((x) => Buffer.from(x, 'latin1')),
          )
        } catch {
          // WRONGTYPE and argument errors: the count must hold after them too
        }
        ks.settle()
        // keys past their expiry count until touched (Redis too frees them lazily): touch them all first
        ks.keys()
        ks.settle()
        const counted = ks.usedBytes
        const fresh = recount(ks)
        if (counted !== fresh) throw new Error(`seed ${seed} step ${step} ${argv.join(' ')}: counted ${counted}, holds ${fresh}`)
      }
      expect(ks.usedBytes).toBe(recount(ks))
    }
  })

  it('refuses a bad maxBytes', () => {
    for (const bad of [-1, Number.NaN, '1mb', null]) {
      expect(() => memoryStore({ maxBytes: bad as number })).toThrow(InvalidArgumentError)
    }
    expect(() => memoryStore({ maxBytes: Number.POSITIVE_INFINITY })).not.toThrow()
  })
})

describe('a script filling the store', () => {
  let redis: RedisScripting
  beforeAll(async () => {
    redis = await createRedisScripting({ store: memoryStore({ maxBytes: 8 * 1024 * 1024 }), limits: { timeoutMs: 20_000 } })
  })
  afterAll(() => redis.close())

  it('gets the OOM error past maxBytes, run after run; reads and deletes still work; freed room admits writes again', async () => {
    const fill = "local s = string.rep('x', 100000) for i = 1, 1e9 do redis.call('SET', ARGV[1] .. i, s) end"
    for (const run of ['a', 'b', 'c']) {
      await expect(redis.command(['EVAL', fill, '0', run])).rejects.toThrow(/^OOM command not allowed when used memory > 'maxmemory'\./)
    }
    // the first run filled the store; the others could add one key each at most
    const size = (await redis.command(['DBSIZE'])) as number
    expect(size).toBeGreaterThan(75)
    expect(size).toBeLessThanOrEqual(86)
    expect(await redis.command(['STRLEN', 'a1'])).toBe(100000)
    await expect(redis.command(['LPUSH', 'l', 'v'])).rejects.toThrow(/^OOM /)
    // a script may catch the refusal
    expect(await redis.command(['EVAL', "return redis.pcall('HSET', 'h', 'f', 'v')['err']", '0'])).toMatch(/^OOM command not allowed/)
    // commands that free memory run
    expect(await redis.command(['EVAL', "return redis.call('DEL', unpack(redis.call('KEYS', 'a*')))", '0'])).toBeGreaterThan(70)
    expect(await redis.command(['SET', 'k', 'v'])).toBe('OK')
    expect(await redis.command(['LPUSH', 'l', 'v'])).toBe(1)
  })

  it('a script stopped by its own limit leaves a store that still counts right', async () => {
    const maxBytes = 2_000_000
    const r = await createRedisScripting({ store: memoryStore({ maxBytes }), limits: { timeoutMs: 1000 } })
    try {
      const s = "local s = string.rep('y', 1000) "
      await expect(r.command(['EVAL', `${s} for i = 1, 1000 do redis.call('RPUSH', 'l', s) end while true do end`, '0'])).rejects.toThrow(
        LimitExceededError,
      )
      await expect(r.command(['EVAL', `${s} while true do redis.call('RPUSH', 'l', s) end`, '0'])).rejects.toThrow(/^OOM /)
      // a push is admitted while the count is at most maxBytes: the first n that goes over it is the length
      let n = 1
      while (entryBytes('l', n * elementBytes('list', 1000)) <= maxBytes) n++
      expect(await r.command(['LLEN', 'l'])).toBe(n)
      expect(await r.command(['DEL', 'l'])).toBe(1)
      expect(await r.command(['RPUSH', 'l', 'v'])).toBe(1)
    } finally {
      await r.close()
    }
  })

  it('a limit error still stops a script that catches every OOM refusal', async () => {
    const r = await createRedisScripting({ store: memoryStore({ maxBytes: 1024 }), limits: { timeoutMs: 300 } })
    try {
      await expect(r.command(['EVAL', "while true do redis.pcall('SET', 'k', string.rep('z', 2000)) end", '0'])).rejects.toThrow(
        LimitExceededError,
      )
      expect(await r.command(['STRLEN', 'k'])).toBe(2000)
    } finally {
      await r.close()
    }
  })
})

const FILL = fileURLToPath(new URL('./child-attack/fill-lists.mjs', import.meta.url))

/** Runs the list-filling attack in a child with a `heapMb` heap; how it ended (a crash rejects). */
function fillInChild(heapMb: number): Promise<{ calls: number; ended: string; elements: number; maxBytes: number }> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [`--max-old-space-size=${heapMb}`, FILL], { timeout: 120_000 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`the host process died (${err.signal ?? err.code}): ${stderr.slice(-300)}`))
      else resolve(JSON.parse(stdout.trim()))
    })
  })
}

describe('the default bound against the heap', () => {
  // Counted at 16 bytes per element, 1-byte list elements (each ~121 bytes of heap then) filled
  // a 1 GiB heap before the default 256 MiB bound: V8's fatal out-of-memory error.
  for (const heapMb of [384, 1024]) {
    it(`a ${heapMb} MB heap survives scripts filling lists of 1-byte elements: the store refuses first`, async () => {
      const r = await fillInChild(heapMb)
      expect(r.ended).toMatch(/^OOM command not allowed/)
      expect(r.maxBytes).toBeLessThan((heapMb * 1024 * 1024) / 6)
      // the count is close to what the elements hold: the store filled its bound, not a fraction of it
      expect(r.elements * (elementBytes('list', 1) + 1)).toBeGreaterThan(r.maxBytes * 0.9)
    }, 150_000)
  }
})

describe.skipIf(!hasRedisServer)('past maxmemory, against redis-server 7.0', () => {
  let real: RealRedis
  let redis: RedisScripting
  beforeAll(async () => {
    real = await startRedis()
    // the set-up below: its last command is admitted (the count is at the bound) and leaves
    // the store over it, as CONFIG SET maxmemory 1 leaves the server
    const beforeLast = entryBytes('k', 1) + entryBytes('l', 2 * elementBytes('list', 1))
    redis = await createRedisScripting({ store: memoryStore({ maxBytes: beforeLast }) })
  })
  afterAll(async () => {
    await redis?.close()
    await real?.stop()
  })

  it('the store refuses the commands redis-server flags denyoom', async () => {
    const info = (await real.client.call('COMMAND', 'INFO', ...MEMORY_COMMANDS.keys())) as [string, number, string[]][]
    const denyoom = info.filter((e) => e[2].includes('denyoom')).map((e) => e[0])
    expect([...DENY_OOM_COMMANDS].sort()).toEqual(denyoom.sort())
  })

  it('answers as redis-server does once over maxmemory: commands, scripts, pcall', async () => {
    // one key on each side, then the limit: both are over it from here on
    const setup = [
      ['SET', 'k', 'v'],
      ['RPUSH', 'l', 'a', 'b'],
      ['ZADD', 'z', '1', 'm'],
    ]
    for (const argv of setup) expect(await onPolyhost(redis, argv)).toEqual(await onReal(real.client, argv))
    await real.client.call('CONFIG', 'SET', 'maxmemory', '1')
    try {
      const cases = [
        ['SET', 'k2', 'v'],
        ['APPEND', 'k', 'x'],
        ['INCR', 'n'],
        ['LPUSH', 'l', 'c'],
        ['LMOVE', 'l', 'l2', 'LEFT', 'RIGHT'],
        ['SADD', 's', 'm'],
        ['HSET', 'h', 'f', 'v'],
        ['ZADD', 'z', '2', 'm2'],
        ['XADD', 'x', '1-1', 'f', 'v'],
        ['GET', 'k'],
        ['LRANGE', 'l', '0', '-1'],
        ['EVAL', "return redis.call('SET', 'k3', 'v')", '0'],
        ['EVAL', "local r = redis.pcall('INCR', 'n') return r['err']", '0'],
        ['EVAL', "return redis.call('GET', 'k')", '0'],
        // what frees memory runs (the store may fall under its bound from here; the server stays over)
        ['EXPIRE', 'k', '100'],
        ['LPOP', 'l'],
        ['ZPOPMIN', 'z'],
        ['EVAL', "redis.call('DEL', 'k') return redis.call('EXISTS', 'k')", '0'],
        ['DEL', 'l'],
      ]
      for (const argv of cases) expect([argv, await onPolyhost(redis, argv)]).toEqual([argv, await onReal(real.client, argv)])
    } finally {
      await real.client.call('CONFIG', 'SET', 'maxmemory', '0')
    }
  })
})
