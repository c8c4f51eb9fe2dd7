import type { CorpusCase } from '../differential.js'
import { cmds, evalStep, script } from './helpers.js'
import { pick, picks } from './picked.js'

const range = (n: number, f: (i: number) => string) => Array.from({ length: n }, (_, i) => f(i))

/**
 * A full iteration from a script, COUNT `ARGV[2]`: how many distinct members it saw, whether
 * each it saw is in the collection (with its value or score, for hashes and sorted sets),
 * and that it ended at cursor "0". Redis's batches differ from these; the totals may not.
 */
const FULL_ITERATION = `local cmd, key, count = ARGV[1], KEYS[1], ARGV[2]
local cursor, seen, distinct, right, calls = '0', {}, 0, 1, 0
repeat
  local r = redis.call(cmd, key, cursor, 'COUNT', count)
  cursor = r[1]
  calls = calls + 1
  local step = cmd == 'SSCAN' and 1 or 2
  for i = 1, #r[2], step do
    local m = r[2][i]
    if not seen[m] then seen[m] = true distinct = distinct + 1 end
    if cmd == 'SSCAN' and redis.call('SISMEMBER', key, m) ~= 1 then right = 0 end
    if cmd == 'HSCAN' and redis.call('HGET', key, m) ~= r[2][i + 1] then right = 0 end
    if cmd == 'ZSCAN' and redis.call('ZSCORE', key, m) ~= r[2][i + 1] then right = 0 end
  end
until cursor == '0' or calls > 10000
return {distinct, right, cursor}`

/**
 * A full SSCAN that removes each member it is handed and adds new ones as it goes: every
 * member present throughout (the ones never removed before being seen) must come back.
 */
const SCAN_WHILE_CHANGING = `local key = KEYS[1]
local cursor, seen, calls = '0', {}, 0
local keep = {}
for _, m in ipairs(redis.call('SMEMBERS', key)) do if string.sub(m, 1, 1) == 'k' then keep[m] = true end end
repeat
  local r = redis.call('SSCAN', key, cursor, 'COUNT', 5)
  cursor = r[1]
  calls = calls + 1
  for _, m in ipairs(r[2]) do
    seen[m] = true
    if string.sub(m, 1, 1) ~= 'k' then redis.call('SREM', key, m) end
    redis.call('SADD', key, 'new' .. calls)
  end
until cursor == '0' or calls > 10000
local missing = 0
for m in pairs(keep) do if not seen[m] then missing = missing + 1 end end
return {missing, cursor}`

/**
 * HSCAN, SSCAN and ZSCAN: errors and option checks exactly; collections Redis 7.0 answers in
 * one reply (small hashes and sorted sets, integer sets) exactly, order included; larger ones
 * by full iterations from scripts.
 */
