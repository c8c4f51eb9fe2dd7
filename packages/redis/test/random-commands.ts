// Over 250 lines: one table of command shapes, kept together so the mix can be read at once
import { seededRandom } from '@polyhost/core/engine'
import { floatShapes } from './random-floats.js'
import { geoShapes } from './random-geo.js'
import { keyspaceShapes } from './random-keyspace.js'
import { streamShapes } from './random-streams.js'
import type { Step, Tools } from './random-tools.js'

/**
 * Seeded random command sequences for the differential hunt (`random-commands.test.ts`):
 * strings with odd numbers, SET/GETEX options, lists, hashes, sets, sorted sets, expiry,
 * OBJECT ENCODING near the thresholds, SORT, TYPE/EXISTS, wrong arity and wrong types, over a
 * few keys so types collide; GEO and HyperLogLog (`random-geo.ts`), stream groups
 * (`random-streams.ts`), float formatting and blocking pops (`random-floats.ts`), databases,
 * SCAN and DUMP (`random-keyspace.ts`).
 * Random picks (SPOP, SRANDMEMBER ...) are marked for summaries.
 */

export type { Argv, Step, Summary } from './random-tools.js'

/** Number-like texts at the edges Redis parses (`string2ll`, `strtold`, `strtod`). */
export const ODD_NUMBERS = [
  '0',
  '1',
  '-1',
  '3',
  '10',
  '1e3',
  ' 1',
  '1 ',
  '0x10',
  '-0',
  '+0',
  '007',
  '+5',
  '5.0',
  '1.5',
  '-2.5',
  '0.1',
  '1e-5',
  '1e21',
  '-0.0',
  '.5',
  '5.',
  'inf',
  '+inf',
  '-inf',
  'Infinity',
  'nan',
  '-nan',
  'abc',
  '',
  '9223372036854775807',
  '9223372036854775806',
  '9223372036854775808',
  '-9223372036854775808',
  '-9223372036854775807',
  '-9223372036854775809',
  '4611686018427387904',
  '18446744073709551615',
  '1e308',
  '1.7976931348623157e308',
  '4e-324',
  '2147483648',
  '-2147483649',
  '9007199254740993',
  '0.30000000000000004',
  '123456789012345678',
  '1e17',
  '3.0e2',
]

