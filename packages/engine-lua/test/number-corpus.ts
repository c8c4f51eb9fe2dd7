/**
 * Generates the differential number corpus (test/number-corpus.txt): Lua expressions, one
 * per line, each judged by comparing `tostring(expr)` in the engine with native Lua. The
 * list is deterministic (a seeded PRNG picks operand pairs), so the data file can be
 * regenerated and diffed: `UPDATE_NUMBER_CORPUS=1 vitest run packages/engine-lua/test/numbers-differential.test.ts`.
 */

/** Integer operands around the interesting boundaries: 2^31, 2^32, 2^53, millisecond timestamps. */
const INTS = [
  '0',
  '1',
  '-1',
  '2',
  '3',
  '-7',
  '10',
  '255',
  '1000',
  '65536',
  '2147483647',
  '2147483648',
  '-2147483648',
  '-2147483649',
  '4294967295',
  '4294967296',
  '4294967297',
  '1733333333',
  '1733333333000',
  '1764870000000',
  '-1764870000000',
  '4503599627370496',
  '9007199254740991',
  '-9007199254740991',
  '9007199254740990',
  '3037000499',
  '3037000500',
  '94906265',
  '94906266',
  '1099511627776',
  '281474976710655',
  '0x7fffffff',
  '0x80000000',
  '0xffffffff',
  '0x100000000',
  '0x1fffffffffffff',
  '0xff',
  '-0x10',
]

/** Float operands, including the ones C's %.14g prints specially. */
const FLOATS = [
  '0.0',
  '-0.0',
  '0.5',
  '-2.5',
  '1.5',
  '3.0',
  '0.1',
  '1e15',
  '1e16',
  '1e-05',
  '2^53',
  '2^31',
  '2^32',
  '1e100',
  '123456789012345.0',
  '1/3',
  '-1/3',
  '2^-20',
  '1e300*10',
  '-1e300*10',
  '3.14159265358979',
  '100.0',
  '1e14',
  '5e-324',
]

const BINARY = ['+', '-', '*', '//', '%', '/', '^', '==', '<', '<=', '&', '|', '~', '<<', '>>']

/** Numerals as scripts write them: exact near the boundaries, beyond them, hex that wraps. */
const NUMERALS = [
  ...INTS,
  ...FLOATS,
  '9007199254740992',
  '9007199254740993',
  '-9007199254740992',
  '9223372036854775807',
  '9223372036854775808',
  '-9223372036854775808',
  '18446744073709551616',
  '0x20000000000000',
  '0x7fffffffffffffff',
  '0x8000000000000000',
  '0xffffffffffffffff',
  '0xfffffffffffffffe',
  '0xffffffffffe00001',
  '0x10000000000000000',
  '0x1p4',
  '0x.8',
  '0xA.8p1',
  '1e308',
  '1.7976931348623157e308',
  '2.2250738585072014e-308',
  '4.9e-324',
  '0.30000000000000004',
  '1e21',
  '1e22',
  '12345678901234567890',
  '.5',
  '5.',
  '3e0',
  '0e0',
  '1E2',
  '0x0',
  '00010',
  '1733333333000.0',
  '9007199254740991.0',
]

/** Strings fed to tonumber and to arithmetic coercion. */
const STRINGS = [
  '"10"',
  '"  12  "',
  '"1e2"',
  '"0x10"',
  '"-0x10"',
  '"9007199254740991"',
  '"9007199254740992"',
  '"9007199254740993"',
  '"-9007199254740993"',
  '"0xffffffffffffffff"',
  '"0x8000000000000000"',
  '"1.5"',
  '"abc"',
  '""',
  '" "',
  '"1e"',
  '"9223372036854775807"',
  '"9223372036854775808"',
  '"1733333333000"',
  '"4294967296"',
  '"0x100000000"',
  '"inf"',
  '"nan"',
  '"  0x1p4  "',
  '"1 2"',
  '"2147483648"',
  '"-0"',
  '"+5"',
  '"1.0"',
]

/** Strings whose value is an integer beyond ±(2^53 − 1): only their own conversion is judged. */
const BIG_STRINGS = new Set([
  '"9007199254740992"',
  '"9007199254740993"',
  '"-9007199254740993"',
  '"0x8000000000000000"',
  '"9223372036854775807"',
])

const FORMATS = [
  '%d',
  '%i',
  '%x',
  '%X',
  '%o',
  '%5d',
  '%-8d|',
  '%+d',
  '%05d',
  '%#x',
  '%#o',
  '%.3d',
  '%g',
  '%.14g',
  '%.3g',
  '%10.4g',
  '%e',
  '%.0e',
  '%E',
  '%f',
  '%.0f',
  '%.1f',
  '%.3f',
  '%10.2f',
  '%-10.2f|',
  '%+.2f',
  '%#.0f',
  '%.20f',
  '%G',
  '%#g',
]

const MATH1 = ['math.tointeger', 'math.floor', 'math.ceil', 'math.abs', 'math.type', 'math.sqrt', 'math.exp', 'math.log']
const MATH2 = ['math.fmod', 'math.ult', 'math.max', 'math.min', 'math.log']

