import { seededRandom } from '@polyhost/core/engine'

/**
 * Seeded random Lua scripts for the differential hunt (`random-commands.test.ts`): what a
 * script returns (numbers truncated to integer replies, nan, huge values, tables with holes,
 * status and error tables), `tostring`/`tonumber`/`string.format` of edge numbers, and
 * cjson, cmsgpack, bit and struct with edge values.
 */

const NUMBERS = [
  '0',
  '3.9',
  '-3.9',
  '0.5',
  '-0.5',
  '1e20',
  '-1e20',
  '1e-5',
  '1e21',
  '0/0',
  '-(0/0)',
  '1/0',
  '-1/0',
  '-0',
  '0*-1',
  '2^31',
  '2^32',
  '2^53',
  '2^53+1',
  '2^63',
  '-2^63',
  '2^64',
  '1e308*10',
  '4.9e-324',
  '0.1',
  '1/3',
  '123456789012',
  '9007199254740993',
  '100',
  '-7',
  'math.huge',
  'math.pi',
  "tonumber('0x10')",
  "tonumber(' 1')",
  "tonumber('1e3')",
  "tonumber('  0x1p4  ')",
  "tonumber('inf')",
  "tonumber('nan')",
  "tonumber('10', 36)",
  "tonumber('-0')",
  "tonumber('1e500')",
]

const STRINGS = ["'s'", "''", "'\\0x'", "'1e3'", "'0x10'", "' 1'", "'nan'", "'-0'", "'\\195\\169'"]

