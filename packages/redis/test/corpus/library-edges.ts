import type { CorpusCase } from '../differential.js'
import { script } from './helpers.js'

/** A chain of n nested tables, as a Lua expression statement list ending in `t`. */
const nested = (n: number) => `local t = {} local c = t for i = 1, ${n - 1} do c[1] = {} c = c[1] end`

/**
 * bit, struct, cmsgpack and cjson at their edges: the C libraries' conversions (LuaBitOp's
 * 2^52 + 2^51 trick, struct's int64 accumulation and padding formula, float32 detection,
 * strtod), argument coercion and messages, and nesting limits.
 */
export const LIBRARY_EDGE_CASES: CorpusCase[] = [
  // patterns deeper than Lua 5.3's 200 levels (Redis's matcher has no count; here up to 1,000)
  script('pattern of 300 optional items', "return {string.find(string.rep('a', 300), string.rep('a?', 300))}"),
  script('pattern of 250 optional items under pcall', "return {pcall(string.find, string.rep('a', 250), string.rep('a?', 250))}"),
  script('pattern of 300 lazy classes', "return {string.find(string.rep('ab', 300), string.rep('%w-', 300))}"),
  script('gsub with a 500-item pattern', "return {string.gsub(string.rep('x', 500), string.rep('x?', 500), 'y')}"),
  script('match with 998 lazy items', "return #string.match(string.rep('a', 998), string.rep('a-', 998) .. '$')"),
  script(
    'bit.tobit of large magnitudes reads the low word',
    'return {bit.tobit(1e16), bit.tobit(1e20), bit.tobit(-1e16), bit.tobit(2^52 + 0.5), bit.band(1e16, -1), bit.tobit(-2^60 - 2^40), bit.tobit(1e300), bit.tobit(2^51 + 0.5)}',
  ),
  script(
    'bit of inf and nan',
    "return {bit.tobit(1/0), bit.tobit(-1/0), bit.tobit(0/0), bit.rol(1, 1/0), bit.bnot(1/0), bit.tohex(0/0), bit.tohex(1, 0/0), bit.tobit('0x10'), bit.tobit(' 7 ')}",
  ),
  script('bit.band without arguments', 'return bit.band()'),
  script('bit.tobit of a non-numeric string', "return bit.tobit('x')"),
  script('bit.lshift without a shift', 'return bit.lshift(1)'),
  script('bit.tohex with an explicit nil', 'return bit.tohex(1, nil)'),
  script('bit.bor of a table', 'return bit.bor(1, {})'),
  script('struct.size ignores letters without a size', "return {struct.size('q'), struct.size('z'), struct.size('!4bq i')}"),
  script('struct.size refuses other characters', "return struct.size('?')"),
  script('struct.pack refuses unknown options', "return struct.pack('q')"),
  // the C library walks its format as a C string: a NUL ends it, whatever follows
  script(
    'struct formats end at a NUL',
    "return {struct.pack('>h\\0garbage', 1, 2), struct.size('i4\\0?'), struct.size('\\0'), struct.pack('\\0', 1), {struct.unpack('>h\\0i8', '\\1\\2\\3')}, struct.pack('c0\\0', 'ab')}",
  ),
  // luaL_checkstack(L, 2, ...) per option over the arguments and values: 7,997 values from two arguments
  script(
    'struct.unpack of 7,997 and 7,998 values',
    "local f, s = string.rep('b', 7997), string.rep('a', 7998) return {select('#', struct.unpack(f, s)), select(2, pcall(struct.unpack, f .. 'b', s)), select(2, pcall(struct.unpack, f, s, 1))}",
  ),
  script(
    'struct ! padding for sizes that are not powers of 2',
    "return {struct.pack('!i5', 1), struct.pack('!I3', 1), struct.pack('!4bi3i5', 1, 2, 3), struct.pack('!2bi5', 1, 2)}",
  ),
  script(
    'struct.unpack integers wider than 8 bytes',
    "return {struct.unpack('i9', string.rep('\\255', 8) .. '\\0'), struct.unpack('i9', '\\192\\145\\210\\1\\25\\86\\152\\208\\1'), struct.unpack('>i10', string.rep('\\255', 10)), struct.unpack('i12', string.rep('\\0', 3) .. '\\128' .. string.rep('\\0', 8)), struct.unpack('i16', string.rep('\\255', 16))}",
  ),
  script(
    'struct.unpack 64-bit integers round once',
    "return {string.format('%.17g', (struct.unpack('<l', '\\72\\210\\162\\100\\145\\207\\255\\177'))), string.format('%.17g', (struct.unpack('<L', '\\72\\210\\162\\100\\145\\207\\255\\177'))), string.format('%.17g', (struct.unpack('>l', '\\127\\255\\255\\255\\255\\255\\255\\255')))}",
  ),
  script('struct.unpack fractional offset truncates', "return {struct.unpack('b', 'abc', 1.5)}"),
  script('struct.unpack numeric string offset', "return {struct.unpack('b', 'abc', '2')}"),
  script('struct.unpack non-numeric offset', "return {struct.unpack('b', 'abc', 'x')}"),
  script('struct.unpack table offset', "return {struct.unpack('b', 'abc', {})}"),
  script('struct.unpack negative offset', "return {struct.unpack('b', 'abc', -1)}"),
  script('struct.unpack zero offset', "return {struct.unpack('b', 'abc', 0)}"),
  script('struct.unpack offset past the data', "return {struct.unpack('b', 'abc', 10)}"),
  script('struct.unpack empty format past the data', "return {struct.unpack('', 'abc', 10), struct.unpack('', 'abc', -1)}"),
  script('struct.unpack control option past the data', "return {struct.unpack('<', 'abc', 5)}"),
  script('struct.unpack of a number', "return {struct.unpack('b', 123)}"),
  script('struct.unpack without data', "return struct.unpack('b')"),
  script('struct.pack without a format', 'return struct.pack()'),
  script('struct.pack missing value finds the separator nil', "return struct.pack('bc', 1)"),
  script('struct.size without a format', 'return struct.size()'),
  script(
    'cmsgpack.pack subnormal floats as float32',
    'return {cmsgpack.pack(1.401298464324817e-45), cmsgpack.pack(-2^-140), cmsgpack.pack(3 * 2^-149), cmsgpack.pack(2^-150), cmsgpack.pack(1.5 * 2^-149)}',
  ),
  script('cmsgpack.pack keeps the sign of NaN', 'return {cmsgpack.pack(0/0), cmsgpack.pack(-(0/0)), cmsgpack.pack({0/0})}'),
  script('cmsgpack.unpack of a number unpacks its text', 'return {cmsgpack.unpack(1), cmsgpack.unpack(-5)}'),
  script('cmsgpack.unpack without an argument', 'return cmsgpack.unpack()'),
  script(
    'cjson.decode reads numbers as strtod does',
    "return {tostring(cjson.decode('-Infinity')), tostring(cjson.decode('inf')), tostring(cjson.decode('+5')), tostring(cjson.decode('nan')), tostring(cjson.decode('-nan')), tostring(cjson.decode('NAN(12)')), cjson.decode('1.'), cjson.decode('-.5') * 2, cjson.decode('0x1p4'), cjson.decode('[1e, 2]')[2]}",
  ),
  script('cjson.decode of a NaN argument', 'return tostring(cjson.decode(0/0))'),
  script('cjson.decode number then more', "return {pcall(cjson.decode, '1-1')}"),
  script('cjson.decode 0x alone', "return {pcall(cjson.decode, '0x')}"),
  script('cjson.decode lone minus', "return {pcall(cjson.decode, '-')}"),
  script('cjson.decode plus without digits', "return {pcall(cjson.decode, '+x')}"),
  script('cjson.decode unfinished nan parenthesis', "return {pcall(cjson.decode, 'nan(12')}"),
  script('cjson.decode infinity then letters', "return {pcall(cjson.decode, 'Infinityx')}"),
  script('cjson.decode bare I', "return {pcall(cjson.decode, 'I')}"),
  // lua_checkstack(L, nargs) over the C function's own nargs: refused past 4,000 arguments
  script(
    'cmsgpack.pack of 4,000 and 4,001 arguments',
    'local t = {} for i = 1, 4001 do t[i] = 1 end return {#cmsgpack.pack(unpack(t, 1, 4000)), select(2, pcall(cmsgpack.pack, unpack(t)))}',
  ),
  script('cmsgpack.pack of 4,001 arguments, uncaught', 'local t = {} for i = 1, 4001 do t[i] = 1 end return cmsgpack.pack(unpack(t))'),
  script('cjson.decode ends at a NUL', "return {pcall(cjson.decode, '1\\0xx')}"),
  script('cjson.decode NUL inside a string', 'return {pcall(cjson.decode, \'"ab\\0c"\')}'),
  script('cjson.decode NUL among the first bytes', "return {pcall(cjson.decode, ' \\0')}"),
  script('cjson.encode with a key from 2^31 makes an object', 'return cjson.encode({[1]=1, [2^31]=2})'),
  script('cjson.encode 1000 levels', `${nested(1000)} return #cjson.encode(t)`),
  script('cjson.encode 1001 levels', `${nested(1001)} return {pcall(cjson.encode, t)}`),
  script('cjson.decode 1000 levels', "return #cjson.decode(string.rep('[', 1000) .. string.rep(']', 1000))"),
]