/** The corpus, in a fixed order. */
export function numberCorpus(): string[] {
  const rand = mulberry32(0x5eed)
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)] as T
  const operands = [...INTS, ...FLOATS]
  const out: string[] = []
  for (const n of NUMERALS) out.push(n, `-(${n})`)
  for (const s of STRINGS) out.push(`tonumber(${s})`)
  for (const s of STRINGS.filter((x) => !BIG_STRINGS.has(x))) out.push(`math.type(tonumber(${s}))`)
  for (const s of [
    '"ff", 16',
    '"zz", 36',
    '"-10", 2',
    '"ffffffffffffffff", 16',
    '"7fffffffffffffff", 16',
    '"1fffffffffffff", 16',
    '"20000000000000", 16',
    '"8", 8',
    '" 11 ", 2',
    '"+z", 36',
  ])
    out.push(`tonumber(${s})`)
  for (const op of BINARY) {
    for (let i = 0; i < 55; i++) out.push(`(${pick(operands)}) ${op} (${pick(operands)})`)
  }
  for (const a of operands) out.push(`-(${a})`, `~(${a})`, `math.type(${a})`)
  for (const f of MATH1) for (let i = 0; i < 14; i++) out.push(`${f}(${pick(operands)})`)
  for (const f of MATH2) for (let i = 0; i < 12; i++) out.push(`${f}(${pick(operands)}, ${pick(operands)})`)
  out.push('math.huge', '-math.huge', 'math.pi', 'math.modf(3.7)', 'math.modf(-3.7)', 'math.modf(5)')
  for (const s of STRINGS.slice(0, 22)) out.push(`${s} + 1`, `${s} * 2`, `${s} .. 1`)
  for (const a of operands.slice(0, 40)) out.push(`(${a}) .. ""`, `"n=" .. (${a})`)
  for (const f of FORMATS) for (let i = 0; i < 7; i++) out.push(`string.format("${f}", ${pick(operands)})`)
  for (const a of ['65', '0', '255', '256', '-191', '2^40+65']) out.push(`string.byte(string.format("%c", ${a}))`)
  for (let i = 0; i < 40; i++) {
    const [a, b, c] = [
      pick(['1', '0', '-3', '9007199254740985', '2147483640', '1.5', '4294967290', '-9007199254740985']),
      pick(['10', '-10', '9007199254740991', '2147483650', '3.5', '4294967300', '-9007199254740991']),
      pick(['1', '2', '-1', '3', '0.5', '1000000']),
    ]
    out.push(
      `(function() local n, s = 0, 0 for i = ${a}, ${b}, ${c} do n = n + 1 s = i if n > 20 then break end end return n .. ":" .. s end)()`,
    )
  }
  const keys = [
    '1',
    '1.0',
    '2^40',
    '1099511627776',
    '2^53',
    '2147483648',
    '4294967296.0',
    '-0.0',
    '0',
    '9007199254740991',
    '0.5',
    '"1"',
    '2^53-1',
  ]
  for (const k1 of keys)
    for (const k2 of [pick(keys), pick(keys), k1]) out.push(`(function() local t = {} t[${k1}] = "v" return t[${k2}] end)()`)
  for (const k of keys) out.push(`(function() local t = {[${k}] = true} local k = next(t) return k end)()`)
  for (const n of ['0', '1', '100', '1000']) out.push(`#(function() local t = {} for i = 1, ${n} do t[i] = i end return t end)()`)
  for (const [s, a, b] of [
    ['"hello"', '2', '4'],
    ['"hello"', '-3', '-1'],
    ['"hello"', '2^31', '-1'],
    ['"hello"', '-(2^40)', '2'],
    ['"hello"', '2', '9007199254740991'],
    ['"hello"', '1.0', '2'],
  ])
    out.push(`string.sub(${s}, ${a}, ${b})`)
  for (const n of ['0', '3', '-1', '2.0', '1e1']) out.push(`string.rep("ab", ${n}, ",")`)
  for (const s of [0, 1, 11, 31, 32, 33, 52, 53, 63, 64, 65, -1, -11, -64])
    out.push(`1 << ${s}`, `-1 >> ${s}`, `0xff << ${s}`, `-1 << ${s}`, `(2^52|0) >> ${s}`)
  for (const a of INTS) out.push(`string.unpack("j", string.pack("j", ${a}))`, `string.unpack("<i6", string.pack("<i6", ${a}))`)
  for (let i = 0; out.length < 2200 && i < 200; i++) {
    const [a, b] = [pick(INTS), pick(INTS)]
    // the product is an intermediate: keep it within range so the final // is what is judged
    const num = (x: string): bigint => (x.startsWith('-') ? -BigInt(Number(x.slice(1))) : BigInt(Number(x)))
    const product = num(a) * num(b)
    if (product <= 9007199254740991n && product >= -9007199254740991n) out.push(`(${a}) * (${b}) // (${pick(['7', '-7', '1000', '3'])})`)
  }
  return out
}

/** Expressions native Lua 5.1 can parse and run (no integer operators or 5.3 math functions). */
export function isLua51(expr: string): boolean {
  // C 5.1 casts a double beyond 64 bits to an integer with undefined behaviour; the engine raises instead
  if (/string\.format\("%[^"]*[dixXoc]", [^)]*1e(100|300)/.test(expr)) return false
  return !/\/\/|&|\||~|<<|>>|math\.(tointeger|type|ult|maxinteger|mininteger)|string\.(pack|unpack)|0x[0-9a-f.]*p|%[-+ #0-9.]*[aA]|0x\./i.test(
    expr,
  )
}

// --- internal ---

function mulberry32(seed: number): () => number {
  let a = seed
  return () => {
    a = (a + 0x6d2b79f5) | 0
    let t = Math.imul(a ^ (a >>> 15), 1 | a)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}
