// Random string-library snippets for the differential fuzzer: string.format with every
// specifier and random flags, width and precision; rep with a separator; sub, byte and char
// with negative and huge indices; upper, lower, reverse and len on binary strings; and (5.3)
// pack, unpack and packsize with random formats.
import { edgeValue } from './fuzz-numbers.js'
import { type Dice, luaBytes, type Mode, type Snippet } from './fuzz-program.js'

/** A short random string: mostly letters and digits, sometimes any byte. */
export function randomBytes(d: Dice, max = 8): string {
  const n = d.int(0, max)
  const bytes = Array.from({ length: n }, () => (d.chance(0.7) ? d.pick(Array.from(Buffer.from('aAbz09 %.-_()\n'))) : d.int(0, 255)))
  return luaBytes(bytes)
}

const INDICES = [
  '0',
  '1',
  '2',
  '3',
  '-1',
  '-2',
  '-3',
  '-10',
  '10',
  '100',
  '2147483647',
  '-2147483648',
  '2^31',
  '2^53',
  '-2^53',
  '1.0',
  '2.5',
  '"2"',
  'nil',
  '1/0',
  '0/0',
]
const INDICES53 = ['9007199254740991', '-9007199254740991', '(-9007199254740991 + 1)']

/** An index argument, huge or negative. */
function index(d: Dice, mode: Mode): string {
  return d.pick(mode === 'lua53' && d.chance(0.2) ? INDICES53 : INDICES)
}

const FLAGS = ['', '', '-', '+', ' ', '#', '0', '-0', '+0', '# ', '-+ #0', '--']

/** One random format specifier and an argument for it. */
function specifier(d: Dice, mode: Mode): [string, string] {
  const conv = d.pick(mode === 'lua53' ? [...'diouxXcfeEgGaAqs%'] : [...'diouxXcfeEgGqs%'])
  const width = d.chance(0.4) ? String(d.int(0, d.chance(0.1) ? 120 : 25)) : ''
  const precision = d.chance(0.4) ? `.${d.chance(0.2) ? '' : d.int(0, d.chance(0.1) ? 120 : 20)}` : ''
  const arg =
    conv === 's' || conv === 'q'
      ? d.chance(0.6)
        ? randomBytes(d)
        : edgeValue(d, mode)
      : conv === 'c'
        ? d.pick(['65', '0', '255', '256', '-1', '97.0', '"66"'])
        : edgeValue(d, mode)
  return [`%${d.pick(FLAGS)}${width}${precision}${conv}`, arg]
}

function formatSnippet(d: Dice, mode: Mode): string {
  const specs = Array.from({ length: d.int(1, 3) }, () => specifier(d, mode))
  const text = specs.map(([s]) => s).join(d.pick(['', '|', ' x ']))
  return `return string.format(${JSON.stringify(text)}, ${specs.map(([, a]) => a).join(', ')})`
}

function indexSnippet(d: Dice, mode: Mode): string {
  const s = randomBytes(d)
  switch (d.int(0, 5)) {
    case 5: {
      // byte-wise comparison (NUL and bytes above 127 included) and concatenation of numbers
      const t = d.chance(0.3) ? s : randomBytes(d, 4)
      return `local a, b = ${s}, ${t} return a < b, a <= b, a == b, a .. ${d.pick(['1', '-0.0', '1e15', '2^53', '0.1', '1/0', '-7'])}`
    }
    case 0:
      return `return string.sub(${s}, ${index(d, mode)}${d.chance(0.7) ? `, ${index(d, mode)}` : ''})`
    case 1:
      return `return string.byte(${s}, ${index(d, mode)}${d.chance(0.7) ? `, ${index(d, mode)}` : ''})`
    case 2:
      return `return string.char(${d.some(['0', '65', '255', '256', '-1', '97.0', '"98"', '1.5', '2^31'], 0, 4).join(', ')})`
    case 3:
      return `return string.rep(${randomBytes(d, 3)}, ${d.pick(['-1', '0', '1', '2', '3', '5', '2.0', '"3"', '0/0'])}${mode === 'lua53' && d.chance(0.6) ? `, ${randomBytes(d, 2)}` : ''})`
    default:
      return `local s = ${s} return ${d.pick(['s:upper()', 's:lower()', 's:reverse()', 's:len()', '#s', 's:upper():reverse()', 's:lower():len()'])}`
  }
}

const PACK_OPTIONS = [
  'b',
  'B',
  'h',
  'H',
  'i',
  'I',
  'l',
  'L',
  'j',
  'J',
  'T',
  'f',
  'd',
  'n',
  's',
  'z',
  'x',
  'i3',
  'I5',
  'i7',
  'I9',
  'i16',
  's1',
  's2',
  'i0',
  'i17',
  'Xi4',
  'X',
  '!4',
  '!',
  '<',
  '>',
  '=',
  ' ',
  'c3',
  'c0',
  'c',
  'q',
]

/** A random pack format and, for each value option, an argument. */
function packFormat(d: Dice): [string, string[]] {
  const opts = d.some(PACK_OPTIONS, 1, 5)
  const args = opts.flatMap((o) => {
    if (/^[bBhHiIlLjJT]/.test(o))
      return [d.pick(['0', '1', '-1', '127', '128', '255', '-129', '65535', '2^31', '2147483647', '-2147483648', '1.5', '3.0', '"12"'])]
    if (/^[fdn]/.test(o)) return [edgeValue(d, 'lua53')]
    if (/^[sz]/.test(o)) return [randomBytes(d, 5)]
    if (o.startsWith('c')) return [randomBytes(d, 4)]
    return []
  })
  return [opts.join(''), args]
}

function packSnippet(d: Dice): string {
  const [f, args] = packFormat(d)
  switch (d.int(0, 3)) {
    case 0:
      return `return string.pack(${JSON.stringify(f)}${args.map((a) => `, ${a}`).join('')})`
    case 1:
      return `return string.packsize(${JSON.stringify(f)})`
    case 2:
      return `local p = string.pack(${JSON.stringify(f)}${args.map((a) => `, ${a}`).join('')}) return string.unpack(${JSON.stringify(f)}, p)`
    default:
      return `return string.unpack(${JSON.stringify(f)}, ${randomBytes(d, 20)}${d.chance(0.3) ? `, ${d.pick(['1', '2', '-1', '-3', '0', '30'])}` : ''})`
  }
}

/** One string-library snippet for `mode`. */
export function stringSnippet(d: Dice, mode: Mode): Snippet {
  const k = d.unit()
  if (k < 0.45) {
    const body = formatSnippet(d, mode)
    return { area: 'format', body, big: /maxinteger|900719925474099|2\^63|2\^53|0x|1e1[56]/.test(body) }
  }
  if (mode === 'lua53' && k < 0.65) return { area: 'pack', body: packSnippet(d), big: true }
  const body = indexSnippet(d, mode)
  return { area: 'strings', body, big: /900719925474099|2\^53/.test(body) }
}
