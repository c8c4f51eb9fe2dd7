import type { CorpusCase } from '../differential.js'
import { cmds, evalStep, script } from './helpers.js'

/** Object key order follows table iteration, which differs between Lua 5.1 and the engine. */
const asJson = (c: CorpusCase): CorpusCase => ({ ...c, json: true })

/** cjson and bit: outputs and error texts as Redis 7.0's bundled libraries give them. */
export const LIBRARY_CASES: CorpusCase[] = [
  script('cjson.encode array', 'return cjson.encode({1, 2, 3})'),
  script('cjson.encode nested', "return cjson.encode({1, {2, 'x'}, {}})"),
  script('cjson.encode holes', 'return cjson.encode({1, nil, 3})'),
  script('cjson.encode sparse error', 'return cjson.encode({[1] = 1, [20] = 2})'),
  script('cjson.encode sparse ok', 'return cjson.encode({[1] = 1, [4] = 2})'),
  script('cjson.encode escapes', "return cjson.encode('a/b\"\\\\\\1\\127\\200\\n\\t')"),
  script(
    'cjson.encode of every byte, alone and in a run, as a value and as a key',
    "local out = {} local all = {} for b = 0, 255 do local c = string.char(b) all[#all + 1] = c out[#out + 1] = cjson.encode({c, 'ab' .. c .. 'cd'}) out[#out + 1] = cjson.encode({[c .. 'k'] = c}) end out[#out + 1] = cjson.encode(table.concat(all)) out[#out + 1] = cjson.encode({'', string.rep('plain', 100), string.rep('x', 99) .. '/'}) return out",
  ),
  script(
    'cjson.decode strings: escapes at either end, runs, NUL, unterminated',
    'local out = {} for _, s in ipairs({\'""\', \'"\\\\n"\', \'"a\\\\tb\\\\u0041"\', \'"\\\\/\\\\\\\\\\\\"x"\', \'["abc","","d\\\\""]\', \'{"k\\\\u00e9":"v"}\', \'"abc\', \'"ab\\\\\', \'"a\\0b"\', \'"\\\\q"\', \'"\\128\\255"\'}) do local ok, v = pcall(cjson.decode, s) out[#out + 1] = ok and cjson.encode(v) or v end return out',
  ),
  script('cjson.encode numbers', 'return cjson.encode({0.1, -0.5, 1e20, 3, 100, 1/3})'),
  script('cjson.encode big integer', 'return cjson.encode(123456789012345678)'),
  script(
    'cjson.encode rounds %.14g ties to even',
    'return cjson.encode({123456789012345, 100000000000005, 100000000000015, -123456789012345, 2^-25, 0.5, 1.5})',
  ),
  script('cjson.encode inf', 'return cjson.encode(1/0)'),
  script('cjson.encode function', 'return cjson.encode(function() end)'),
  script('cjson.encode boolean key', 'return cjson.encode({[true] = 1})'),
  script('cjson.encode float key', 'return cjson.encode({[1.5] = 1})'),
  script('cjson.encode scalars', "return {cjson.encode('s'), cjson.encode(true), cjson.encode(false), cjson.encode(nil), cjson.encode(7)}"),
  script('cjson.encode empty table', 'return cjson.encode({})'),
  script('cjson.encode one key', 'return cjson.encode({a = {b = {}}})'),
  asJson(script('cjson.encode object', "return cjson.encode({a = 1, b = 'x', c = {true, false}})")),
  asJson(script('cjson.encode mixed keys', "return cjson.encode({1, 2, x = 'y'})")),
  script('cjson.null encodes as null', 'return cjson.encode({cjson.null, 1})'),
  script('cjson.decode array', "return cjson.decode('[1,2,3]')"),
  script('cjson.decode object field', 'return cjson.decode(\'{"a":{"b":[10,20]}}\').a.b[2]'),
  script('cjson.decode strings', 'return cjson.decode(\'["x\\\\/y","\\\\u00e9\\\\ud83d\\\\ude00","tab\\\\there"]\')'),
  script('cjson.decode null', "local t = cjson.decode('[1,null,3]') return {t[3], t[2] == cjson.null, #t}"),
  script('cjson.decode null field', 'return cjson.decode(\'{"a":null}\').a == cjson.null'),
  script('cjson.decode booleans', "local t = cjson.decode('[true,false]') return {tostring(t[1]), tostring(t[2])}"),
  script('cjson.decode number forms', "return cjson.decode('[1e2, -0.5, 0x10, 12]')"),
  script('cjson.decode fraction kept', "return cjson.decode('[2.5]')[1] * 2"),
  script('cjson.decode empty', "return cjson.decode('')"),
  script('cjson.decode open object', "return cjson.decode('{')"),
  script('cjson.decode missing comma', "return cjson.decode('[1 2]')"),
  script('cjson.decode bad token', "return cjson.decode('x')"),
  script('cjson.decode bad escape', 'return cjson.decode(\'"\\\\x"\')'),
  script('cjson.decode missing colon', 'return cjson.decode(\'{"a" 1}\')'),
  script('cjson.decode trailing', "return cjson.decode('1 2')"),
  script('cjson.decode unfinished array', "return cjson.decode('[1,')"),
  script('cjson.decode unfinished string', "return cjson.decode('\"abc')"),
  script('cjson.decode non-string key', "return cjson.decode('{1:2}')"),
  script('cjson.decode nil arg', 'return cjson.decode(nil)'),
  script('cjson roundtrip ARGV', 'local t = cjson.decode(ARGV[1]) return cjson.encode(t)', [], [], ['[1,"a",[true]]']),
  script('cjson error line', "local x = 1\nlocal t = cjson.decode('[')\nreturn t"),
  script('cjson.decode integer prints', "return tostring(cjson.decode('[10]')[1])"),
  script('bit.tohex', 'return {bit.tohex(-1), bit.tohex(255, -4), bit.tohex(255, 2), bit.tohex(0x12345678)}'),
  script('bit.band bor bxor', 'return {bit.band(0xff, 0x0f, 7), bit.bor(1, 2, 4), bit.bxor(0xff, 0x0f), bit.band(-1, 0xffffffff)}'),
  script('bit.tobit', 'return {bit.tobit(2^32 + 5), bit.tobit(2^31), bit.tobit(-1), bit.tobit(1.5), bit.tobit(2.5)}'),
  script('bit shifts', 'return {bit.lshift(1, 33), bit.lshift(1, 31), bit.rshift(-1, 28), bit.arshift(-256, 4), bit.rshift(256, 4)}'),
  script('bit rotations', 'return {bit.rol(0x12345678, 8), bit.ror(0x12345678, 8), bit.rol(1, 0), bit.ror(1, 1)}'),
  script('bit.bnot bswap', 'return {bit.bnot(0), bit.bnot(-1), bit.bswap(0x12345678), bit.bswap(-1)}'),
]

