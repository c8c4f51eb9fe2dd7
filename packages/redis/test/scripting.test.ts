import { InvalidArgumentError, LimitExceededError } from '@polyhost/core'
import { afterEach, describe, expect, it } from 'vitest'
import { createRedisScripting, memoryStore, type RedisScripting, ReplyError } from '../src/index.js'
import { hasRedisServer, startRedis } from './real-redis.js'

let redis: RedisScripting | undefined
afterEach(async () => {
  await redis?.close()
  redis = undefined
})

const INCR_SCRIPT = "local v = tonumber(redis.call('GET', KEYS[1]) or '0') redis.call('SET', KEYS[1], v + 1) return v + 1"

describe('atomic runs', () => {
  it('50 concurrent read-modify-write scripts lose no update', async () => {
    redis = await createRedisScripting({ store: memoryStore() })
    const r = redis
    const rounds = 4
    await Promise.all(
      Array.from({ length: 50 }, async () => {
        for (let i = 0; i < rounds; i++) await r.eval(INCR_SCRIPT, { keys: ['counter'] })
      }),
    )
    expect(await r.command(['GET', 'counter'])).toBe(String(50 * rounds))
  })

  it.skipIf(!hasRedisServer)('gives the same final value as redis-server under the same load', async () => {
    const real = await startRedis()
    try {
      redis = await createRedisScripting({ store: memoryStore() })
      const r = redis
      await Promise.all(
        Array.from({ length: 50 }, (_, i) =>
          Promise.all([r.eval(INCR_SCRIPT, { keys: [`k${i % 5}`] }), real.client.eval(INCR_SCRIPT, 1, `k${i % 5}`)]),
        ),
      )
      const keys = ['k0', 'k1', 'k2', 'k3', 'k4']
      expect(await r.command(['MGET', ...keys])).toEqual(await real.client.mget(...keys))
    } finally {
      await real.stop()
    }
  })

  it('commands queued behind a script see its writes, not a half-done state', async () => {
    redis = await createRedisScripting({ store: memoryStore() })
    const script = redis.eval("redis.call('SET', 'a', '1') for i = 1, 200000 do end redis.call('SET', 'b', '1') return 1")
    const read = redis.command(['MGET', 'a', 'b'])
    await script
    expect(await read).toEqual(['1', '1'])
  })
})

