import type { CorpusCase } from '../differential.js'
import { script } from './helpers.js'

/** Numbers C converts to 64-bit integers in its own way: past ±2^63, ±2^64, NaN, infinities, fractions. */
const EDGES = [
  '2^63',
  '2^63+2^11',
  '2^64',
  '2^64+2^12',
  '1e30',
  '-2^63',
  '-2^63-2^11',
  '-2^64',
  '-1e30',
  '0/0',
  '-(0/0)',
  '1/0',
  '-1/0',
  '2^63-1024',
  '-1',
  '-0.5',
  '0.9',
  '-2^31',
  '2^32+0.5',
  '-2^53-2',
  '1.5e19',
].join(', ')

/** msgpack integers (uint 8-64, int 8-64) at the edges of their ranges, and past 2^53. */
const MSGPACK_INTEGERS = ['cc', 'cd', 'ce', 'cf', 'd0', 'd1', 'd2', 'd3'].flatMap((tag) => {
  const n = 2 ** (Number.parseInt(tag, 16) & 3)
  const edges = ['00', '7f', '80', 'ff'].map((b) => b + (b === '00' || b === '80' ? '00' : 'ff').repeat(n - 1))
  return [
    ...edges,
    `${'00'.repeat(n - 1)}01`,
    ...(n === 8 ? ['0020000000000001', '8000000000000001', 'fffffffffffffc01', '7ffffffffffffdff'] : []),
  ].map((v) => ({ hex: tag + v }))
})

/** NaNs of both signs as Lua makes them (0/0 is -nan on x86-64). */
const NANS = ['0/0', '-(0/0)', 'math.huge - math.huge', '(0/0) * -1', '-(0/0) + 1', 'tonumber("nan")', 'tonumber("-nan")', 'math.sqrt(-1)']

/**
 * struct's integer conversions past the int64 range, its `c0` with a preceding length and
 * its size checks; LuaBitOp's argument order; a NaN's sign through every path that prints
 * or encodes a number.
 */
export const LIBRARY_NUMBER_CASES: CorpusCase[] = [
  ...['b', 'B', 'h', 'H', 'i', 'I', 'l', 'L', 'T', 'i3', 'I8', 'i9', 'I12', '>i9', '>L', 'i1'].map((f) =>
    script(
      `struct.pack('${f}') of numbers past the int64 range, NaN and inf`,
      `local out = {} for _, v in ipairs({${EDGES}}) do out[#out + 1] = struct.pack('${f}', v) end return out`,
    ),
  ),
  script(
    'struct.unpack c0 takes its length from the value before it',
    "local p = function(...) return {pcall(struct.unpack, ...)} end\nreturn {p('c0', 'abc'), p('bc0', '\\3abcd'), p('Bc0', '\\0abcd'), p('bc0', '\\255abcd'), p('bc0', '\\9abcd'), p('ic0', struct.pack('i', 2) .. 'xyz'), p('fc0', struct.pack('f', 2.5) .. 'xyz'), p('dc0', struct.pack('d', 1.9) .. 'xyz'), p('c3c0', 'abcdef'), p('c1c0', '3abcd'), p('sc0', '2\\0abc'), p('sc0', 'ab\\0cd'), p('bc0c0', '\\1a\\1b'), p('Lc0', struct.pack('L', 2^62) .. 'x'), p('lc0', struct.pack('l', -1) .. 'x'), p('dc0', struct.pack('d', 2^64) .. 'x'), p('dc0', struct.pack('d', 0/0) .. 'x'), p('bxc0', '\\2\\0abc'), p('b!4c0', '\\2abc'), p('bc0', 'x\\1a', 2)}",
  ),
  script(
    'struct.size and sizes past INT_MAX',
    "local p = function(...) return {pcall(struct.size, ...)} end\nreturn {p('c0'), p('bc0'), p('s'), p('i33'), p('!3'), p('!99999999999999999999bi'), p('i99999999999999999999'), p('c99999999999999999999'), p('c4294967297'), p('c2147483647'), p('c2147483648'), p('!4bc5i'), p('!16bd')}",
  ),
  script(
    'struct.pack c0 and short strings',
    "local p = function(...) return {pcall(struct.pack, ...)} end\nreturn {p('c0', 'abc'), p('c0c0', 'abc', 'de'), p('c', ''), p('c2', 'a'), p('i0', 1), p('c1', 12)}",
  ),
  script(
    'LuaBitOp reads arguments 1, then from the last down',
    "local out = {}\nfor _, f in ipairs({'band', 'bor', 'bxor'}) do\n  out[#out + 1] = select(2, pcall(bit[f], 1, 'x', nil))\n  out[#out + 1] = select(2, pcall(bit[f], 1, 2, 'a', {}))\n  out[#out + 1] = select(2, pcall(bit[f], {}, 2, 'a'))\nend\nfor _, f in ipairs({'lshift', 'rshift', 'arshift', 'rol', 'ror', 'tohex'}) do\n  out[#out + 1] = select(2, pcall(bit[f], 'x', {}))\n  out[#out + 1] = select(2, pcall(bit[f], 1, {}))\nend\nout[#out + 1] = select(2, pcall(bit.tobit))\nreturn out",
  ),
  script('LuaBitOp: an uncaught error names argument 3', "bit.band(1, 'x', nil)"),
  ...NANS.map((x) =>
    script(
      `the sign of ${x} printed and encoded`,
      `local x = ${x}
      redis.call('SET', 'k', x)
      redis.call('SET', 'k2', ({x, 1})[1])
      return {tostring(x), x .. '', string.format('%f|%g|%e|%.17g|%5.1f|%G', x, x, x, x, x, x), redis.call('GET', 'k'), redis.call('GET', 'k2'),
        {pcall(cjson.encode, {x})}, cmsgpack.pack(x), tostring(cmsgpack.unpack(cmsgpack.pack(x))), struct.pack('d', x), struct.pack('f', x),
        tostring(struct.unpack('d', struct.pack('d', x))), tostring(struct.unpack('f', struct.pack('f', x))), {double = x}, redis.sha1hex(x)}`,
    ),
  ),
  // lua_cmsgpack reads uint 64 into a signed 64-bit lua_Integer, as it reads int 64
  script(
    'cmsgpack.unpack of integers at the edges of each width',
    "local out = {} for i, s in ipairs(ARGV) do out[i] = string.format('%.17g', cmsgpack.unpack(s)) end return out",
    [],
    [],
    MSGPACK_INTEGERS,
  ),
  script(
    'NaNs read back from bytes keep their sign',
    "return {tostring(struct.unpack('<d', '\\0\\0\\0\\0\\0\\0\\248\\127')), tostring(struct.unpack('<d', '\\0\\0\\0\\0\\0\\0\\248\\255')), tostring(struct.unpack('<f', '\\0\\0\\192\\127')), tostring(struct.unpack('<f', '\\0\\0\\192\\255')), tostring(cmsgpack.unpack('\\203\\127\\248\\0\\0\\0\\0\\0\\0')), tostring(cmsgpack.unpack('\\203\\255\\248\\0\\0\\0\\0\\0\\0')), tostring(cmsgpack.unpack('\\202\\127\\192\\0\\0')), tostring(cmsgpack.unpack('\\202\\255\\192\\0\\0'))}",
  ),
]