export const COLLECTION_SCAN_CASES: CorpusCase[] = [
  cmds(
    'hscan, sscan and zscan errors',
    'HSET h f1 v1 f2 v2',
    'SADD s 1 2',
    'ZADD z 1 a',
    'SET str x',
    'HSCAN',
    'HSCAN h',
    'SSCAN s',
    'ZSCAN z',
    'HSCAN h x',
    'HSCAN h 18446744073709551616',
    ['HSCAN', 'h', ' 5'],
    'HSCAN h 1x',
    'HSCAN str x',
    'HSCAN missing x',
    'HSCAN str 0',
    'SSCAN str 0',
    'ZSCAN str 0',
    'SSCAN h 0',
    'HSCAN missing 0',
    'SSCAN missing 0 COUNT 0',
    'ZSCAN missing 0 FOO',
    'HSCAN h 0 COUNT 0',
    'HSCAN h 0 COUNT -1',
    'HSCAN h 0 COUNT x',
    'HSCAN h 0 COUNT 9223372036854775808',
    'HSCAN h 0 COUNT',
    'HSCAN h 0 MATCH',
    'HSCAN h 0 TYPE string',
    'SSCAN s 0 TYPE set',
    'ZSCAN z 0 NOVALUES',
    'HSCAN h 0 NOVALUES',
    'HSCAN h 0 MATCH x COUNT 0',
    'HSCAN h 0 COUNT 0 MATCH',
    'HSCAN h 0 FOO bar',
    'HSCAN h 0 count 9223372036854775807 match * count 1',
  ),
  cmds(
    'hscan of small hashes: insertion order, whole, cursor 0',
    'HSET h f1 v1 f2 v2 f3 v3 x 1',
    'HSCAN h 0',
    'HSCAN h 0 COUNT 1',
    'HSCAN h 99',
    'HSCAN h -1',
    'HSCAN h 0 MATCH f*',
    'HSCAN h 0 MATCH *3',
    'HSCAN h 0 MATCH nothing',
    'HSCAN h 0 match f? count 2',
    'HDEL h f2',
    'HSET h f2 again f1 new',
    'HSCAN h 0',
    ['HSET', 'h', 'long', 'v'.repeat(64), 'v'.repeat(64), 'x'],
    'HSCAN h 0',
    [
      'HSET',
      'n',
      ...range(128, (i) => `f${i} ${i}`)
        .join(' ')
        .split(' '),
    ],
    'HSCAN n 0',
    'HSCAN n 0 MATCH f12*',
  ),
  cmds(
    'zscan of small sorted sets: by score, whole, cursor 0',
    'ZADD z 0.1 c -0 a inf d 1e20 b 5 e -inf f 2 x 2 w',
    'ZSCAN z 0',
    'ZSCAN z 7 COUNT 1',
    'ZSCAN z 0 MATCH [a-d]',
    'ZINCRBY z 10 a',
    'ZSCAN z 0',
    [
      'ZADD',
      'n',
      ...range(128, (i) => `${i % 7} m${i}`)
        .join(' ')
        .split(' '),
    ],
    'ZSCAN n 0',
  ),
  cmds(
    'sscan of integer sets: sorted, whole, cursor 0',
    'SADD i 10 -5 3 9223372036854775807 -9223372036854775808 0',
    'SSCAN i 0',
    'SSCAN i 123 COUNT 1',
    'SSCAN i 0 MATCH -*',
    'SSCAN i 0 MATCH 1*',
    'SREM i 3',
    'SADD i 4',
    'SSCAN i 0',
    ['SADD', 'n', ...range(512, (i) => String(1000 - i * 3))],
    'SSCAN n 0 MATCH *99*',
  ),
  picks(
    'sscan of a small set of strings: every member, cursor 0',
    [],
    'SADD s a b c',
    pick('SSCAN s 0', 'sorted'),
    pick('SSCAN s 0 MATCH [ab]', 'sorted'),
  ),
  ...(['HSCAN', 'SSCAN', 'ZSCAN'] as const).flatMap((cmd) => {
    const setup =
      cmd === 'HSCAN'
        ? [
            'HSET',
            'k',
            ...range(300, (i) => `field:${i} value${i}`)
              .join(' ')
              .split(' '),
          ]
        : cmd === 'SSCAN'
          ? ['SADD', 'k', ...range(300, (i) => `member:${i}`)]
          : [
              'ZADD',
              'k',
              ...range(300, (i) => `${(i * 7) % 11}.5 member:${i}`)
                .join(' ')
                .split(' '),
            ]
    return ['1', '7', '1000'].map((count) =>
      script(`${cmd.toLowerCase()} of a large collection, COUNT ${count}`, FULL_ITERATION, [setup], ['k'], [cmd, count]),
    )
  }),
  script(
    'sscan of a mixed set over 512 integers',
    FULL_ITERATION,
    [['SADD', 'k', ...range(600, (i) => String(i))]],
    ['k'],
    ['SSCAN', '10'],
  ),
  script(
    'hscan of a hash with a long value',
    FULL_ITERATION,
    [['HSET', 'k', 'a', '1', 'b', 'x'.repeat(65), 'c', '3']],
    ['k'],
    ['HSCAN', '1'],
  ),
  script(
    'sscan while members are removed and added',
    SCAN_WHILE_CHANGING,
    [['SADD', 'k', ...range(100, (i) => `k${i}`), ...range(100, (i) => `r${i}`)]],
    ['k'],
  ),
  cmds(
    'scans from scripts, RESP3 too',
    'HSET h f v',
    'ZADD z 1.5 a',
    'SADD i 2 1',
    evalStep("return redis.call('HSCAN', KEYS[1], 0)", ['h']),
    evalStep("return redis.call('ZSCAN', KEYS[1], '0', 'MATCH', 'a')", ['z']),
    evalStep("redis.setresp(3) local r = redis.call('ZSCAN', KEYS[1], 0) return {type(r), r[1], type(r[2]), r[2][2]}", ['z']),
    evalStep("redis.setresp(3) return redis.call('SSCAN', KEYS[1], 0)", ['i']),
    evalStep("return redis.pcall('HSCAN', KEYS[1], 'x')", ['h']),
    evalStep("return redis.pcall('SSCAN', KEYS[1], 0, 'COUNT', 0)", ['i']),
    evalStep("return redis.call('ZSCAN', KEYS[1])", ['z']),
  ),
]