/** The generator for one seed: `script()` gives one source. */
export function randomScripts(seed: number) {
  const rnd = seededRandom(seed)
  const int = (n: number) => Math.floor(rnd() * n)
  const pick = <T>(xs: readonly T[]): T => xs[int(xs.length)] as T
  const n = () => pick(NUMBERS)
  const s = () => pick(STRINGS)
  const scalar = (): string =>
    pick<() => string>([
      n,
      n,
      s,
      () => pick(['true', 'false', 'nil']),
      () => `tostring(${n()})`,
      () => `string.format('${pick(['%d', '%.17g', '%g', '%.14g', '%5.1f', '%x', '%s', '%i', '%o', '%e'])}', ${n()})`,
      () => `math.floor(${n()})`,
      () => `math.fmod(${n()}, ${n()})`,
      () => `(${n()}) % (${n()})`,
      () => `${s()} .. ${n()}`,
      () => `${s()} + ${n()}`,
      () => `redis.status_reply(${pick([s(), "'OK'", "'QUEUED'"])})`,
      () => `redis.error_reply(${pick([s(), "'ERR x'", "'MY thing'", "'-ERR y'", "'x\\ny'"])})`,
      () => pick(["{err='e'}", "{ok='s'}", "{err='ERR x'}", '{err=3}', '{ok=3.5}', '{err={}}', "{ok='a', err='b'}"]),
      () => `cjson.encode(${pick([n, s, () => table(1)])()})`,
      () =>
        `cjson.decode(${pick([
          "'[1e400]'",
          "'-0'",
          "'[1.5e300, 0.1, 1e21, -0, 12345678901234567890]'",
          "'123456789012345678901'",
          '\'"\\\\u00e9"\'',
          "'[1,null,3]'",
          '\'{"a":[1,2]}\'',
          "'0.1'",
          "'1E2'",
          "'nan'",
          "'[1,'",
          '\'"\\\\ud800"\'',
        ])})`,
      () => `cmsgpack.pack(${pick([n, s, () => table(1)])()})`,
      () => `cmsgpack.unpack(cmsgpack.pack(${pick([n, s, () => table(1)])()}))`,
      () => `bit.${pick(['tobit', 'tohex', 'bnot', 'bswap'])}(${n()})`,
      () => `bit.${pick(['band', 'bor', 'bxor', 'lshift', 'rshift', 'arshift', 'rol'])}(${n()}, ${n()})`,
      () => `struct.pack('${pick(['>d', '<i8', '>I4', 'b', 'B', '>h', 'f', '<l', 'i3'])}', ${n()})`,
      () =>
        `struct.unpack('${pick(['>d', '<i8', '>I4', 'b', '>h', 'f'])}', struct.pack('${pick(['>d', '<i8', '>I4', 'b', '>h', 'f'])}', ${n()}))`,
      () => `redis.sha1hex(${pick([n, s])()})`,
    ])()
  const table = (depth: number): string => {
    const items = Array.from({ length: int(5) }, () => (depth < 2 && rnd() < 0.2 ? table(depth + 1) : scalar()))
    if (rnd() < 0.2) items.push(`x=${scalar()}`)
    return `{${items.join(', ')}}`
  }
  const arg = () => pick<() => string>([n, n, s, () => pick(['nil', 'true', 'false', '{}', "{'x'}", 'redis', "'k'", "'z'", "'h'"])])()
  const command = () =>
    pick([
      'SET',
      'GET',
      'INCR',
      'INCRBY',
      'INCRBYFLOAT',
      'APPEND',
      'ZADD',
      'ZSCORE',
      'ZINCRBY',
      'HSET',
      'HINCRBYFLOAT',
      'LPUSH',
      'SADD',
      'EXPIRE',
      'TTL',
      'TYPE',
      'DEL',
      'EXISTS',
      'nosuch',
      'PING',
      'ECHO',
      'OBJECT',
      'GETEX',
      'SETRANGE',
    ])
  const call = () => `redis.${pick(['call', 'pcall'])}('${command()}'${Array.from({ length: int(4) }, () => `, ${arg()}`).join('')})`
  const bridge = (): string =>
    pick<() => string>([
      () => `return ${call()}`,
      () => `local r = ${call()} return type(r) == 'table' and {r.err or 'no err', r.ok or 'no ok', #r} or r`,
      () => `redis.call('SET', 'k', ${n()}) return redis.call('GET', 'k')`,
      () => `redis.call('DEL', 'k') return {redis.call('INCRBYFLOAT', 'k', ${n()}), redis.pcall('INCRBYFLOAT', 'k', ${n()})}`,
      () =>
        `redis.call('DEL', 'z') redis.call('ZADD', 'z', ${n()}, 'm') return {redis.call('ZSCORE', 'z', 'm'), redis.pcall('ZINCRBY', 'z', ${n()}, 'm')}`,
      () =>
        `redis.call('DEL', 'z') redis.call('ZADD', 'z', ${n()}, 'm') redis.setresp(3) local v = redis.call('ZSCORE', 'z', 'm') return ${pick(['v', 'v.double', 'tostring(v.double)', '{v}'])}`,
      () => `redis.setresp(3) return ${call()}`,
      () => `redis.call('DEL', 'h') return {redis.call('HINCRBYFLOAT', 'h', 'f', ${n()}), redis.pcall('HINCRBYFLOAT', 'h', 'f', ${n()})}`,
      () => `return redis.call('EVAL', 'return 1', 0)`,
      () =>
        `return ${pick(['redis.call()', 'redis.pcall()', 'redis.call(nil)', 'redis.call({})', "redis.call('GET')", "redis.pcall('GET')", 'redis.error_reply()', 'redis.status_reply()', 'redis.sha1hex()', 'redis.setresp(4)', "redis.log(1, 'x')", "redis.log('x')"])}`,
    ])()
  return {
    /** One script source. */
    script(): string {
      if (rnd() < 0.3) return bridge()
      const body = pick<() => string>([scalar, scalar, () => table(0), () => `select(2, pcall(function() return ${scalar()} end))`])()
      return pick([`return ${body}`, `local ok, v = pcall(function() return ${body} end) return {tostring(ok), v}`, `return {${body}}`])
    },
  }
}
