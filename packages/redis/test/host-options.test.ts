import { InvalidArgumentError } from '@polyhost/core'
import { describe, expect, it } from 'vitest'
import { createRedisScripting, memoryStore, type RedisScriptingOptions } from '../src/index.js'

/** What a host hands createRedisScripting(), eval() and memoryStore(), checked where it is given. */
describe('host options', () => {
  it('refuses a missing or malformed store at creation, naming it', async () => {
    const bad: unknown[] = [undefined, null, 'store', {}, { store: undefined }, { store: null }, { store: {} }, { store: { execute() {} } }]
    for (const options of bad) {
      const created = createRedisScripting(options as RedisScriptingOptions)
      await expect(created, JSON.stringify(options)).rejects.toThrow(InvalidArgumentError)
      await expect(createRedisScripting(options as RedisScriptingOptions)).rejects.toThrow(
        /createRedisScripting: options(\.store)? must be/,
      )
    }
    await expect(createRedisScripting({ store: memoryStore(), onLog: 'console' as never })).rejects.toThrow(
      /options\.onLog must be a function/,
    )
    await expect(createRedisScripting({ store: undefined } as never)).rejects.toThrow(
      new InvalidArgumentError(
        'createRedisScripting: options.store must be a RedisStore (describe, execute, now), e.g. memoryStore() (got undefined)',
      ),
    )
  })

  it('refuses keys or args that are not arrays in eval(), as command() refuses a non-array argv', async () => {
    await using redis = await createRedisScripting({ store: memoryStore() })
    const src = "return redis.call('SET', KEYS[1], ARGV[1])"
    await expect(redis.eval(src, { keys: 'user:42' as never, args: ['v'] })).rejects.toThrow(
      new InvalidArgumentError('eval(): keys must be an array (got a string)'),
    )
    await expect(redis.eval(src, { keys: ['k'], args: 'hello' as never })).rejects.toThrow(
      /eval\(\): args must be an array \(got a string\)/,
    )
    await expect(redis.eval(src, null as never)).rejects.toThrow(InvalidArgumentError)
    expect(await redis.command(['KEYS', '*'])).toEqual([])
    expect(await redis.eval('return {#KEYS, KEYS[1], #ARGV, ARGV[1]}', { keys: ['user:42'], args: ['hello'] })).toEqual([
      1,
      'user:42',
      1,
      'hello',
    ])
    expect(await redis.eval('return #KEYS')).toBe(0)
  })

  const LOGS = "redis.log(redis.LOG_WARNING, 'a') local ok, e = pcall(redis.log, redis.LOG_WARNING, 'b') return {tostring(ok), tostring(e)}"

  it('ignores the rejection of an async onLog: the script goes on and no rejection is left unhandled', async () => {
    const unhandled: unknown[] = []
    const onUnhandled = (e: unknown) => unhandled.push(e)
    process.on('unhandledRejection', onUnhandled)
    try {
      const seen: string[] = []
      await using redis = await createRedisScripting({
        store: memoryStore(),
        onLog: async (_level, message) => {
          seen.push(message)
          throw new Error('log line refused')
        },
      })
      expect(await redis.command(['EVAL', LOGS, '0'])).toEqual(['true', 'nil'])
      expect(seen).toEqual(['a', 'b'])
      await new Promise((r) => setTimeout(r, 50))
      expect(unhandled).toEqual([])
    } finally {
      process.off('unhandledRejection', onUnhandled)
    }
  })

  it("ignores an onLog that throws, as the rejection: the script goes on and never sees the host's error", async () => {
    await using redis = await createRedisScripting({
      store: memoryStore(),
      onLog: () => {
        throw new Error('internal: /srv/secret unreadable')
      },
    })
    expect(await redis.command(['EVAL', LOGS, '0'])).toEqual(['true', 'nil'])
  })

  it('takes maxBytes 0 as no limit, as Redis takes maxmemory 0', async () => {
    await using redis = await createRedisScripting({ store: memoryStore({ maxBytes: 0 }) })
    for (let i = 0; i < 3; i++) expect(await redis.command(['SET', `k${i}`, 'v'.repeat(1000)])).toBe('OK')
    expect(await redis.command(['EVAL', "return redis.call('RPUSH', 'l', 'x')", '0'])).toBe(1)
  })
})
