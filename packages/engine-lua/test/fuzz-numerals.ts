// Random numerals for the differential fuzzer: decimal and hex, with fractions, exponents,
// signs, spaces and junk, long mantissas (40 digits) and hex mantissas beyond 53 bits that
// round (ties included), read by tonumber, by string arithmetic and by the lexer (`load`).
import type { Dice, Mode, Snippet } from './fuzz-program.js'

// decimal numerals at rounding ties and around the integer range's ends
const TRICKY = [
  '9007199254740993.0',
  '9007199254740993.000000000000000001',
  '9007199254740995.0',
  '1.00000000000000011102230246251565404236316680908203125',
  '1.00000000000000011102230246251565404236316680908203126',
  '2.2250738585072011e-308',
  '2.4703282292062327e-324',
  '2.4703282292062328e-324',
  '1.7976931348623158e308',
  '1.7976931348623159e308',
  '9223372036854775807',
  '9223372036854775808',
  '18446744073709551616',
  '-9223372036854775808',
  '0x8000000000000000',
  '0x1.fffffffffffff8p0',
  '0x1.00000000000008p0',
  '0x1.00000000000018p0',
  '0x.0000000000001p-1022',
  '0x1p-1075',
  '0x1p1024',
  '1e-400',
  '.e1',
  '0x.p1',
  '1e+',
  '0x1P+4',
  '1E2',
]

/** A run of n digits, biased towards the ones that make ties (0, 8, f/9). */
function digits(d: Dice, hex: boolean, n: number): string {
  const pool = hex ? '00088ff123456789abcdefABCDEF' : '0009955123456789'
  return Array.from({ length: n }, () => pool[d.int(0, pool.length - 1)]).join('')
}

/** A random numeral text (a Lua string literal's contents). */
export function numeral(d: Dice): string {
  if (d.chance(0.15)) return d.pick(TRICKY)
  const hex = d.chance(0.4)
  const long = d.chance(0.3)
  let body = digits(d, hex, d.int(0, long ? 24 : 4))
  if (d.chance(0.5)) body += `.${digits(d, hex, d.int(0, long ? 24 : 4))}`
  if (d.chance(0.4)) body += `${hex ? d.pick(['p', 'P']) : d.pick(['e', 'E'])}${d.pick(['', '+', '-'])}${digits(d, false, d.int(0, 4))}`
  const sign = d.pick(['', '', '-', '+', ' -', '- '])
  const junk = d.chance(0.1) ? d.pick(['x', 'e', '.', ' 1', '\\0', 'p1']) : ''
  return `${d.pick(['', '', ' ', '\\t', '\\n '])}${sign}${hex ? d.pick(['0x', '0X']) : ''}${body}${junk}${d.pick(['', '', ' ', '\\v'])}`
}

/** One numeral snippet: the same text through tonumber, coercion and the lexer. */
export function numeralSnippet(d: Dice, mode: Mode): Snippet {
  const s = numeral(d)
  const load = mode === 'lua53' ? 'load' : 'loadstring'
  const reads = [
    `tonumber("${s}")`,
    `("${s}") + 0`,
    `("${s}") * 1.0`,
    `-("${s}")`,
    `assert(${load}("return ${s}"))()`,
    `math.floor("${s}")`,
    `tostring(tonumber("${s}"))`,
  ]
  if (mode === 'lua53') reads.push(`math.tointeger("${s}")`, `("${s}") // 1`, `("${s}") | 0`)
  // an integer numeral (no '.', exponent or 'p') beyond ±(2^53 − 1) is `integer overflow` here, also as a syntax error
  const integral = /0x/i.test(s) ? !/[.pP]/.test(s) : !/[.eE]/.test(s)
  return { area: 'numerals', body: `return ${d.pick(reads)}`, big: integral }
}
