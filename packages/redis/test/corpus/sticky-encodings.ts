import type { CorpusCase } from '../differential.js'
import { cmds, evalStep, script, unordered } from './helpers.js'

/**
 * One SSCAN/HSCAN/ZSCAN call from cursor 0 with COUNT `ARGV[2]`: whether the cursor it
 * answers is 0 (the collection answered whole), and whether the page holds at least one and
 * fewer than all of the collection's members. Redis's hashtable buckets depend on a random
 * seed, so which members come first is not compared; these two answers are deterministic
 * for 5+ members in a table of 8 buckets.
 */
const FIRST_PAGE = `local r = redis.call(ARGV[1], KEYS[1], '0', 'COUNT', ARGV[2])
local total = ARGV[1] == 'SSCAN' and redis.call('SCARD', KEYS[1]) or (ARGV[1] == 'HSCAN' and redis.call('HLEN', KEYS[1]) or redis.call('ZCARD', KEYS[1]))
local per = ARGV[1] == 'SSCAN' and 1 or 2
local got = #r[2] / per
return {r[1] == '0' and 'whole' or 'paged', got >= 1 and got < total and 'part' or got}`

const firstPage = (cmd: string, key: string) => evalStep(FIRST_PAGE, [key], [cmd, '1'])
const LONG = 'v'.repeat(65)

/**
 * Redis 7.0 converts a small set (intset) or hash (listpack) to a hashtable once a write goes
 * past the compact encoding's limits, and never back: SSCAN/HSCAN page it from then on, even
 * once it is small again; COPY and RENAME keep the encoding.
 */
export const STICKY_ENCODING_CASES: CorpusCase[] = [
  cmds(
    'sscan pages an intset that took a string member, once removed',
    'SADD s 1 2 3 4 5',
    'SADD s x',
    'SREM s x',
    firstPage('SSCAN', 's'),
  ),
  cmds('sscan answers an intset never converted whole', 'SADD s 1 2 3 4 5', firstPage('SSCAN', 's')),
  script(
    'sscan pages a set that held 513 integers, once back to 8',
    `for i = 1, 513 do redis.call('SADD', KEYS[1], i) end
for i = 9, 513 do redis.call('SREM', KEYS[1], i) end
local r = redis.call('SSCAN', KEYS[1], '0', 'COUNT', 1)
-- a table of 1,024 buckets holding 8: a page of COUNT 1 (10 buckets at most) may be empty
return {r[1] == '0' and 'whole' or 'paged', #r[2] < 8}`,
    [],
    ['s'],
  ),
  unordered(cmds('smembers of a converted set of integers', 'SADD s 1 2 3 4 5', 'SADD s x', 'SREM s x', 'SMEMBERS s')),
  cmds(
    'sscan pages a converted set after COPY and RENAME',
    'SADD s 1 2 3 4 5',
    'SADD s x',
    'SREM s x',
    'COPY s c',
    'RENAME s r',
    firstPage('SSCAN', 'c'),
    firstPage('SSCAN', 'r'),
  ),
  cmds(
    'a set deleted and re-created is an intset again',
    'SADD s 1 2 3 4 5',
    'SADD s x',
    'DEL s',
    'SADD s 1 2 3 4 5',
    firstPage('SSCAN', 's'),
  ),
  cmds(
    'hscan pages a hash that held a 65-byte value',
    ['HSET', 'h', 'a', LONG],
    'HSET h a 1 b 2 c 3 d 4 e 5',
    firstPage('HSCAN', 'h'),
    'COPY h c',
    firstPage('HSCAN', 'c'),
  ),
  cmds(
    'hscan pages a hash that held a 65-byte field',
    ['HSET', 'h', 'f'.repeat(65), '1'],
    'HSET h b 2 c 3 d 4 e 5',
    ['HDEL', 'h', 'f'.repeat(65)],
    firstPage('HSCAN', 'h'),
  ),
  cmds(
    'hscan after hincrbyfloat writes a long value',
    'HINCRBYFLOAT h a 1e60',
    'HGET h a',
    'HSET h a 1 b 2 c 3 d 4 e 5',
    firstPage('HSCAN', 'h'),
  ),
  cmds(
    'hscan answers a hash of short values whole',
    ['HSET', 'h', 'a', 'v'.repeat(64)],
    'HSET h a 1 b 2 c 3 d 4 e 5',
    firstPage('HSCAN', 'h'),
  ),
  script(
    'hscan pages a hash that held 513 fields, once back to 8',
    `for i = 1, 513 do redis.call('HSET', KEYS[1], 'f' .. i, i) end
for i = 9, 513 do redis.call('HDEL', KEYS[1], 'f' .. i) end
local r = redis.call('HSCAN', KEYS[1], '0', 'COUNT', 1)
return {r[1] == '0' and 'whole' or 'paged', #r[2] < 16}`,
    [],
    ['h'],
  ),
  script(
    'hscan answers a hash of 512 short fields whole (hash-max-listpack-entries is 512 in 7.0)',
    `for i = 1, 512 do redis.call('HSET', KEYS[1], 'f' .. i, i) end
local r = redis.call('HSCAN', KEYS[1], '0', 'COUNT', 1)
return {r[1], #r[2], r[2][1], r[2][1023]}`,
    [],
    ['h'],
  ),
  cmds(
    'zscan pages a sorted set that held a 65-byte member',
    ['ZADD', 'z', '1', LONG],
    'ZADD z 1 a 2 b 3 c 4 d 5 e',
    ['ZREM', 'z', LONG],
    firstPage('ZSCAN', 'z'),
  ),
]