describe('bad input and runaway scripts', () => {
  it('arguments ioredis would send as String() text are refused, naming the argument', async () => {
    redis = await createRedisScripting({ store: memoryStore() })
    const r = redis
    const bad: [unknown[], string][] = [
      [['SET', 'k', {}], 'argv[2] must be a string, number, bigint, boolean, null or bytes (got an object)'],
      [['MSET', ['a', ['b']]], 'argv[1][1] must be a string, number, bigint, boolean, null or bytes (got an array)'],
      [[['GET', 'k']], 'argv[0] must be a string, number, bigint, boolean, null or bytes (got an array)'],
      [['SET', 'k', Symbol('s')], 'argv[2] must be a string, number, bigint, boolean, null or bytes (got a symbol)'],
      [['SET', 'k', () => 1], 'argv[2] must be a string, number, bigint, boolean, null or bytes (got a function)'],
    ]
    for (const [argv, message] of bad) {
      const e = await r.command(argv as never).catch((x: unknown) => x)
      expect(e).toBeInstanceOf(InvalidArgumentError)
      expect((e as Error).message).toBe(`command(): ${message}`)
    }
    const e = await r.command('GET k' as never).catch((x: unknown) => x)
    expect(e).toBeInstanceOf(InvalidArgumentError)
    // nothing was run; the connection goes on
    expect(await r.command(['SET', 'k', 1n])).toBe('OK')
    expect(await r.command(['MGET', 'k', ['k', null]])).toEqual(['1', '1', null])
  })

  it('a script that loops forever is stopped; writes before it stay; the next call works', async () => {
    redis = await createRedisScripting({ store: memoryStore(), limits: { timeoutMs: 1500 } })
    const e = await redis.eval("redis.call('SET', 'before', 'x') while true do end").catch((x: unknown) => x)
    expect(e).toBeInstanceOf(LimitExceededError)
    // whichever comes first on this machine: the instruction budget or the 1.5 s deadline
    expect(['timeout', 'instructions']).toContain((e as LimitExceededError).limit)
    expect(await redis.command(['GET', 'before'])).toBe('x')
    expect(await redis.eval('return 1 + 1')).toBe(2)
  })

  it("rebuilding the engine state after a stopped script is not charged to the next script's budget", async () => {
    // building a state runs the prelude (~100-600 ms here); a warm `return 1` takes ~1 ms
    redis = await createRedisScripting({ store: memoryStore(), limits: { timeoutMs: 50 } })
    for (let i = 0; i < 3; i++) {
      const e = await redis.eval('while true do end').catch((x: unknown) => x)
      expect((e as LimitExceededError).limit).toBe('timeout')
      expect(await redis.eval('return 1')).toBe(1)
    }
  })

  it('a script stopped inside MULTI/EXEC is an error element of the reply; the commands queued after it run', async () => {
    redis = await createRedisScripting({ store: memoryStore(), limits: { instructions: 200_000 } })
    const c = redis.connection()
    await c.command([
      'FUNCTION',
      'LOAD',
      "#!lua name=lib\nredis.register_function('spin', function() redis.call('SET', 'f', '1') while true do end end)",
    ])
    await c.command(['MULTI'])
    for (const q of [
      ['SET', 'x', '1'],
      ['EVAL', "redis.call('SET', 'y', '1') while true do end", '0'],
      ['SET', 'z', '1'],
      ['FCALL', 'spin', '0'],
      ['EVAL', "return redis.call('SET', 'w', '1')", '0'],
    ]) {
      expect(await c.command(q)).toBe('QUEUED')
    }
    const replies = (await c.command(['EXEC'])) as unknown[]
    expect(replies).toHaveLength(5)
    expect(replies[0]).toBe('OK')
    expect(replies[1]).toBeInstanceOf(ReplyError)
    expect((replies[1] as ReplyError).message).toMatch(/^ERR Script killed: instructions limit exceeded \(/)
    expect(replies[2]).toBe('OK')
    expect((replies[3] as ReplyError).message).toMatch(/^ERR Script killed: instructions limit exceeded \(/)
    expect(replies[4]).toBe('OK')
    expect(await c.command(['MGET', 'x', 'y', 'z', 'f', 'w'])).toEqual(['1', '1', '1', '1', '1'])
    // outside a transaction the call still rejects
    expect(await redis.eval('while true do end').catch((x: unknown) => x)).toBeInstanceOf(LimitExceededError)
  })

  it('a loop that pcall tries to hide is still stopped', async () => {
    redis = await createRedisScripting({ store: memoryStore(), limits: { timeoutMs: 1500 } })
    const e = await redis.eval('while true do pcall(function() while true do end end) end').catch((x: unknown) => x)
    expect(e).toBeInstanceOf(LimitExceededError)
    expect(await redis.eval("return 'alive'")).toBe('alive')
  })

  it('a script that allocates without bound trips the memory limit', async () => {
    redis = await createRedisScripting({ store: memoryStore(), limits: { memoryBytes: 8 << 20, timeoutMs: 20_000 } })
    const e = await redis.eval("local t = {} local s = 'x' while true do s = s .. s t[#t + 1] = s end").catch((x: unknown) => x)
    expect(e).toBeInstanceOf(LimitExceededError)
    expect((e as LimitExceededError).limit).toBe('memory')
    expect(await redis.command(['SET', 'after', '1'])).toBe('OK')
  })

  it('an instruction budget applies to scripts', async () => {
    redis = await createRedisScripting({ store: memoryStore(), limits: { instructions: 100_000 } })
    const e = await redis.eval('local n = 0 for i = 1, 1e9 do n = n + i end return n').catch((x: unknown) => x)
    expect((e as LimitExceededError).limit).toBe('instructions')
  })
})

describe('time and expiry', () => {
  it('keys expire by the injected clock', async () => {
    let now = 1_000_000
    redis = await createRedisScripting({ store: memoryStore({ clock: () => now }) })
    await redis.command(['SET', 'k', 'v', 'PX', '100'])
    expect(await redis.command(['PTTL', 'k'])).toBe(100)
    now += 99
    expect(await redis.command(['GET', 'k'])).toBe('v')
    // as Redis's keyIsExpired (now > when): alive through its expiry millisecond, PTTL 0
    now += 1
    expect(await redis.command(['PTTL', 'k'])).toBe(0)
    expect(await redis.command(['GET', 'k'])).toBe('v')
    now += 1
    expect(await redis.command(['GET', 'k'])).toBe(null)
    expect(await redis.command(['PTTL', 'k'])).toBe(-2)
  })

  it('time is frozen at the start of a script', async () => {
    let now = 1_000_000
    // every read of the clock moves it on: only a frozen time keeps the key alive in the loop
    redis = await createRedisScripting({ store: memoryStore({ clock: () => (now += 10) }) })
    const src =
      "redis.call('SET', 'k', 'v', 'PX', 5) local seen = 0 for i = 1, 5 do if redis.call('GET', 'k') then seen = seen + 1 end end return seen"
    expect(await redis.eval(src)).toBe(5)
    expect(await redis.command(['GET', 'k'])).toBe(null)
  })

  it("inside a script TIME, PTTL and relative expiries read the clock; only expiry checks keep the script's start (Redis 7.0)", async () => {
    let now = 1_000_000
    redis = await createRedisScripting({ store: memoryStore({ clock: () => (now += 10) }) })
    const src = `local t = redis.call('TIME') redis.call('SET', 'a', 'v', 'PX', 1000)
      local t2 = redis.call('TIME') redis.call('SET', 'b', 'v', 'PX', 1000)
      return {(t2[1] - t[1]) * 1000000 + t2[2] - t[2], redis.call('PTTL', 'a'), redis.call('PTTL', 'b')}`
    const [elapsedUs, pttlA, pttlB] = (await redis.eval(src)) as number[]
    expect(elapsedUs).toBeGreaterThan(0)
    expect(pttlA).toBeLessThan(1000)
    expect(pttlB).toBeGreaterThan(pttlA as number)
    expect(pttlB).toBeLessThan(1000)
    // an absolute time between the script's start and the clock is already past (checkAlreadyExpired)
    const past = `redis.call('SET', 'k', 'v') local t = redis.call('TIME')
      return {redis.call('PEXPIREAT', 'k', t[1] * 1000 + t[2] / 1000), redis.call('EXISTS', 'k')}`
    expect(await redis.eval(past)).toEqual([1, 0])
  })

  it('TIME answers the clock', async () => {
    redis = await createRedisScripting({ store: memoryStore({ clock: () => 1_700_000_000_123 }) })
    expect(await redis.command(['TIME'])).toEqual(['1700000000', '123000'])
  })
})

describe('API', () => {
  it('eval(), EVALSHA and SCRIPT LOAD share one cache', async () => {
    redis = await createRedisScripting({ store: memoryStore() })
    const sha = (await redis.command(['SCRIPT', 'LOAD', 'return {KEYS[1], ARGV[1]}'])) as string
    expect(await redis.command(['EVALSHA', sha, '1', 'k', 'a'])).toEqual(['k', 'a'])
    expect(await redis.eval('return {KEYS[1], ARGV[1]}', { keys: ['x'], args: ['y'] })).toEqual(['x', 'y'])
  })

  it('takes bytes as arguments', async () => {
    redis = await createRedisScripting({ store: memoryStore() })
    const bytes = new Uint8Array([0x80, 0x81, 0x00])
    expect(await redis.eval('return #ARGV[1]', { args: [bytes] })).toBe(3)
    await redis.command(['SET', 'b', bytes])
    expect(await redis.command(['GET', 'b'])).toEqual(Buffer.from(bytes))
  })

  it('redis.log lines reach onLog', async () => {
    const lines: [number, string][] = []
    redis = await createRedisScripting({ store: memoryStore(), onLog: (level, message) => lines.push([level, message]) })
    await redis.eval("redis.log(redis.LOG_WARNING, 'hello', 42) return 1")
    expect(lines).toEqual([[3, 'hello 42']])
  })

  it('library code logs once, at FUNCTION LOAD, as Redis runs it once', async () => {
    const lines: string[] = []
    redis = await createRedisScripting({ store: memoryStore(), onLog: (_, message) => lines.push(message) })
    const code =
      "#!lua name=logs\nlocal lg = redis.log\nlg(redis.LOG_WARNING, 'loaded')\nredis.register_function('f', function() lg(3, 'called') return 1 end)"
    await redis.command(['FUNCTION', 'LOAD', code])
    for (let i = 0; i < 3; i++) expect(await redis.command(['FCALL', 'f', '0'])).toBe(1)
    expect(lines).toEqual(['loaded', 'called', 'called', 'called'])
  })

  it('rejects calls after close', async () => {
    const r = await createRedisScripting({ store: memoryStore() })
    await r.close()
    await expect(r.command(['PING'])).rejects.toThrow(/closed/)
  })
})

describe('the script cache', () => {
  it('keeps every loaded script runnable by EVALSHA, also once its compiled form was evicted', async () => {
    redis = await createRedisScripting({ store: memoryStore() })
    const shas: string[] = []
    // more distinct scripts than compiled ones are kept (500)
    for (let i = 0; i < 520; i++) shas.push((await redis.command(['SCRIPT', 'LOAD', `return ${i}`])) as string)
    expect(await redis.command(['EVALSHA', shas[0] as string, '0'])).toBe(0)
    expect(await redis.command(['EVALSHA', shas[519] as string, '0'])).toBe(519)
    expect(await redis.command(['SCRIPT', 'EXISTS', shas[0] as string, shas[300] as string])).toEqual([1, 1])
    expect(await redis.command(['SCRIPT', 'FLUSH'])).toBe('OK')
    await expect(redis.command(['EVALSHA', shas[0] as string, '0'])).rejects.toThrow(/^NOSCRIPT/)
  })
})

describe("a reply nested past Redis's Lua stack", () => {
  /** The raw RESP of a reply (ioredis cannot parse 8,000 nested arrays): its nesting and innermost line. */
  async function rawReply(port: number, argv: string[]): Promise<{ depth: number; inner: string }> {
    const { connect } = await import('node:net')
    const socket = connect(port, '127.0.0.1')
    socket.write(`*${argv.length}\r\n${argv.map((a) => `$${Buffer.byteLength(a)}\r\n${a}\r\n`).join('')}`)
    let text = ''
    for await (const chunk of socket) {
      text += (chunk as Buffer).toString('latin1')
      const tail = text.search(/[-+:$][^\r]*\r\n$/)
      if (tail >= 0) break
    }
    socket.destroy()
    const inner = text.slice(text.search(/[-+:$]/)).trim()
    return { depth: text.split('*1\r\n').length - 1, inner }
  }

  function depthOf(reply: unknown): { depth: number; inner: unknown } {
    let depth = 0
    let x = reply
    while (Array.isArray(x)) {
      depth++
      x = x[0]
    }
    return { depth, inner: x instanceof Error ? `-${x.message}` : x }
  }

  it.skipIf(!hasRedisServer)('a cyclic table nests arrays around "reached lua stack limit" as deep as redis-server', async () => {
    const real = await startRedis()
    try {
      redis = await createRedisScripting({ store: memoryStore() })
      const argv = ['EVAL', 'local t = {} t[1] = t return t', '0']
      const mine = depthOf(await redis.command(argv))
      const theirs = await rawReply(real.port, argv)
      expect(mine).toEqual(theirs)
      expect(mine.inner).toBe('-ERR reached lua stack limit')
      expect(await redis.command(['EVAL', 'return 1', '0'])).toBe(1)
    } finally {
      await real.stop()
    }
  })
})
