/**
 * Names and lines read back from a script's own text where QuickJS gives less than V8 or
 * the Lua engine would: the callee of a failed call (QuickJS says only `not a function`)
 * and the line of an import whose module is missing (the loader fails with no frame).
 * Each answers only when the text is unambiguous, and nothing otherwise: a name or line
 * that could be wrong is worse than none.
 */
import { escapeRegExp } from '@polyhost/core/engine'

// a dotted name (`f`, `kv.get`, `a.b?.c`) right before the call's parenthesis, maybe after `new`
const CALLEE = /(?:^|[^\w$.#])(new\s+)?([A-Za-z_$][\w$]*(?:\s*\??\.\s*#?[A-Za-z_$][\w$]*)*)\s*$/

/**
 * The callee of the call whose `(` is at `line`:`column` (1-based) in `source`: `kv.nope`,
 * and whether it was a `new` expression. Undefined when there is no `(` there or the callee
 * is not a plain dotted name (`o['x'](…)`, `f()()`).
 */
export function calleeAt(source: string, line: number, column: number): { name: string; construct: boolean } | undefined {
  const text = lineOf(source, line)
  if (text === undefined || text[column - 1] !== '(') return undefined
  const m = CALLEE.exec(text.slice(0, column - 1))
  if (!m?.[2]) return undefined
  return { name: m[2].replace(/\s+/g, ''), construct: m[1] !== undefined }
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