const pack = (name: string, src: string) => script(`cmsgpack ${name}`, src)

/** cmsgpack: encodings byte for byte, decoding, errors. */
export const CMSGPACK_CASES: CorpusCase[] = [
  pack('integers', 'return cmsgpack.pack(0, 1, 127, 128, 255, 256, 65535, 65536, 4294967295, 4294967296, 5000000000)'),
  pack('negative integers', 'return cmsgpack.pack(-1, -32, -33, -128, -129, -32768, -32769, -2147483648, -2147483649, -5000000000)'),
  pack('floats', 'return cmsgpack.pack(1.5, 0.1, -2.25, 1e300, 1/0, -1/0, 2^63, -0.0, 1e-310)'),
  pack(
    'strings',
    "return cmsgpack.pack('', 'abc', string.rep('x', 31), string.rep('y', 32), string.rep('z', 300), string.rep('w', 70000))",
  ),
  pack('booleans and nil', 'return cmsgpack.pack(true, false, nil)'),
  pack('arrays', "return cmsgpack.pack({1, 2, 3}, {}, {{1}, {'a'}})"),
  pack('long array', 'local t = {} for i = 1, 20 do t[i] = i end return cmsgpack.pack(t)'),
  pack('table with hole is a map', 'return cmsgpack.pack({1, nil, 3})'),
  pack('one-key map', 'return cmsgpack.pack({a = 1})'),
  pack('nested map', "return cmsgpack.pack({a = {b = {c = 'd'}}})"),
  pack('deep nesting becomes nil', 'local t = {} local c = t for i = 1, 20 do c[1] = {} c = c[1] end return cmsgpack.pack(t)'),
  pack('function is nil', 'return cmsgpack.pack(function() end)'),
  pack('no input', 'return cmsgpack.pack()'),
  pack('roundtrip values', "return {cmsgpack.unpack(cmsgpack.pack(1, 'a', {1, 2}, -7, true))}"),
  pack('roundtrip float', 'return tostring(cmsgpack.unpack(cmsgpack.pack(0.1)) == 0.1)'),
  pack('roundtrip float32', 'return tostring(cmsgpack.unpack(cmsgpack.pack(1.5)))'),
  pack(
    'roundtrip big',
    'return {tostring(cmsgpack.unpack(cmsgpack.pack(5000000000)) == 5000000000), tostring(cmsgpack.unpack(cmsgpack.pack(-5000000000)) == -5000000000)}',
  ),
  pack('roundtrip map', "local t = cmsgpack.unpack(cmsgpack.pack({a = {b = 'c'}, n = 5})) return {t.a.b, t.n}"),
  {
    ...pack('unpack ARGV', 'local t = cmsgpack.unpack(ARGV[1]) return {t[1], t[2], t[3].k}'),
    run: [['EVAL', 'local t = cmsgpack.unpack(ARGV[1]) return {t[1], t[2], t[3].k}', '0', { hex: '9301a161' + '81a16bcd0100' }]],
  },
  pack('unpack nil inside', 'local a, b, c = cmsgpack.unpack(cmsgpack.pack(1, nil, 3)) return {a, tostring(b), c}'),
  pack('unpack truncated', "return cmsgpack.unpack('\\205\\1')"),
  pack('unpack truncated array and map', "return {pcall(cmsgpack.unpack, '\\146\\1'), pcall(cmsgpack.unpack, '\\203\\1\\2')}"),
  pack('unpack bin is refused', "return cmsgpack.unpack('\\196\\1a')"),
  pack('unpack reserved byte', "return cmsgpack.unpack('\\193')"),
  pack('unpack empty', "return {cmsgpack.unpack('')}"),
  pack(
    'unpack of every type byte, short and with bytes after it',
    "local out = {} for b = 0, 255 do for _, tail in ipairs({'', '\\0\\1', '\\1\\2\\3\\4\\5\\6\\7\\8\\9'}) do local r = {pcall(cmsgpack.unpack, string.char(b) .. tail)} local line = {tostring(r[1])} for i = 2, #r do local v = r[i] if type(v) == 'table' then local n = 0 for _ in pairs(v) do n = n + 1 end v = 'entries ' .. n end line[#line + 1] = type(v) .. ' ' .. tostring(v) end out[#out + 1] = table.concat(line, ' ') end end return out",
  ),
  // elements an array or map reads in place (fixint, fixstr, nil) next to ones it decodes, and
  // each cut short: the holes' length, the values, the errors
  cmds(
    'cmsgpack unpack of arrays and maps of small elements',
    ...[
      '9aa56275 6c6c3aa0a36a6f62cb427a24c7bb a26000c0c0c0c0c0c0',
      '9ba56275 6c6c3aa0a36a6f62cb427a24c7bb a26000c0c0c0c0c0c0',
      '9ba56275 6c6c3aa0a36a6f62cb427a24',
      '9401c0ff7f',
      '94c0c0c001',
      '93a3616263a5616263',
      'de0004a5746f6b656ea7746f6b656e2d31ac6c6f636b4475726174696f6ecd7530a76c696d69746572c0a46e616d65c0',
      'de0004a5746f6b656ea7746f6b656e2d31ac6c6f636b4475726174696f6ecd7530a76c696d69746572c0a46e616d',
      '82a161e0a162a3',
      '82a16191a162a162c0',
      '8101a178',
      '9201a261',
      '81a161a262',
    ].map((hex) =>
      evalStep(
        "local r = {pcall(cmsgpack.unpack, ARGV[1])} if not r[1] then return r[2] end local t = r[2] if type(t) ~= 'table' then return {'scalar', tostring(t)} end local out = {'n', #t} for _, k in ipairs({1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 'token', 'lockDuration', 'limiter', 'name', 'a', 'b'}) do local v = t[k] out[#out + 1] = type(v) == 'table' and 'table' or tostring(v) end return out",
        [],
        [{ hex: hex.replace(/ /g, '') }],
      ),
    ),
  ),
  // lua_settable in C: the VM's message with no position, caught or not
  cmds(
    'cmsgpack unpack of a map with a nil or NaN key',
    ...['81c001', '81cb7ff800000000000001', '81cbfff800000000000001', '9181c001', '82c001c002', '8101818181c0c0'].map((hex) =>
      evalStep('return {pcall(cmsgpack.unpack, ARGV[1])}', [], [{ hex }]),
    ),
    evalStep('local t = cmsgpack.unpack(ARGV[1]) return 1', [], [{ hex: '81c001' }]),
    evalStep('\nlocal function f() return cmsgpack.unpack(ARGV[1]) end\nreturn {f()}', [], [{ hex: '92c081ca7fc0000001' }]),
    evalStep('return {xpcall(cmsgpack.unpack, function(e) return e end, ARGV[1])}', [], [{ hex: '81c001' }]),
  ),
]

