/**
 * Names and lines read back from a script's own text where QuickJS gives less than V8 or
 * the Lua engine would: the callee of a failed call (QuickJS says only `not a function`)
 * and the line of an import whose module is missing (the loader fails with no frame).
 * Each answers only when the text is unambiguous, and nothing otherwise: a name or line
 * that could be wrong is worse than none.
 */
import { escapeRegExp } from '@polyhost/core/engine'

/**
 * The callee of the call whose `(` is at `line`:`column` (1-based) in `source`: `kv.nope`,
 * and whether it was a `new` expression. Undefined when there is no `(` there or the callee
 * is not a plain dotted name (`o['x'](…)`, `f()()`).
 */
export function calleeAt(source: string, line: number, column: number): { name: string; construct: boolean } | undefined {
  const text = lineOf(source, line)
  if (text === undefined || text[column - 1] !== '(') return undefined
  return dottedNameBefore(text, column - 1)
}

/** The line of the one import of `specifier` in `source` (static or `import()`), if there is exactly one. */
export function importLine(source: string, specifier: string): number | undefined {
  const quoted = `(['"])${escapeRegExp(specifier)}\\1`
  const pattern = new RegExp(`(?:\\bfrom\\s*${quoted}|\\bimport\\s*${quoted}|\\bimport\\s*\\(\\s*${quoted})`, 'g')
  const hits = [...source.matchAll(pattern)]
  if (hits.length !== 1) return undefined
  const at = hits[0]?.index ?? 0
  return source.slice(0, at).split('\n').length
}

// --- internal ---

/**
 * The dotted name (`f`, `kv.get`, `a.b?.c`, `o.#p`, maybe after `new`) that ends right before
 * `end` in `text`, read backwards in one pass: a backtracking pattern was quadratic on a
 * long spaced chain (`q . q . q …`: 80 KB held the host ~10 s after the script had ended).
 * Undefined unless a whole name stands there: a digit-led word, a `#` or `.` before it.
 */
function dottedNameBefore(text: string, end: number): { name: string; construct: boolean } | undefined {
  const parts: string[] = []
  let i = skipSpaceBack(text, end)
  for (;;) {
    let start = i
    while (start > 0 && isWordChar(text.charCodeAt(start - 1))) start--
    if (start === i || isDigit(text.charCodeAt(start))) return undefined
    const privateName = start > 0 && text[start - 1] === '#'
    if (privateName) start--
    parts.push(text.slice(start, i))
    const before = skipSpaceBack(text, start)
    if (before > 0 && text[before - 1] === '.') {
      const optional = before > 1 && text[before - 2] === '?'
      parts.push(optional ? '?.' : '.')
      i = skipSpaceBack(text, before - (optional ? 2 : 1))
      continue
    }
    if (privateName || (start > 0 && /[\w$.#]/.test(text[start - 1] as string))) return undefined
    return { name: parts.reverse().join(''), construct: before < start && endsWithWord(text, before, 'new') }
  }
}

/** Whether `text` has the keyword `word` ending at `end`, not as part of a longer name. */
function endsWithWord(text: string, end: number, word: string): boolean {
  const start = end - word.length
  return start >= 0 && text.startsWith(word, start) && (start === 0 || !/[\w$.#]/.test(text[start - 1] as string))
}

function skipSpaceBack(text: string, end: number): number {
  let i = end
  while (i > 0 && /\s/.test(text[i - 1] as string)) i--
  return i
}

function isWordChar(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95 || c === 36
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57
}

function lineOf(source: string, line: number): string | undefined {
  let start = 0
  for (let n = 1; n < line; n++) {
    const next = source.indexOf('\n', start)
    if (next < 0) return undefined
    start = next + 1
  }
  const end = source.indexOf('\n', start)
  return source.slice(start, end < 0 ? source.length : end)
}
