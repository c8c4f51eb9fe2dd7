// Random table-library snippets for the differential fuzzer: concat, insert, remove, move,
// unpack and sort on random arrays (holes included) and `#`, each printing the results and
// the array afterwards.
import type { Dice, Mode, Snippet } from './fuzz-program.js'

const ITEMS = ['1', '2', '3', '10', '-1', '2.5', '0/0', '"a"', '"b"', '"10"', '"9"', 'nil', 'true', '{}']
const SORTABLE = [
  ['1', '2', '3', '10', '-1', '2.5', '-0.0', '1e300', '-1/0'],
  ['"a"', '"b"', '"10"', '"9"', '""', '"B"', '"a\\0"'],
]
const POSITIONS = ['0', '1', '2', '3', '-1', '5', '#t', '#t + 1', '#t + 2', '1.0', '1.5', '"2"', 'nil', '2^31']

/** A constructor of up to 7 items, holes (nil) included. */
function array(d: Dice, items: readonly string[] = ITEMS): string {
  return `{${d.some(items, 0, 7).join(', ')}}`
}

/** 5.1's `#` of a table with holes depends on its array part's size (documented): no holes there. */
function noHoles(mode: Mode, body: string): string {
  return mode === 'lua51' ? body.replace(/\bnil\b(?=[,}])/g, '0') : body
}

function tableOp(d: Dice, mode: Mode): string {
  // lua5.1 crashes on unpack at 2^31 (a C int); table.move over 2^31 positions runs for minutes anywhere
  const pos = () => d.pick(mode === 'lua51' ? POSITIONS.slice(0, -1) : POSITIONS)
  const near = () => d.pick(POSITIONS.slice(0, -1))
  switch (d.int(0, 6)) {
    case 0:
      return `local t = ${array(
        d,
        ITEMS.filter((x) => x !== '{}' && x !== 'true'),
      )} return table.concat(t${d.chance(0.7) ? `, ${d.pick(['","', '""', '1', '"-\\0-"'])}${d.chance(0.5) ? `, ${pos()}${d.chance(0.6) ? `, ${pos()}` : ''}` : ''}` : ''})`
    case 1:
      return `local t = ${array(d)} ${d.chance(0.6) ? `table.insert(t, ${pos()}, "X")` : 'table.insert(t, "X")'} return t, #t`
    case 2:
      return `local t = ${array(d)} return table.remove(t${d.chance(0.7) ? `, ${pos()}` : ''}), t, #t`
    case 3:
      if (mode === 'lua53') {
        const a2 = d.chance(0.4) ? `, ${array(d)}` : ''
        return `local t = ${array(d)} local r = table.move(t, ${near()}, ${near()}, ${pos()}${a2}) return r, t, #t`
      }
      return `local t = ${array(d)} return table.getn(t), table.maxn(t)`
    case 4: {
      const unpack = mode === 'lua53' ? 'table.unpack' : 'unpack'
      return `local t = ${array(d)} return ${unpack}(t${d.chance(0.7) ? `, ${pos()}${d.chance(0.7) ? `, ${pos()}` : ''}` : ''})`
    }
    case 5: {
      // tables print their addresses: a tostring comparator would order them by chance
      const items = d.chance(0.85) ? (d.pick(SORTABLE) as string[]) : ITEMS.filter((x) => x !== '{}')
      const comparator = d.pick([
        '',
        '',
        ', function(a, b) return a > b end',
        ', function(a, b) return tostring(a) < tostring(b) end',
        ', function(a, b) return true end',
        ', 1',
      ])
      return `local t = {${d.some(items, 0, 9).join(', ')}} table.sort(t${comparator}) return t, #t`
    }
    default:
      return `local t = ${array(d)} t[${pos()}] = ${d.pick(ITEMS)} return t, #t`
  }
}

/** One table snippet for `mode`. */
export function tableSnippet(d: Dice, mode: Mode): Snippet {
  const body = noHoles(mode, tableOp(d, mode))
  // table.move and t[k] = v may store nil into absent keys: C Lua may then hand that node to
  // the next new key, which the engine's length model does not follow (README, known gaps)
  return { area: 'tables', body, border: /table\.move|\] = nil/.test(body) }
}