const st = (name: string, src: string) => script(`struct ${name}`, src)

/** struct: packed bytes, unpacked values and error texts. */
export const STRUCT_CASES: CorpusCase[] = [
  st('integers big endian', "return struct.pack('>i>h>b>l', 1, -2, 3, -4)"),
  st('integers little endian', "return struct.pack('<I<H<B<L<T', 70000, 65535, 255, 2^40, 7)"),
  st('sized integers', "return struct.pack('>I3<i5>i1', 70000, -1, 200)"),
  st('fractions truncate', "return struct.pack('>i>i', 1.7, -1.7)"),
  st('wide integer wraps', "return struct.pack('>i', 2^40)"),
  st('integral size limit', "return struct.pack('i40', 1)"),
  st('floats', "return struct.pack('>f<f>d<d', 1.5, 0.1, 0.1, -2.5)"),
  st('float special values', "return struct.pack('>f>f>d', 1/0, 1e300, -1/0)"),
  st('strings', "return struct.pack('s c3 c0', 'ab', 'abcdef', 'xyz')"),
  st('string too short', "return struct.pack('c5', 'ab')"),
  st('padding and alignment', "return struct.pack('!4 b i x h', 1, 2, 3)"),
  st('alignment not power of 2', "return struct.pack('!3 i', 1)"),
  st('invalid option', "return struct.pack('q', 1)"),
  st('missing number', "return struct.pack('i')"),
  st('number from string', "return struct.pack('>i', '258')"),
  st('bad number', "return struct.pack('i', 'x')"),
  st('unpack integers', "return {struct.unpack('>i>H<b', struct.pack('>i>H<b', -5, 65535, -3))}"),
  st('unpack unsigned wide', "return {struct.unpack('<I8', struct.pack('<I8', 2^40 + 5))}"),
  st('unpack strings', "return {struct.unpack('>I2 c2 s', '\\0\\5abxyz\\0rest')}"),
  st('unpack c0', "return {struct.unpack('b c0', '\\3abcd')}"),
  st('unpack c0 without size', "return {struct.unpack('c0', 'abc')}"),
  st('unpack unfinished string', "return {struct.unpack('s', 'abc')}"),
  st('unpack offset', "return {struct.unpack('>h', '\\0\\1\\0\\2', 3)}"),
  st('unpack too short', "return {struct.unpack('>i', 'ab')}"),
  st(
    'unpack float roundtrip',
    "local a, b = struct.unpack('>f>d', struct.pack('>f>d', 1.5, 0.1)) return {tostring(a), tostring(b == 0.1)}",
  ),
  st(
    'unpack negative floats',
    "local a, b = struct.unpack('<f<d', struct.pack('<f<d', -2.5, -0.1)) return {tostring(a), tostring(b == -0.1)}",
  ),
  st('size', "return {struct.size('>i h c3'), struct.size('!8 b d'), struct.size('x I3')}"),
  st('size of s', "return struct.size('s')"),
  st('size of c0', "return struct.size('c0')"),
]