/** The generator for one seed. */
export function randomSequences(seed: number) {
  const rnd = seededRandom(seed)
  const int = (n: number) => Math.floor(rnd() * n)
  const pick = <T>(xs: readonly T[]): T => xs[int(xs.length)] as T
  const chance = (p: number) => rnd() < p
  const keys = ['a', 'b', 'c', 'd']
  const key = () => pick(keys)
  const num = () => pick(ODD_NUMBERS)
  const smallInt = () => String(int(11) - 5)
  const idx = () => pick([smallInt, () => pick(['100', '-100', '9223372036854775807', '-9223372036854775808', '2147483648', 'x', '1.5'])])()
  const value = () =>
    pick([
      num,
      () => `v${int(6)}`,
      () => 'x'.repeat(pick([44, 45, 63, 64, 65])),
      () => String(int(20)),
      () => pick(['a', 'b', 'c', 'A', 'aa', 'ab', '\u00e9']),
    ])()
  const member = () => pick([() => `m${int(6)}`, () => String(int(8) - 2), () => 'x'.repeat(pick([64, 65])), num])()
  const score = () =>
    pick([
      () => String(int(9) - 4),
      () => pick(['inf', '-inf', '+inf', '1e-5', '1e21', '-0', '-0.0', '0.1', '1.5', 'nan', '1e308', '3.9', 'x', '(1']),
    ])()
  const range = () => pick(['-inf', '+inf', '(1', '1', '(0', '2.5', '(-inf', 'x', '(', '5', '-1', '0'])
  const lex = () => pick(['-', '+', '[a', '(a', '[m2', '(m4', 'a', '[', '(', '[m0'])
  // no short times: the two sides run a step at different moments (100000 ms is long enough)
  const times = () =>
    pick(['100000', '0', '-1', '1.5', 'x', '9223372036854775807', '9223372036854', '99999999999', '4000000000000', '-9223372036854775808'])
  const some = (f: () => string, max = 4) => Array.from({ length: 1 + int(max) }, f)

  const setOpts = (): string[] => {
    const opts = ['NX', 'XX', 'GET', 'KEEPTTL', 'EX', 'PX', 'EXAT', 'PXAT', 'ex', 'Px']
    const out: string[] = []
    for (let i = int(4); i > 0; i--) {
      const o = pick(opts)
      out.push(o)
      if (/^(ex|px|exat|pxat)$/i.test(o) && chance(0.9))
        out.push(pick(['100000', '2000000000', '2000000000000', '0', '-5', '1.5', 'x', '9223372036854775807']))
    }
    return out
  }

  const shapes: (() => Step)[] = [
    // strings and counters
    () => ({ argv: ['SET', key(), value(), ...setOpts()] }),
    () => ({ argv: ['SET', key(), value()] }),
    () => ({ argv: ['GET', key()] }),
    () => ({
      argv: [
        'GETEX',
        key(),
        ...pick([
          [],
          ['PERSIST'],
          ['EX', times()],
          ['PX', times()],
          ['EXAT', times()],
          ['PXAT', times()],
          ['EX'],
          ['PERSIST', 'EX', '5'],
          ['FOO'],
        ]),
      ],
    }),
    () => ({ argv: ['GETDEL', key()] }),
    () => ({ argv: ['GETSET', key(), value()] }),
    () => ({ argv: [pick(['INCR', 'DECR']), key()] }),
    () => ({ argv: [pick(['INCRBY', 'DECRBY']), key(), num()] }),
    () => ({ argv: ['INCRBYFLOAT', key(), num()] }),
    () => ({ argv: ['APPEND', key(), value()] }),
    () => ({ argv: ['STRLEN', key()] }),
    () => ({ argv: ['GETRANGE', key(), idx(), idx()] }),
    () => ({ argv: ['SETRANGE', key(), pick(['0', '1', '3', '-1', 'x']), value()] }),
    () => ({ argv: ['MSET', key(), value(), key(), value()] }),
    () => ({ argv: ['MSETNX', key(), value(), key(), value()] }),
    () => ({ argv: ['MGET', ...some(key)] }),
    () => ({ argv: [pick(['SETEX', 'PSETEX']), key(), times(), value()] }),
    () => ({ argv: ['SETNX', key(), value()] }),
    // keys and expiry
    () => ({ argv: ['TYPE', key()] }),
    () => ({ argv: ['EXISTS', ...some(key, 5)] }),
    () => ({ argv: [pick(['DEL', 'UNLINK', 'TOUCH']), ...some(key)] }),
    () => ({
      argv: [
        pick(['EXPIRE', 'PEXPIRE', 'EXPIREAT', 'PEXPIREAT']),
        key(),
        times(),
        ...(chance(0.6) ? [pick(['NX', 'XX', 'GT', 'LT', 'nx', 'FOO'])] : []),
        ...(chance(0.15) ? [pick(['NX', 'XX', 'GT', 'LT'])] : []),
      ],
    }),
    () => ({ argv: [pick(['TTL', 'PTTL', 'EXPIRETIME', 'PEXPIRETIME']), key()], random: 'time' }),
    () => ({ argv: ['PERSIST', key()] }),
    () => ({ argv: [pick(['RENAME', 'RENAMENX']), key(), key()] }),
    () => ({ argv: ['COPY', key(), key(), ...(chance(0.5) ? ['REPLACE'] : [])] }),
    () => ({ argv: ['OBJECT', 'ENCODING', key()] }),
    // lists
    () => ({ argv: [pick(['LPUSH', 'RPUSH', 'LPUSHX', 'RPUSHX']), key(), ...some(value)] }),
    () => ({ argv: [pick(['LPOP', 'RPOP']), key(), ...(chance(0.4) ? [idx()] : [])] }),
    () => ({ argv: ['LRANGE', key(), idx(), idx()] }),
    () => ({ argv: ['LINDEX', key(), idx()] }),
    () => ({ argv: ['LSET', key(), idx(), value()] }),
    () => ({ argv: ['LLEN', key()] }),
    () => ({ argv: ['LTRIM', key(), idx(), idx()] }),
    () => ({ argv: ['LREM', key(), idx(), value()] }),
    () => ({ argv: ['LINSERT', key(), pick(['BEFORE', 'AFTER', 'after', 'x']), value(), value()] }),
    () => ({
      argv: [
        'LPOS',
        key(),
        value(),
        ...(chance(0.5) ? ['RANK', pick(['1', '-1', '2', '-2', '0', 'x', '-9223372036854775808', '9223372036854775807'])] : []),
        ...(chance(0.5) ? ['COUNT', pick(['0', '1', '2', '-1', 'x'])] : []),
        ...(chance(0.4) ? ['MAXLEN', pick(['0', '1', '3', '-1'])] : []),
      ],
    }),
    () => ({ argv: ['LMOVE', key(), key(), pick(['LEFT', 'RIGHT']), pick(['LEFT', 'RIGHT', 'UP'])] }),
    () => ({ argv: ['RPOPLPUSH', key(), key()] }),
    () => ({
      argv: [
        'LMPOP',
        pick(['1', '2', '0', '-1']),
        key(),
        key(),
        pick(['LEFT', 'RIGHT', 'MID']),
        ...(chance(0.5) ? ['COUNT', pick(['0', '1', '3', '-1'])] : []),
      ],
    }),
    // hashes
    () => ({ argv: [pick(['HSET', 'HMSET']), key(), ...some(() => `${member()}\u0000${value()}`, 3).flatMap((p) => p.split('\u0000'))] }),
    () => ({ argv: ['HSETNX', key(), member(), value()] }),
    () => ({ argv: [pick(['HGET', 'HEXISTS', 'HSTRLEN']), key(), member()] }),
    () => ({ argv: ['HGETALL', key()], random: 'pairs' }),
    () => ({ argv: [pick(['HKEYS', 'HVALS']), key()], random: 'sorted' }),
    () => ({ argv: ['HLEN', key()] }),
    () => ({ argv: ['HMGET', key(), ...some(member)] }),
    () => ({ argv: ['HDEL', key(), ...some(member)] }),
    () => ({ argv: ['HINCRBY', key(), member(), num()] }),
    () => ({ argv: ['HINCRBYFLOAT', key(), member(), num()] }),
    () => ({
      argv: [
        'HRANDFIELD',
        key(),
        ...(chance(0.8) ? [pick(['-5', '-1', '0', '1', '3', '100', 'x'])] : []),
        ...(chance(0.4) ? ['WITHVALUES'] : []),
      ],
      random: 'size',
    }),
    // sets
    () => ({ argv: ['SADD', key(), ...some(member)] }),
    () => ({ argv: ['SREM', key(), ...some(member)] }),
    () => ({ argv: [pick(['SISMEMBER']), key(), member()] }),
    () => ({ argv: ['SMISMEMBER', key(), ...some(member)] }),
    () => ({ argv: ['SCARD', key()] }),
    () => ({ argv: ['SMEMBERS', key()], random: 'sorted' }),
    () => ({ argv: [pick(['SINTER', 'SUNION', 'SDIFF']), ...some(key, 3)], random: 'sorted' }),
    () => ({ argv: [pick(['SINTERSTORE', 'SUNIONSTORE', 'SDIFFSTORE']), key(), ...some(key, 3)] }),
    () => ({
      argv: ['SINTERCARD', pick(['1', '2', '0', '3', 'x']), key(), key(), ...(chance(0.5) ? ['LIMIT', pick(['0', '1', '-1', 'x'])] : [])],
    }),
    () => ({ argv: ['SMOVE', key(), key(), member()] }),
    () => ({ argv: ['SRANDMEMBER', key(), ...(chance(0.7) ? [pick(['-5', '-1', '0', '1', '3', '100', 'x'])] : [])], random: 'size' }),
    // sorted sets
    () => ({
      argv: [
        'ZADD',
        key(),
        ...Array.from({ length: int(3) }, () => pick(['NX', 'XX', 'GT', 'LT', 'CH', 'INCR'])),
        ...some(() => `${score()}\u0000${member()}`, 3).flatMap((p) => p.split('\u0000')),
      ],
    }),
    () => ({ argv: ['ZINCRBY', key(), score(), member()] }),
    () => ({ argv: [pick(['ZSCORE', 'ZRANK', 'ZREVRANK']), key(), member()] }),
    () => ({ argv: ['ZMSCORE', key(), ...some(member)] }),
    () => ({ argv: ['ZREM', key(), ...some(member)] }),
    () => ({ argv: ['ZCARD', key()] }),
    () => ({ argv: ['ZCOUNT', key(), range(), range()] }),
    () => ({ argv: ['ZLEXCOUNT', key(), lex(), lex()] }),
    () => ({ argv: ['ZRANGE', key(), idx(), idx(), ...(chance(0.3) ? ['REV'] : []), ...(chance(0.5) ? ['WITHSCORES'] : [])] }),
    () => ({
      argv: [
        'ZRANGE',
        key(),
        range(),
        range(),
        'BYSCORE',
        ...(chance(0.4) ? ['REV'] : []),
        ...(chance(0.4) ? ['LIMIT', pick(['0', '1', '-1']), pick(['1', '2', '-1', '0'])] : []),
        ...(chance(0.5) ? ['WITHSCORES'] : []),
      ],
    }),
    () => ({
      argv: [
        'ZRANGE',
        key(),
        lex(),
        lex(),
        'BYLEX',
        ...(chance(0.4) ? ['REV'] : []),
        ...(chance(0.4) ? ['LIMIT', pick(['0', '1', '-1']), pick(['1', '2', '-1'])] : []),
        ...(chance(0.2) ? ['WITHSCORES'] : []),
      ],
    }),
    () => ({
      argv: [
        'ZRANGESTORE',
        key(),
        key(),
        ...pick([
          [idx(), idx()],
          [range(), range(), 'BYSCORE'],
          [lex(), lex(), 'BYLEX'],
        ]),
        ...(chance(0.3) ? ['REV'] : []),
      ],
    }),
    () => ({
      argv: [
        pick(['ZRANGEBYSCORE', 'ZREVRANGEBYSCORE']),
        key(),
        range(),
        range(),
        ...(chance(0.5) ? ['WITHSCORES'] : []),
        ...(chance(0.3) ? ['LIMIT', '0', pick(['1', '-1'])] : []),
      ],
    }),
    () => ({ argv: [pick(['ZREMRANGEBYSCORE']), key(), range(), range()] }),
    () => ({ argv: ['ZREMRANGEBYRANK', key(), idx(), idx()] }),
    () => ({
      argv: [
        pick(['ZUNION', 'ZINTER', 'ZDIFF']),
        pick(['2', '1', '0']),
        key(),
        key(),
        ...(chance(0.4) ? ['WEIGHTS', pick(['1', '2', 'inf', '-inf', '0', '-1', 'nan', 'x']), pick(['1', 'inf', '-inf', '0', '0.5'])] : []),
        ...(chance(0.4) ? ['AGGREGATE', pick(['SUM', 'MIN', 'MAX', 'AVG'])] : []),
        ...(chance(0.6) ? ['WITHSCORES'] : []),
      ],
    }),
    () => ({
      argv: [
        pick(['ZUNIONSTORE', 'ZINTERSTORE']),
        key(),
        '2',
        key(),
        key(),
        ...(chance(0.5) ? ['WEIGHTS', pick(['1', '2', 'inf', '-inf', '0']), pick(['1', 'inf', '-inf', '0', '-1'])] : []),
        ...(chance(0.4) ? ['AGGREGATE', pick(['SUM', 'MIN', 'MAX'])] : []),
      ],
    }),
    () => ({
      argv: [
        'ZRANDMEMBER',
        key(),
        ...(chance(0.7) ? [pick(['-5', '-1', '0', '1', '3', '100'])] : []),
        ...(chance(0.3) ? ['WITHSCORES'] : []),
      ],
      random: 'size',
    }),
    () => ({ argv: [pick(['ZPOPMIN', 'ZPOPMAX']), key(), ...(chance(0.5) ? [pick(['0', '1', '2', '-1', 'x'])] : [])] }),
    // sort
    () => ({
      argv: [
        pick(['SORT', 'SORT_RO']),
        key(),
        ...(chance(0.3) ? ['BY', pick(['nosort', '*', 'w_*', 'h*->f'])] : []),
        ...(chance(0.3) ? ['LIMIT', pick(['0', '1', '-1']), pick(['2', '-1', '0'])] : []),
        ...(chance(0.3) ? ['GET', pick(['#', '*', 'w_*', 'h*->f'])] : []),
        ...(chance(0.3) ? [pick(['ASC', 'DESC'])] : []),
        ...(chance(0.4) ? ['ALPHA'] : []),
      ],
      random: 'sorted',
    }),
    // collections at the encoding thresholds, then their encoding
    () => {
      const n = pick([127, 128, 129, 511, 512, 513])
      const k = key()
      return pick<() => Step>([
        () => ({ argv: ['SADD', k, ...Array.from({ length: n }, (_, i) => String(i * pick([1, 1, 7, 70000, -3])))] }),
        () => ({ argv: ['HSET', k, ...Array.from({ length: n }, (_, i) => [`f${i}`, i === 5 ? value() : String(i)]).flat()] }),
        () => ({ argv: ['ZADD', k, ...Array.from({ length: n }, (_, i) => [String(i % 7), `m${i}`]).flat()] }),
        () => ({ argv: ['RPUSH', k, ...Array.from({ length: n }, (_, i) => String(i))] }),
      ])()
    },
    () => ({ argv: ['OBJECT', 'ENCODING', key()] }),
    () => ({ argv: ['OBJECT', pick(['REFCOUNT', 'FREQ', 'HELP', 'NOPE']), key()] }),
    // what SORT BY and GET patterns read
    () => ({ argv: ['MSET', `w_${member()}`, pick([smallInt, num])(), `w_${member()}`, pick([smallInt, num])()] }),
    () => ({ argv: ['HSET', `h${member()}`, 'f', pick([smallInt, num])()] }),
    () => ({
      argv: [
        'SORT',
        key(),
        'BY',
        pick(['w_*', 'h*->f', 'nosort', 'w_*->f', '*']),
        ...(chance(0.5) ? ['GET', pick(['#', 'w_*', 'h*->f', 'h*->'])] : []),
        ...(chance(0.5) ? ['GET', '#'] : []),
        ...(chance(0.4) ? ['ALPHA'] : []),
        ...(chance(0.3) ? ['DESC'] : []),
        ...(chance(0.3) ? ['LIMIT', pick(['0', '1']), pick(['1', '-1', '3'])] : []),
      ],
      random: 'sorted',
    }),
    () => ({ argv: ['SORT', key(), ...(chance(0.5) ? ['ALPHA'] : []), 'STORE', key()] }),
    // bits, more ranges and reads
    () => ({ argv: ['SETBIT', key(), pick(['0', '7', '100', '-1', '4294967296', 'x']), pick(['0', '1', '2'])] }),
    () => ({ argv: ['GETBIT', key(), pick(['0', '7', '100', '-1', 'x'])] }),
    () => ({ argv: ['BITCOUNT', key(), ...(chance(0.6) ? [idx(), idx()] : []), ...(chance(0.3) ? [pick(['BIT', 'BYTE', 'x'])] : [])] }),
    () => ({
      argv: [
        'BITPOS',
        key(),
        pick(['0', '1', '2']),
        ...(chance(0.6) ? [idx()] : []),
        ...(chance(0.4) ? [idx()] : []),
        ...(chance(0.3) ? [pick(['BIT', 'BYTE'])] : []),
      ],
    }),
    () => ({ argv: ['SUBSTR', key(), idx(), idx()] }),
    () => ({ argv: ['LCS', key(), key(), ...(chance(0.5) ? [pick(['LEN', 'IDX', 'WITHMATCHLEN'])] : [])] }),
    () => ({ argv: [pick(['ZREVRANGE']), key(), idx(), idx(), ...(chance(0.5) ? ['WITHSCORES'] : [])] }),
    () => ({
      argv: [
        pick(['ZRANGEBYLEX', 'ZREVRANGEBYLEX', 'ZREMRANGEBYLEX']),
        key(),
        lex(),
        lex(),
        ...(chance(0.3) ? ['LIMIT', pick(['0', '1']), pick(['1', '-1', '2'])] : []),
      ],
    }),
    () => ({ argv: ['ZDIFFSTORE', key(), pick(['1', '2', '3']), key(), key()] }),
    () => ({ argv: ['ZINTERCARD', pick(['1', '2', '0']), key(), key(), ...(chance(0.5) ? ['LIMIT', pick(['0', '1', '-1'])] : [])] }),
    () => ({
      argv: [
        'ZMPOP',
        pick(['1', '2']),
        key(),
        key(),
        pick(['MIN', 'MAX', 'x']),
        ...(chance(0.5) ? ['COUNT', pick(['0', '1', '3', '-1'])] : []),
      ],
    }),
    // Redis counts a key SET with a past EXAT/PXAT until its active expiry runs (README,
    // deviations): the count's timing is the server's; KEYS compares the live keys exactly
    () => ({ argv: ['DBSIZE'], random: 'size' }),
    () => ({ argv: ['KEYS', pick(['*', '?', '[a-b]', 'w_*', 'h*'])], random: 'sorted' }),
    () => ({ argv: [pick(['ECHO', 'PING']), value()] }),
    // streams
    () => ({
      argv: [
        'XADD',
        key(),
        ...(chance(0.2) ? ['NOMKSTREAM'] : []),
        ...(chance(0.3) ? [pick(['MAXLEN', 'MINID']), pick(['=', '~', '0', '2']), ...(chance(0.5) ? ['2'] : [])] : []),
        pick(['1-1', '0-1', '5', '0-0', '7-3', '18446744073709551615-18446744073709551615', 'x', '3-2']),
        ...some(() => `${member()}\u0000${value()}`, 2).flatMap((p) => p.split('\u0000')),
      ],
    }),
    () => ({
      argv: [
        pick(['XRANGE', 'XREVRANGE']),
        key(),
        pick(['-', '+', '0', '(1-1', '1', '5-0', '(0-0']),
        pick(['-', '+', '9', '(5-0', '1-1']),
        ...(chance(0.4) ? ['COUNT', pick(['0', '1', '-1', '2'])] : []),
      ],
    }),
    () => ({ argv: ['XLEN', key()] }),
    () => ({ argv: ['XDEL', key(), ...some(() => pick(['1-1', '0-1', '5-0', 'x']))] }),
    () => ({
      argv: [
        'XTRIM',
        key(),
        pick(['MAXLEN', 'MINID', 'x']),
        ...(chance(0.4) ? [pick(['=', '~'])] : []),
        pick(['0', '1', '2', '5-0', '-1']),
      ],
    }),
    () => ({ argv: ['XREAD', ...(chance(0.4) ? ['COUNT', pick(['1', '0', '-1'])] : []), 'STREAMS', key(), pick(['0', '$', '1-1', 'x'])] }),
    // bit operations, scans, dumps, databases
    () => ({ argv: ['BITOP', pick(['AND', 'OR', 'XOR', 'NOT', 'x']), key(), ...some(key, 2)] }),
    () => ({
      argv: [
        pick(['BITFIELD', 'BITFIELD_RO']),
        key(),
        ...pick([
          ['GET', pick(['u8', 'i64', 'u63', 'u64', 'i1', 'x']), pick(['0', '#1', '-1', '7'])],
          ['SET', pick(['u8', 'i8', 'i64']), pick(['0', '#2']), num()],
          ['INCRBY', pick(['u2', 'i8', 'i64']), '0', num()],
          ['OVERFLOW', pick(['SAT', 'FAIL', 'WRAP', 'x']), 'INCRBY', 'i8', '0', num()],
        ]),
      ],
    }),
    () => {
      const cursor = pick(['0', 'x', '-1', '18446744073709551615'])
      return {
        argv: [
          pick(['HSCAN', 'SSCAN', 'ZSCAN']),
          key(),
          cursor,
          ...(chance(0.4) ? ['MATCH', pick(['*', 'm*', '?'])] : []),
          ...(chance(0.3) ? ['COUNT', pick(['1', '0', '1000', 'x'])] : []),
        ],
        // from a cursor inside a hash table, what is left follows the table's hash seed
        random: /^(0|x)$/.test(cursor) ? 'sorted' : 'size',
      }
    },
    // a table-encoded set's or hash's payload follows Redis's hash table
    () => ({ argv: ['DUMP', key()], random: 'size' }),
    () => ({ argv: ['RESTORE', key(), pick(['0', '100000', '-1', 'x']), pick(['', 'x', '\u0000\u0001a\u000a\u0000'])] }),
    () => ({ argv: ['MOVE', key(), pick(['1', '0', '16', 'x'])] }),
    () => ({ argv: ['SETRANGE', key(), pick(['0', '5', '44', '45', '100']), value()] }),
    () => ({
      argv: [
        'GETRANGE',
        key(),
        pick(['0', '-1', '5', '-100', '9223372036854775807']),
        pick(['-1', '0', '3', '-9223372036854775808', '100']),
      ],
    }),
    // wrong arity / unknown
    () => ({
      argv: [
        pick([
          'GET',
          'SET',
          'LPUSH',
          'HSET',
          'ZADD',
          'SADD',
          'EXPIRE',
          'LRANGE',
          'ZRANGE',
          'HINCRBYFLOAT',
          'GETEX',
          'LPOS',
          'INCRBYFLOAT',
          'SINTERCARD',
          'ZRANGESTORE',
        ]),
      ],
    }),
    () => ({ argv: [pick(['HSET', 'ZADD', 'MSET', 'HMSET']), key(), 'x'] }),
  ]
  const tools: Tools = { int, pick, chance, key, member, value, num, some }
  const families = [geoShapes(tools), streamShapes(tools), floatShapes(tools), keyspaceShapes(tools)]
  shapes.push(...families.flat())

  return {
    /**
     * One sequence: `length` steps, each from a random shape; most sequences focus on one
     * family, half their steps drawn from it, so that its state (groups, points) builds up.
     */
    sequence(length: number): Step[] {
      const focus = chance(0.6) ? pick(families) : shapes
      const step = () => (chance(0.5) ? pick(focus) : pick(shapes))()
      // a SORT of a set (hash-table order, or ties of equal BY values) with a LIMIT answers a random part
      return Array.from({ length }, step).map((s) =>
        /^sort/i.test(s.argv[0] as string) && s.argv.includes('LIMIT') ? { ...s, random: 'size' } : s,
      )
    },
    int,
    pick,
  }
}

/**
 * A script that runs every command of a step list through `redis.pcall` (ARGV: for each
 * command, its argument count, then its arguments) and answers each reply in order, nil as
 * the text `<nil>` (a nil inside a Lua table would end the array).
 */
export const PCALL_ALL = `local out, i = {}, 1
while i <= #ARGV do
  local n = tonumber(ARGV[i])
  local a = {}
  for j = 1, n do a[j] = ARGV[i + j] end
  i = i + n + 1
  local r = redis.pcall(unpack(a))
  if r == false or r == nil then r = '<nil>' end
  out[#out + 1] = r
end
return out`

/** ARGV for `PCALL_ALL`. */
export function pcallArgs(steps: readonly Step[]): string[] {
  return steps.flatMap((s) => [String(s.argv.length), ...s.argv])
}
