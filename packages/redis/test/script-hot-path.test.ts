import { afterEach, describe, expect, it, vi } from 'vitest'
import { createRedisScripting, memoryStore } from '../src/index.js'
import { cmds, evalStep, script } from './corpus/helpers.js'
import { describeCases } from './corpus-runner.js'
import type { CorpusCase } from './differential.js'

/**
 * What the scripts' hot path takes shortcuts on, against redis-server.
 *
 * A script's reply crosses to the host as a list of parts (each string a part of its own
 * after its tag) when it has at most 1,024 parts, and as one length-prefixed text when it
 * has more (lua-reply.ts): both forms against redis-server, around the threshold, with
 * strings that look like the tags themselves, bytes that are not UTF-8, and errors and
 * statuses inside arrays.
 */
const LIB = [
  '#!lua name=parts',
  "redis.register_function('many', function(keys, args) local t = {} for i = 1, tonumber(args[1]) do t[i] = 's' end return t end)",
  "redis.register_function('mixed', function() return { 'e', { err = 'ERR x' }, { ok = 'OK' }, 'o', 7, { 'a1;' } } end)",
].join('\n')

const CASES: CorpusCase[] = [
  script('strings that look like the tags', "return { 's', 'e', 'o', 'z', 'a1;', 'n1;', 'd1;', '', 's5:hello' }"),
  script('bytes that are not UTF-8, UTF-8 and NUL', "return { '\\255\\254', 'é', 'a\\0b', { '\\128' }, '\\0' }"),
  script('errors and statuses inside arrays', "return { { err = 'ERR a\\r\\nb' }, { ok = 'fine\\n' }, redis.error_reply('E x'), 'tail' }"),
  script('nested arrays with numbers, nil and booleans', "return { 1, { 2.5, { 'x', {}, { true, false } } }, -3, 'y', nil, 'z' }"),
  script('a single string', "return 'just text'"),
  script('an array of 511 strings (1,023 parts)', "local t = {} for i = 1, 511 do t[i] = 's' end return t"),
  script('an array of 512 strings (1,025 parts)', "local t = {} for i = 1, 512 do t[i] = 's' end return t"),
  script(
    'an array of 600 mixed values',
    "local t = {} for i = 1, 600 do t[i] = i % 3 == 0 and 'e' or (i % 3 == 1 and i or { ok = 'o' }) end return t",
  ),
  script('an error in a long array', "local t = {} for i = 1, 700 do t[i] = 'o' end t[701] = { err = 'ERR deep' } return t"),
  script(
    'a hash read back as a reply',
    "redis.call('HSET', KEYS[1], 'a', '1', 'b', '\\255') return { redis.call('HGETALL', KEYS[1]), 'id', 0, 0 }",
    [],
    ['h'],
  ),
  cmds(
    'FCALL replies in both forms',
    ['FUNCTION', 'LOAD', LIB],
    ['FCALL', 'many', '0', '3'],
    ['FCALL', 'many', '0', '600'],
    ['FCALL', 'mixed', '0'],
  ),
  cmds('a RESP3 reply of parts', evalStep("redis.setresp(3) return { redis.call('HGETALL', KEYS[1]), { double = 1.5 }, 's' }", ['h'])),
]

describeCases('Script replies as parts and as text', CASES)

/** Scores that are plain integers (read without strtod's scan, c-numbers.ts) and their neighbours that are not. */
const SCORES = ['0', '-0', '007', '-000', '5', '-5', '123456789012345', '-999999999999999', '1234567890123456', '+5', '5.0', '1e3', '0x10']

describeCases('ZADD scores that are plain integers', [
  cmds(
    'ZADD and ZSCORE of each',
    ...SCORES.flatMap((s, i) => [
      ['ZADD', 'z', s, `m${i}`],
      ['ZSCORE', 'z', `m${i}`],
    ]),
  ),
  cmds(
    'ZADD of texts around plain integers',
    ['ZADD', 'z', ' 5', 'a'],
    ['ZADD', 'z', '5 ', 'a'],
    ['ZADD', 'z', '', 'a'],
    ['ZADD', 'z', '-', 'a'],
    ['ZADD', 'z', '--5', 'a'],
    ['ZADD', 'z', '5\u0000', 'a'],
  ),
  cmds(
    'ZINCRBY by plain integers',
    ['ZINCRBY', 'z', '-0', 'a'],
    ['ZINCRBY', 'z', '999999999999999', 'a'],
    ['ZINCRBY', 'z', '-1', 'a'],
    ['ZRANGE', 'z', '0', '-1', 'WITHSCORES'],
  ),
])

describe('the store after a write', () => {
  afterEach(() => {
    vi.restoreAllMocks()
  })

  it('leaves the WATCH signal set alone when the write signalled no key (Set.clear allocates a new table)', async () => {
    const clear = vi.spyOn(Set.prototype, 'clear')
    await using redis = await createRedisScripting({ store: memoryStore() })
    await redis.command(['SET', 'k', 'v'])
    clear.mockClear()
    for (let i = 0; i < 20; i++) await redis.command(['HSET', 'h', `f${i}`, 'v'])
    await redis.command(['EVAL', "for i = 1, 20 do redis.call('INCR', KEYS[1]) end", '1', 'n'])
    expect(clear).not.toHaveBeenCalled()
  })

  it('still clears the signals of a write that signalled a key', async () => {
    await using redis = await createRedisScripting({ store: memoryStore() })
    const c = redis.connection()
    await redis.command(['RPUSH', 'l', 'a'])
    await c.command(['WATCH', 'l'])
    // LTRIM that keeps every element still signals the key (Redis does): the watch fails
    await redis.command(['LTRIM', 'l', '0', '-1'])
    await c.command(['MULTI'])
    await c.command(['LLEN', 'l'])
    expect(await c.command(['EXEC'])).toBeNull()
    // the signal is gone after that write: a new watch holds across another write
    await c.command(['WATCH', 'l'])
    await redis.command(['SET', 'other', '1'])
    await c.command(['MULTI'])
    await c.command(['LLEN', 'l'])
    expect(await c.command(['EXEC'])).toEqual([1])
  })
})
