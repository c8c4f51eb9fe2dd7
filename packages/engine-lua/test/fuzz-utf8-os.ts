// Random utf8 (5.3) and os.time/os.date/os.difftime snippets for the differential fuzzer:
// utf8 functions on random byte strings (valid, overlong, surrogate and truncated sequences),
// and dates from random tables and `!` (UTC) formats.
import { type Dice, luaBytes, type Mode, type Snippet } from './fuzz-program.js'

const SEQUENCES = [
  [0x41],
  [0x7f],
  [0xc3, 0xa9],
  [0xe2, 0x82, 0xac],
  [0xf0, 0x9f, 0x98, 0x80],
  [0xf4, 0x8f, 0xbf, 0xbf],
  [0x80],
  [0xbf],
  [0xc0, 0x80],
  [0xc3],
  [0xe2, 0x82],
  [0xed, 0xa0, 0x80],
  [0xf4, 0x90, 0x80, 0x80],
  [0xf8, 0x88, 0x80, 0x80, 0x80],
  [0xfc, 0x84, 0x80, 0x80, 0x80, 0x80],
  [0xfe],
  [0xff],
  [0],
]
const CODES = [
  '0',
  '65',
  '127',
  '128',
  '0x7ff',
  '0x800',
  '0xd800',
  '0xffff',
  '0x10000',
  '0x10ffff',
  '0x110000',
  '0x7fffffff',
  '0x80000000',
  '-1',
  '1.0',
  '1.5',
  '"66"',
]
const UPOS = ['0', '1', '2', '3', '-1', '-2', '-5', '4', '6', '10', '-10', '1.0', '2^31']

function utf8Snippet(d: Dice): string {
  const s = luaBytes(d.some(SEQUENCES, 0, 4).flat())
  const i = () => d.pick(UPOS)
  switch (d.int(0, 5)) {
    case 0:
      return `return utf8.char(${d.some(CODES, 0, 4).join(', ')})`
    case 1:
      return `return utf8.codepoint(${s}${d.chance(0.7) ? `, ${i()}${d.chance(0.6) ? `, ${i()}` : ''}` : ''})`
    case 2:
      return `return utf8.len(${s}${d.chance(0.7) ? `, ${i()}${d.chance(0.6) ? `, ${i()}` : ''}` : ''})`
    case 3:
      return `return utf8.offset(${s}, ${i()}${d.chance(0.6) ? `, ${i()}` : ''})`
    case 4:
      return `local r = {} for p, c in utf8.codes(${s}) do r[#r + 1] = p .. ':' .. c end return table.concat(r, ',')`
    default:
      return `return utf8.charpattern, string.find(${s}, utf8.charpattern${d.chance(0.5) ? `, ${i()}` : ''})`
  }
}

const FIELD_VALUES = [
  '0',
  '1',
  '-1',
  '12',
  '13',
  '31',
  '32',
  '59',
  '60',
  '61',
  '1970',
  '2000',
  '2038',
  '1900',
  '-100',
  '10000',
  '"5"',
  '"x"',
  '1.5',
  '2^31',
  '-2^31',
  '2^30',
]
const SPECIFIERS = [...'aAbBcCdDeFgGhHIjmMnprRStTuUVwWxXyYzZ%']
  .map((c) => `%${c}`)
  .concat([
    '%Ec',
    '%EC',
    '%Ex',
    '%EX',
    '%Ey',
    '%EY',
    '%Od',
    '%Oe',
    '%OH',
    '%OI',
    '%Om',
    '%OM',
    '%OS',
    '%Ou',
    '%OU',
    '%OV',
    '%Ow',
    '%OW',
    '%Oy',
    '%Q',
    '%E',
    '%',
    '%Ez',
    '%k',
  ])
const TIMES = [
  '0',
  '1',
  '-1',
  '86399',
  '951782400',
  '1e9',
  '2^31',
  '-2^31',
  '4102444800',
  '1.5',
  '"100"',
  '253402300799',
  '-62135596800',
  '2^40',
]

/** A date table with random fields (the required ones usually present). */
function dateTable(d: Dice): string {
  const fields = ['year', 'month', 'day', 'hour', 'min', 'sec']
    .filter((f) => d.chance(f === 'year' || f === 'month' || f === 'day' ? 0.92 : 0.6))
    .map((f) => `${f} = ${d.pick(FIELD_VALUES)}`)
  if (d.chance(0.2)) fields.push(`isdst = ${d.pick(['true', 'false', '1'])}`)
  return `{${fields.join(', ')}}`
}

function osSnippet(d: Dice, mode: Mode): string {
  const format = (): string => `"!${d.some(SPECIFIERS, 1, 4).join(d.pick(['', ' ', '-']))}"`
  switch (d.int(0, 4)) {
    case 0:
      return `local t = ${dateTable(d)} local ok, r = pcall(os.time, t) return ok, r, t.year, t.month, t.day, t.hour, t.min, t.sec, t.yday, t.wday`
    case 1:
      return `return os.date(${format()}, ${d.pick(TIMES)})`
    case 2:
      return `local t = os.date("!*t", ${d.pick(TIMES)}) return t.year, t.month, t.day, t.hour, t.min, t.sec, t.wday, t.yday, t.isdst`
    case 3:
      return `return os.difftime(${d.pick(TIMES)}${mode === 'lua51' && d.chance(0.3) ? '' : `, ${d.pick(TIMES)}`})`
    default:
      return `local t = os.time(${dateTable(d)}) return os.date(${format()}, t)`
  }
}

/** One utf8 (5.3 only) or os snippet. */
export function utf8OsSnippet(d: Dice, mode: Mode): Snippet {
  if (mode === 'lua53' && d.chance(0.5)) return { area: 'utf8', body: utf8Snippet(d), big: true }
  return { area: 'os', body: osSnippet(d, mode), big: true }
}
