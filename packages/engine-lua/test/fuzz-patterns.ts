// Random pattern snippets for the differential fuzzer: find, match, gmatch and gsub with
// patterns of character classes, sets, %b, %f, anchors, captures, position captures and
// back references, over short subjects; gsub replacements as strings with %0-%9, tables
// and functions.
import type { Dice, Mode, Snippet } from './fuzz-program.js'

const SUBJECT_BYTES = ['a', 'b', 'c', 'A', '1', '2', ' ', '(', ')', '.', '%', '-', '_', '\\0', '\\n', '\\255', 'x', '[', ']']
const SINGLES = [
  'a',
  'b',
  '.',
  '%a',
  '%d',
  '%s',
  '%w',
  '%p',
  '%x',
  '%u',
  '%l',
  '%c',
  '%A',
  '%S',
  '%W',
  '%D',
  '%%',
  '%.',
  '%(',
  '[abc]',
  '[^a-c]',
  '[%d_]',
  '[a-]',
  '[]a]',
  '[^]]',
  '[%a%d]',
  '[b-a]',
  '\\0',
  '%z',
  '[%z]',
  '1',
  ' ',
  '-',
]
const QUANT = ['', '', '', '*', '+', '-', '?']
const SPECIAL = ['%b()', '%bab', '%f[%w]', '%f[%W]', '%f[a]', '%f[%z]', '()', '%1', '%2', '%0', '%b', '%f', '[a', '%', '(', ')', '%g']

/** A random subject of up to `max` bytes, as a Lua string literal. */
function subject(d: Dice, max = 14): string {
  return `"${d.some(SUBJECT_BYTES, 0, max).join('')}"`
}

/** A random pattern: mostly well formed, sometimes malformed (native's error is the expectation). */
export function pattern(d: Dice): string {
  const items: string[] = []
  const n = d.int(0, 7)
  let open = 0
  for (let i = 0; i < n; i++) {
    const k = d.unit()
    if (k < 0.6) items.push(d.pick(SINGLES) + d.pick(QUANT))
    else if (k < 0.75 && open < 3) {
      items.push('(')
      open++
    } else if (k < 0.9 && open > 0) {
      items.push(')')
      open--
    } else items.push(d.pick(SPECIAL))
  }
  if (d.chance(0.85)) items.push(')'.repeat(open))
  return `${d.chance(0.2) ? '^' : ''}${items.join('')}${d.chance(0.15) ? '$' : ''}`
}

const TABLES = ['{a = "X", b = false, ["1"] = 7}', '{}', '{a = {}, c = "C"}', '{["a"] = 1.5, [" "] = "_"}']
const FUNCTIONS = [
  'function(a) return a .. "!" end',
  'function() return nil end',
  'function() return false end',
  'function(a, b) return b end',
  'function(a) return #a end',
  'function() return {} end',
  'function(...) return select("#", ...) end',
]

/** A replacement: a string with %-items, a table or a function. */
function replacement(d: Dice): string {
  const k = d.unit()
  if (k < 0.55) return `"${d.some(['x', '%0', '%1', '%2', '%9', '%%', '%a', '-', '', '%'], 0, 3).join('')}"`
  if (k < 0.75) return d.pick(TABLES)
  return d.pick(FUNCTIONS)
}

/** One pattern snippet for `mode`. */
export function patternSnippet(d: Dice, mode: Mode): Snippet {
  const s = subject(d)
  const p = JSON.stringify(pattern(d)).replace(/\\\\0/g, '\\0')
  const init = () => (d.chance(0.3) ? `, ${d.pick(['1', '2', '0', '-1', '-3', '5', '20', '-20', '2^31'])}` : '')
  let body: string
  switch (d.int(0, 3)) {
    case 0: {
      const i = init()
      body = `return string.find(${s}, ${p}${i}${i && d.chance(0.3) ? ', true' : ''})`
      break
    }
    case 1:
      body = `return string.match(${s}, ${p}${init()})`
      break
    case 2: {
      const each = mode === 'lua53' ? 'string.gmatch' : d.pick(['string.gmatch', 'string.gfind'])
      body = `local r, n = {}, 0 for a, b in ${each}(${s}, ${p}) do n = n + 1 r[n] = tostring(a) .. '|' .. tostring(b) if n > 50 then break end end return n, table.concat(r, ',')`
      break
    }
    default:
      body = `return string.gsub(${s}, ${p}, ${replacement(d)}${d.chance(0.3) ? `, ${d.pick(['0', '1', '2', '-1', '2.0', '1.5', '"1"'])}` : ''})`
  }
  return { area: 'patterns', body }
}
