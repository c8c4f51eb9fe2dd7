import { describe, expect, it } from 'vitest'
import { createRedisScripting, memoryStore, type RedisScripting, type RedisStore } from '../src/index.js'
import { ErrorReply, OK } from '../src/store/replies.js'
import { hasRedisServer, type RealRedis } from './real-redis.js'
import { bothSides } from './both-sides.js'
import { type Scenario, twoConnectionScenarios } from './two-connections.js'

const SCENARIOS: Record<string, Scenario> = {
  'each connection has its own database': async ({ a, b }) => [
    await a('SET', 'k', 'zero'),
    await a('SELECT', '1'),
    await a('SET', 'k', 'one'),
    await b('GET', 'k'),
    await b('EVAL', "return redis.call('GET', KEYS[1])", '1', 'k'),
    await b('SELECT', '1'),
    await b('GET', 'k'),
    await a('SELECT', '0'),
    await a('GET', 'k'),
    await b('EVAL', "redis.call('SELECT', 0) return redis.call('GET', KEYS[1])", '1', 'k'),
    await b('GET', 'k'),
  ],
  'a watch is of the connection database': async ({ a, b }) => [
    await a('SELECT', '1'),
    await a('WATCH', 'k'),
    await b('SET', 'k', 'in 0'),
    await a('MULTI'),
    await a('GET', 'k'),
    await a('EXEC'),
    await a('WATCH', 'k'),
    await b('SELECT', '1'),
    await b('SET', 'k', 'in 1'),
    await a('MULTI'),
    await a('GET', 'k'),
    await a('EXEC'),
  ],
  'SWAPDB and MOVE by another connection': async ({ a, b }) => [
    await b('SELECT', '1'),
    await b('SET', 'k', 'in 1'),
    await a('WATCH', 'k'),
    await b('SWAPDB', '0', '1'),
    await a('MULTI'),
    await a('GET', 'k'),
    await a('EXEC'),
    await a('GET', 'k'),
    await b('GET', 'k'),
    await a('WATCH', 'k'),
    await b('SELECT', '0'),
    await b('MOVE', 'k', '2'),
    await a('MULTI'),
    await a('GET', 'k'),
    await a('EXEC'),
    await a('SELECT', '2'),
    await a('GET', 'k'),
  ],
}

twoConnectionScenarios('databases across two connections, against redis-server 7.0', SCENARIOS, (name, want) => {
  // redis-server aborts EXEC in these at least once
  if (name !== 'each connection has its own database') expect(want).toContain(null)
})

describe.skipIf(!hasRedisServer)('INFO keyspace, against redis-server 7.0', () => {
  let real: RealRedis
  let redis: RedisScripting

  bothSides((s) => {
    redis = s.redis
    real = s.real as RealRedis
  })

  it('lists each database that has keys', async () => {
    const steps = [
      ['FLUSHALL'],
      ['INFO', 'keyspace'],
      ['SET', 'a', '1'],
      ['SELECT', '2'],
      ['MSET', 'b', '1', 'c', '2'],
      ['INFO', 'keyspace'],
    ]
    const conn = redis.connection()
    const on = real.client.duplicate()
    try {
      for (const argv of steps) {
        const want = await on.call(argv[0] as string, ...argv.slice(1))
        expect(await conn.command(argv)).toEqual(want)
      }
    } finally {
      on.disconnect()
    }
  })
})

describe('databases of the store', () => {
  it('a custom store of one database answers SELECT 1 with its error and is given database 0 only', async () => {
    const inner = memoryStore()
    const dbs = new Set<number | undefined>()
    const store: RedisStore = {
      describe: (name) => inner.describe(name),
      now: () => inner.now(),
      execute(argv, now, db) {
        dbs.add(db)
        if (argv[0]?.toString().toLowerCase() === 'select' && argv[1]?.toString() !== '0') {
          return argv.length === 2 ? new ErrorReply('ERR this store has database 0 only') : inner.execute(argv, now)
        }
        return inner.execute(argv, now)
      },
    }
    const redis = await createRedisScripting({ store })
    try {
      await redis.command(['SET', 'k', 'v'])
      await expect(redis.command(['SELECT', '1'])).rejects.toThrow('ERR this store has database 0 only')
      await expect(redis.eval("redis.call('SELECT', 1) return 1")).rejects.toThrow('ERR this store has database 0 only')
      expect(await redis.eval("redis.pcall('SELECT', 1) return redis.call('GET', 'k')")).toBe('v')
      expect(await redis.command(['SELECT', '0'])).toBe('OK')
      expect(await redis.command(['GET', 'k'])).toBe('v')
      expect([...dbs]).toEqual([0])
    } finally {
      await redis.close()
    }
  })

  it('one maxBytes bounds every database together; FLUSHALL empties them all', async () => {
    const redis = await createRedisScripting({ store: memoryStore({ maxBytes: 200_000 }) })
    try {
      const one = redis.connection()
      await one.command(['SELECT', '1'])
      for (let i = 0; (await one.reply(['SET', `k${i}`, 'x'.repeat(10_000)])) === OK; i++) expect(i).toBeLessThan(100)
      await expect(redis.command(['SET', 'db0', 'v'])).rejects.toThrow('OOM command not allowed')
      await redis.command(['SWAPDB', '0', '1'])
      await expect(one.command(['SET', 'db1', 'v'])).rejects.toThrow('OOM command not allowed')
      await one.command(['FLUSHALL'])
      expect(await redis.command(['SET', 'db0', 'v'])).toBe('OK')
      expect(await one.command(['DBSIZE'])).toBe(0)
    } finally {
      await redis.close()
    }
  })
})
