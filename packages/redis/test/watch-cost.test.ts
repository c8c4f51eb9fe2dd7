import { afterEach, describe, expect, it, vi } from 'vitest'
import { createRedisScripting, memoryStore, type RedisStore } from '../src/index.js'
import { RedisList } from '../src/store/redis-list.js'
import { SetValue } from '../src/store/store-usage.js'
import { cmds, evalStep } from './corpus/helpers.js'
import { describeCases } from './corpus-runner.js'
import type { CorpusCase } from './differential.js'

/**
 * WATCH costs O(1) per write, as Redis's: a watched key's state is never copied, and only
 * the keys a write touches are checked. The rules it relies on (which writes mark a watched
 * key modified) are compared with redis-server below; test/corpus/watch.ts has the rest.
 */
const CASES: CorpusCase[] = [
  cmds('watching a key twice, then another key written', 'RPUSH k a', 'WATCH k', 'WATCH k k', 'SET x 1', 'MULTI', 'LLEN k', 'EXEC'),
  cmds('watching a key twice, then the key written', 'RPUSH k a', 'WATCH k', 'WATCH k', 'RPUSH k b', 'MULTI', 'LLEN k', 'EXEC'),
  cmds('watching a key again after it was written', 'SET k 1', 'WATCH k', 'SET k 2', 'WATCH k', 'MULTI', 'GET k', 'EXEC'),
  cmds('a rename away and back', 'SET k 1', 'WATCH k', 'RENAME k t', 'RENAME t k', 'MULTI', 'GET k', 'EXEC'),
  cmds('a multi-key write that includes the key', 'SET k 1', 'WATCH k', 'MSET a 1 k 1 b 2', 'MULTI', 'GET k', 'EXEC'),
  cmds('a delete of several keys, the watched one among them', 'SADD k a', 'WATCH k', 'DEL x k y', 'MULTI', 'PING', 'EXEC'),
  cmds(
    'a member added and removed by a script',
    'SADD k a',
    'WATCH k',
    evalStep("redis.call('SADD', KEYS[1], 'b') return redis.call('SREM', KEYS[1], 'b')", ['k']),
    'MULTI',
    'PING',
    'EXEC',
  ),
  cmds(
    'a score moved and moved back by a script',
    'ZADD k 1 m',
    'WATCH k',
    evalStep("redis.call('ZADD', KEYS[1], 2, 'm') return redis.call('ZADD', KEYS[1], 1, 'm')", ['k']),
    'MULTI',
    'PING',
    'EXEC',
  ),
  cmds('sinterstore of a set into itself', 'SADD k a b', 'WATCH k', 'SINTERSTORE k k', 'MULTI', 'PING', 'EXEC'),
  cmds('lrem of a present element', 'RPUSH k a b a', 'WATCH k', 'LREM k 1 a', 'MULTI', 'PING', 'EXEC'),
  cmds('hdel of a present field', 'HSET k f v g w', 'WATCH k', 'HDEL k f', 'MULTI', 'PING', 'EXEC'),
  cmds('xadd to a watched stream', 'XADD k 1-1 f v', 'WATCH k', 'XADD k 2-1 f v', 'MULTI', 'PING', 'EXEC'),
  cmds('xtrim removing entries', 'XADD k 1-1 f v', 'XADD k 2-1 f v', 'WATCH k', 'XTRIM k MAXLEN 1', 'MULTI', 'PING', 'EXEC'),
  cmds('a read of another key between writes', 'SET k 1', 'WATCH k x', 'GET x', 'SET y 1', 'MULTI', 'GET k', 'EXEC'),
  cmds('a watch of a missing key that a write creates and a delete removes', 'WATCH k', 'SET k 1', 'DEL k', 'MULTI', 'PING', 'EXEC'),
]

describeCases('WATCH: the rules the O(1) watch relies on', CASES)

describe('WATCH of a big key', () => {
  afterEach(() => {
    vi.restoreAllMocks()
  })

  it('never reads the watched collections while other keys are written', async () => {
    const lists = vi.spyOn(RedisList.prototype, Symbol.iterator)
    const sets = vi.spyOn(SetValue.prototype, 'values')
    const setIterator = vi.spyOn(SetValue.prototype, Symbol.iterator)
    await using redis = await createRedisScripting({ store: memoryStore() })
    await redis.command(['RPUSH', 'big', ...Array.from({ length: 10_000 }, (_, i) => String(i))])
    await redis.command(['SADD', 'members', ...Array.from({ length: 10_000 }, (_, i) => String(i))])
    const c = redis.connection()
    await c.command(['WATCH', 'big', 'members'])
    lists.mockClear()
    sets.mockClear()
    setIterator.mockClear()
    for (let i = 0; i < 50; i++) await redis.command(['SET', 'other', String(i)])
    await redis.command(['EVAL', "for i = 1, 50 do redis.call('INCR', KEYS[1]) end", '1', 'n'])
    await redis.command(['RPUSH', 'big', 'x'])
    await c.command(['MULTI'])
    await c.command(['LLEN', 'big'])
    expect(await c.command(['EXEC'])).toBeNull()
    expect(lists).not.toHaveBeenCalled()
    expect(sets).not.toHaveBeenCalled()
    expect(setIterator).not.toHaveBeenCalled()
  })

  it('watches a key once per connection however often WATCH names it', async () => {
    const inner = memoryStore()
    const watched: string[] = []
    const store: RedisStore = {
      describe: (name) => inner.describe(name),
      execute: (argv, now) => inner.execute(argv, now),
      now: () => inner.now(),
      watch: (keys) => {
        watched.push(...keys.map(String))
        return (inner.watch as NonNullable<RedisStore['watch']>)(keys)
      },
    }
    await using redis = await createRedisScripting({ store })
    const c = redis.connection()
    for (let i = 0; i < 50; i++) await c.command(['WATCH', 'big'])
    await c.command(['WATCH', 'big', 'other'])
    expect(watched).toEqual(['big', 'other'])
    await c.command(['UNWATCH'])
    await c.command(['WATCH', 'big'])
    expect(watched).toEqual(['big', 'other', 'big'])
    // another connection watches on its own
    await redis.connection().command(['WATCH', 'big'])
    expect(watched).toEqual(['big', 'other', 'big', 'big'])
  })
})
