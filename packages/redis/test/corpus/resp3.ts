import type { CorpusCase } from '../differential.js'
import { script, unordered } from './helpers.js'

const R3 = 'redis.setresp(3) '

/**
 * RESP3 in scripts, as Redis 7.0 converts: command replies seen by a script after
 * `redis.setresp(3)` (maps, sets, doubles, nulls), and Lua values returned to a RESP2
 * caller (`{double=}`, `{big_number=}`, `{verbatim_string=}`, `{map=}`, `{set=}`, booleans).
 */
export const RESP3_CASES: CorpusCase[] = [
  // Lua → reply, whatever the script's protocol
  script('return double', 'return {double = 3.5}'),
  script('return doubles', 'return {{double = 0.1}, {double = 1e300}, {double = 1/0}, {double = -1/0}, {double = 3}, {double = 0}}'),
  script('return double not a number', "return {double = '1.5'}"),
  script('return big_number', "return {big_number = '123456789012345678901234567890'}"),
  script('return big_number with newlines', "return {big_number = '1\\r\\n2'}"),
  script('return verbatim_string', "return {verbatim_string = {format = 'txt', string = 'hello'}}"),
  script('return verbatim_string without format', "return {verbatim_string = {string = 'hello'}}"),
  script('return map', "return {map = {a = '1'}}"),
  script('return empty map', 'return {map = {}}'),
  unordered(script('return map of several', "return {map = {a = '1', b = 2}}")),
  script('return set', 'return {set = {a = true}}'),
  unordered(script('return set of several', 'return {set = {a = true, b = true, c = true}}')),
  script('return nested map and double', 'return {1, {map = {x = {double = 2.5}}}, {set = {}}}'),
  script('err before double', "return {err = 'E x', double = 1}"),
  script('ok before map', "return {ok = 'fine', map = {a = 1}}"),
  script('double before map', 'return {double = 2, map = {a = 1}}'),
  script('booleans under RESP2', 'return {true, false}'),
  script('true under RESP3', `${R3}return true`),
  script('false under RESP3', `${R3}return false`),
  script('booleans in an array under RESP3', `${R3}return {true, false, 1}`),
  script('setresp back to 2', `${R3}redis.setresp(2) return false`),
  // reply → Lua after redis.setresp(3)
  script(
    'hgetall is a map',
    `${R3}redis.call('HSET', 'h', 'f', 'v') local r = redis.call('HGETALL', 'h') return {type(r), type(r.map), r.map.f}`,
  ),
  script(
    'lcs idx is a map',
    `${R3}redis.call('MSET', 'a', 'ohmytext', 'b', 'mynewtext') local r = redis.call('LCS', 'a', 'b', 'IDX', 'WITHMATCHLEN') return {type(r.map), r.map.len, #r.map.matches, r.map.matches[1][3]}`,
  ),
  script(
    'lcs idx map returned',
    `${R3}redis.call('MSET', 'a', 'ohmytext', 'b', 'mynewtext') return redis.call('LCS', 'a', 'b', 'IDX', 'MINMATCHLEN', '4')`,
  ),
  script(
    'lcs len and string under resp3',
    `${R3}redis.call('MSET', 'a', 'ohmytext', 'b', 'mynewtext') return {redis.call('LCS', 'a', 'b', 'LEN'), redis.call('LCS', 'a', 'b')}`,
  ),
  script('hgetall map returned', `${R3}redis.call('HSET', 'h', 'f', 'v') return redis.call('HGETALL', 'h')`),
  unordered(
    script('hgetall map of several returned', `${R3}redis.call('HSET', 'h', 'f', 'v', 'g', 'w') return redis.call('HGETALL', 'h')`),
  ),
  script('hgetall of a missing key', `${R3}local r = redis.call('HGETALL', 'nohash') return {type(r.map), next(r.map) == nil}`),
  script(
    'smembers is a set',
    `${R3}redis.call('SADD', 's', 'a', 'b') local r = redis.call('SMEMBERS', 's') return {tostring(r.set.a), tostring(r.set.b), tostring(r.set.z)}`,
  ),
  script(
    'sinter sunion sdiff are sets',
    `${R3}redis.call('SADD', 's', 'a') redis.call('SADD', 't', 'a') return {type(redis.call('SINTER', 's', 't').set), type(redis.call('SUNION', 's').set), type(redis.call('SDIFF', 's', 'x').set)}`,
  ),
  script(
    'zscore is a double',
    `${R3}redis.call('ZADD', 'z', 1.5, 'm') local r = redis.call('ZSCORE', 'z', 'm') return {type(r), tostring(r.double)}`,
  ),
  script('zscore of a missing member is nil', `${R3}local r = redis.call('ZSCORE', 'z', 'm') return type(r)`),
  script(
    'zincrby and zadd incr are doubles',
    `${R3}local a = redis.call('ZINCRBY', 'z', 2, 'm') local b = redis.call('ZADD', 'z', 'INCR', 0.5, 'm') return {tostring(a.double), tostring(b.double)}`,
  ),
  script('zadd is an integer', `${R3}return redis.call('ZADD', 'z', 1, 'm')`),
  script(
    'zmscore',
    `${R3}redis.call('ZADD', 'z', 2, 'm') local r = redis.call('ZMSCORE', 'z', 'm', 'x') return {tostring(r[1].double), type(r[2])}`,
  ),
  script(
    'zrange withscores pairs',
    `${R3}redis.call('ZADD', 'z', 1, 'a', 2.5, 'b') local r = redis.call('ZRANGE', 'z', 0, -1, 'WITHSCORES') return {#r, r[1][1], tostring(r[1][2].double), r[2][1], tostring(r[2][2].double)}`,
  ),
  script(
    'zrangebyscore withscores pairs',
    `${R3}redis.call('ZADD', 'z', 1, 'a') local r = redis.call('ZRANGEBYSCORE', 'z', '-inf', '+inf', 'withscores') return {#r, type(r[1]), tostring(r[1][2].double)}`,
  ),
  ...['ZUNION', 'ZINTER', 'ZDIFF'].flatMap((c) => [
    script(
      `${c.toLowerCase()} withscores pairs`,
      `${R3}redis.call('ZADD', 'z', 1.5, 'a', 2, 'b') local r = redis.call('${c}', 1, 'z', 'WITHSCORES') return {#r, r[1][1], tostring(r[1][2].double), r[2][1], tostring(r[2][2].double)}`,
    ),
    script(
      `${c.toLowerCase()} withscores pairs returned`,
      `${R3}redis.call('ZADD', 'z', 1.5, 'a', 0.1, 'b') return redis.call('${c}', 1, 'z', 'WITHSCORES')`,
    ),
    script(`${c.toLowerCase()} without scores`, `${R3}redis.call('ZADD', 'z', 1.5, 'a') return redis.call('${c}', 1, 'z')`),
    script(
      `${c.toLowerCase()} of a key named withscores`,
      `${R3}redis.call('ZADD', 'WITHSCORES', 1.5, 'a') return redis.call('${c}', 1, 'WITHSCORES')`,
    ),
  ]),
  script(
    'zunion weights aggregate withscores pairs',
    `${R3}redis.call('ZADD', 'z', 1, 'a') redis.call('ZADD', 'y', 2, 'a', 3, 'c') local r = redis.call('ZUNION', 2, 'z', 'y', 'WEIGHTS', 2, 0.5, 'AGGREGATE', 'MAX', 'WITHSCORES') return {#r, r[1][1], tostring(r[1][2].double), r[2][1], tostring(r[2][2].double)}`,
  ),
  script(
    'zmpop pairs',
    `${R3}redis.call('ZADD', 'z', 1.5, 'a', 2, 'b') local r = redis.call('ZMPOP', 1, 'z', 'MIN') return {r[1], #r[2], r[2][1][1], tostring(r[2][1][2].double)}`,
  ),
  script(
    'zmpop pairs returned',
    `${R3}redis.call('ZADD', 'z', 1.5, 'a', 2, 'b') return redis.call('ZMPOP', 2, 'x', 'z', 'MAX', 'COUNT', 5)`,
  ),
  script('zmpop of nothing', `${R3}return type(redis.call('ZMPOP', 1, 'z', 'MIN'))`),
  script(
    'zrevrange withscores pairs returned',
    `${R3}redis.call('ZADD', 'z', 1.5, 'WITHSCORES', 2, 'b') return redis.call('ZREVRANGE', 'z', 0, -1, 'WITHSCORES')`,
  ),
  script('zrange of a member named withscores', `${R3}redis.call('ZADD', 'z', 1.5, 'WITHSCORES') return redis.call('ZRANGE', 'z', 0, -1)`),
  script(
    'zrange byscore rev limit withscores pairs',
    `${R3}redis.call('ZADD', 'z', 1, 'a', 2, 'b', 3, 'c') return redis.call('ZRANGE', 'z', '+inf', '-inf', 'BYSCORE', 'REV', 'LIMIT', 0, 2, 'WITHSCORES')`,
  ),
  script('zrange without scores', `${R3}redis.call('ZADD', 'z', 1, 'a') return redis.call('ZRANGE', 'z', 0, -1)`),
  script(
    'zpopmin without count',
    `${R3}redis.call('ZADD', 'z', 1, 'a', 2, 'b') local r = redis.call('ZPOPMIN', 'z') return {#r, r[1], tostring(r[2].double)}`,
  ),
  script(
    'zpopmax with count',
    `${R3}redis.call('ZADD', 'z', 1, 'a', 2, 'b') local r = redis.call('ZPOPMAX', 'z', 2) return {#r, r[1][1], tostring(r[1][2].double), r[2][1]}`,
  ),
  script('bzpopmin is refused in scripts', "redis.call('ZADD', 'z', 1, 'a') return redis.call('BZPOPMIN', 'z', 1)"),
  script('bzpopmax is refused in scripts', "return redis.pcall('BZPOPMAX', 'z', 1)"),
  script('xread with block is refused in scripts', "return redis.pcall('XREAD', 'BLOCK', '1', 'STREAMS', 's', '0')"),
  script('xread of a key named block', "redis.call('XADD', 'block', '1-1', 'f', 'v') return redis.call('XREAD', 'STREAMS', 'block', '0')"),
  script('get of a missing key is nil', `${R3}local r = redis.call('GET', 'nokey') return type(r)`),
  script(
    'mget with a missing key has a hole',
    `${R3}redis.call('SET', 'a', '1') local r = redis.call('MGET', 'a', 'nokey', 'a') return {r[1], type(r[2]), r[3]}`,
  ),
  script(
    'xread is a map',
    `${R3}redis.call('XADD', 's', '1-1', 'f', 'v') local r = redis.call('XREAD', 'STREAMS', 's', '0') return {type(r.map), r.map.s[1][1], r.map.s[1][2][2]}`,
  ),
  script('xread map returned', `${R3}redis.call('XADD', 's', '1-1', 'f', 'v') return redis.call('XREAD', 'STREAMS', 's', '0')`),
  script(
    'xread with nothing new is nil',
    `${R3}redis.call('XADD', 's', '1-1', 'f', 'v') return type(redis.call('XREAD', 'STREAMS', 's', '$'))`,
  ),
  script(
    'status, integer and error under RESP3',
    `${R3}local ok = redis.call('SET', 'k', 'v') local n = redis.call('INCR', 'n') local e = redis.pcall('INCR', 'k') return {ok.ok, n, e.err}`,
  ),
  script(
    'lrange and hget unchanged',
    `${R3}redis.call('RPUSH', 'l', 'a', 'b') redis.call('HSET', 'h', 'f', 'v') return {redis.call('LRANGE', 'l', 0, -1), redis.call('HGET', 'h', 'f')}`,
  ),
  script('hget of a missing field is nil', `${R3}return type(redis.call('HGET', 'h', 'f'))`),
  script('resp is back to 2 in the next script (first)', `${R3}return 1`),
  script('resp is back to 2 in the next script', "return type(redis.call('GET', 'nokey'))"),
]
