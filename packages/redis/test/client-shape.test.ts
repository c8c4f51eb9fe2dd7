import { describe, expect, it } from 'vitest'
import { type RedisScripting, ReplyError } from '../src/index.js'
import { hasRedisServer, type RealRedis } from './real-redis.js'
import { bothSides } from './both-sides.js'

/** `command()` answers what ioredis's `call()` answers against redis-server, value and type. */
describe.skipIf(!hasRedisServer)('command() shapes match ioredis call()', () => {
  let real: RealRedis
  let redis: RedisScripting

  bothSides((s) => {
    redis = s.redis
    real = s.real as RealRedis
  })

  const both = async (...argv: string[]) => {
    const want = await real.client.call(argv[0] as string, ...argv.slice(1)).catch((e: Error) => e)
    const got = await redis.command(argv).catch((e: Error) => e)
    return { want, got }
  }

  it.each([
    ['status', ['SET', 'k', 'v']],
    ['bulk', ['GET', 'k']],
    ['nil', ['GET', 'missing']],
    ['integer', ['INCR', 'n']],
    ['array with nil', ['MGET', 'k', 'missing']],
    ['script array', ['EVAL', "return {1, 'a', {2}}", '0']],
    ['script status', ['EVAL', "return redis.status_reply('FINE')", '0']],
    ['array of status lines', ['SCRIPT', 'HELP']],
  ])('%s', async (_name, argv) => {
    const { want, got } = await both(...argv)
    expect(got).toEqual(want)
  })

  it('errors reject with Redis message', async () => {
    const { want, got } = await both('EVAL', "return redis.call('INCR', KEYS[1])", '1', 'k')
    expect(want).toBeInstanceOf(Error)
    expect(got).toBeInstanceOf(ReplyError)
    expect((got as Error).message).toBe((want as Error).message)
  })

  it('bytes that are not UTF-8 come back as a Buffer with the same bytes', async () => {
    const bytes = Buffer.from([0xff, 0x00, 0xc3])
    await real.client.call('SET', 'b', bytes)
    await redis.command(['SET', 'b', bytes])
    const want = await real.client.callBuffer('GET', 'b')
    const got = await redis.command(['GET', 'b'])
    expect(Buffer.isBuffer(got)).toBe(true)
    expect(got).toEqual(want)
  })
})
