// Random number snippets for the differential fuzzer: operators and math/tonumber/tostring
// calls on edge values (zeros, infinities, NaNs, 2^53 ± 1, the integer range's ends, tiny and
// huge floats, numeric strings with spaces, hex and exponents), with coercions.
import type { Dice, Mode, Snippet } from './fuzz-program.js'

const INTEGERS = ['0', '1', '-1', '2', '3', '-3', '7', '10', '255', '-256', '2147483647', '-2147483648', '4294967296', '123456789']
// math.maxinteger is 2^53 − 1 here by design (README), so the range's ends are written as numerals
const BIG53 = ['9007199254740991', '-9007199254740991', '9007199254740990', '0x1fffffffffffff', '0x7fffffff', '0xffffffff']
const FLOATS = [
  '0.0',
  '-0.0',
  '1/0',
  '-1/0',
  '0/0',
  '-(0/0)',
  '2^53',
  '2^53 + 1',
  '2^53 - 1',
  '1e308',
  '-1e308',
  '5e-324',
  '0.1',
  '-0.5',
  '1.5',
  '2.5',
  '-3.5',
  '3.0',
  '1e15',
  '1e16',
  '2^63',
  '-2^63',
  '2^31',
  '0.1 + 0.2',
  '1e100',
]
const STRINGS = [
  '" 0x10 "',
  '"1e1"',
  '"  12  "',
  '"0x1p4"',
  '"inf"',
  '"nan"',
  '"10"',
  '"-0"',
  '"3.0"',
  '"1e500"',
  '""',
  '"abc"',
  '"0x"',
  '"1 2"',
  '"  -0x10  "',
  '".5"',
  '"5."',
  '"0x.8"',
  '"9007199254740993"',
  '"1e"',
  '" -7 "',
  '"0xA"',
]

/** An edge value as a Lua expression (parenthesised). */
export function edgeValue(d: Dice, mode: Mode): string {
  const pool = d.chance(0.35)
    ? INTEGERS
    : d.chance(0.5)
      ? FLOATS
      : d.chance(0.6)
        ? STRINGS
        : mode === 'lua53'
          ? BIG53
          : ['(2^53 - 1)', '-(2^53 - 1)', '0x7fffffff', '0xffffffff']
  return `(${d.pick(pool)})`
}

const OPS53 = ['+', '-', '*', '/', '//', '%', '^', '&', '|', '~', '<<', '>>', '==', '~=', '<', '<=', '>', '>=', '..']
const OPS51 = ['+', '-', '*', '/', '%', '^', '==', '~=', '<', '<=', '>', '>=', '..']
const UNARY53 = ['-', '~', 'not ']
const CALLS53 = [
  'math.floor',
  'math.ceil',
  'math.tointeger',
  'math.abs',
  'tostring',
  'tonumber',
  'math.modf',
  'math.sqrt',
  'math.type',
  'math.fmod',
  'math.max',
  'math.min',
  'math.ult',
]
const CALLS51 = [
  'math.floor',
  'math.ceil',
  'math.abs',
  'tostring',
  'tonumber',
  'math.modf',
  'math.sqrt',
  'math.fmod',
  'math.max',
  'math.min',
]
const TWO = new Set(['math.fmod', 'math.ult'])

/** An expression of one to three levels over edge values. */
function expression(d: Dice, mode: Mode, depth: number): string {
  if (depth <= 0 || d.chance(0.3)) return edgeValue(d, mode)
  const k = d.unit()
  if (k < 0.55) {
    const op = d.pick(mode === 'lua53' ? OPS53 : OPS51)
    return `(${expression(d, mode, depth - 1)} ${op} ${expression(d, mode, depth - 1)})`
  }
  if (k < 0.65) return `(${d.pick(mode === 'lua53' ? UNARY53 : ['-', 'not '])}${expression(d, mode, depth - 1)})`
  const f = d.pick(mode === 'lua53' ? CALLS53 : CALLS51)
  const args = TWO.has(f) ? 2 : f.startsWith('math.m') && f.length === 8 ? d.int(1, 3) : 1
  return `${f}(${Array.from({ length: args }, () => expression(d, mode, depth - 1)).join(', ')})`
}

const DIGITS = '0123456789abcdefghijklmnopqrstuvwxyzABCZ'

/** `tonumber(s, base)` on a random numeral (signs, spaces, digits beyond the base). */
function tonumberBase(d: Dice): string {
  const base = d.chance(0.1) ? d.pick([0, 1, 37, 10.5, 36.0]) : d.int(2, 36)
  const digits = Array.from(
    { length: d.int(0, d.chance(0.2) ? 16 : 6) },
    () => DIGITS[d.int(0, Math.min(DIGITS.length - 1, Math.ceil(Number(base)) + 1))],
  ).join('')
  const s = `${d.pick(['', ' ', '-', ' -', '+', '\\t'])}${digits}${d.pick(['', ' ', '  ', 'x', '\\n'])}`
  return `tonumber("${s}", ${base})`
}

const LOOP_VALUES = [
  '0',
  '1',
  '-1',
  '3',
  '0.1',
  '-0.5',
  '2.5',
  '1/0',
  '-1/0',
  '0/0',
  '2^53',
  '-2^53',
  '2^53 - 2',
  '2147483647',
  '1e308',
  '"2"',
  '10',
]

/** A numeric for loop over edge limits and steps (cut after 20 rounds). */
function forLoop(d: Dice, mode: Mode): string {
  const [a, b] = [d.pick(LOOP_VALUES), d.pick(LOOP_VALUES)]
  const step = d.chance(0.7) ? `, ${d.pick(LOOP_VALUES)}` : ''
  const big = mode === 'lua53' ? d.pick(['', '', '9007199254740990', '-9007199254740990']) : ''
  return `local n, s = 0, 0 for i = ${big && d.chance(0.5) ? big : a}, ${big || b}${step} do n = n + 1 s = s + i if n > 20 then break end end return n, s`
}

/** One number snippet for `mode`. */
export function numberSnippet(d: Dice, mode: Mode): Snippet {
  const kind = d.unit()
  let body: string
  if (kind < 0.15) body = `return ${tonumberBase(d)}`
  else if (kind < 0.25) body = forLoop(d, mode)
  else if (kind < 0.32) body = `return tostring(${expression(d, mode, 2)})`
  else body = `return ${expression(d, mode, d.int(1, 3))}`
  return {
    area: 'numbers',
    body,
    big: /maxinteger|mininteger|900719925474099|0x1f|2\^53|2\^63|<<|>>|\*|0x7|0xf|tonumber\("[^"]{12}|\^|1e1[56]|1e308|1e100/.test(body),
    libm: /\^|sqrt/.test(body),
  }
}
