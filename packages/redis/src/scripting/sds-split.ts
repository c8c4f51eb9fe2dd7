/**
 * Redis's `sds.c` string splitting as its shebang parsers use it, over byte strings (one
 * char per byte; see chunk-bytes.ts).
 */

const HEX = /^[0-9a-fA-F]{2}$/
const ESCAPES: Record<string, string> = { n: '\n', r: '\r', t: '\t', b: '\b', a: '\x07' }

/** C's isspace. */
function isSpace(c: string | undefined): boolean {
  return c === ' ' || c === '\t' || c === '\n' || c === '\v' || c === '\f' || c === '\r'
}

/**
 * Redis's `sdssplitargs`: blank-separated tokens, `"..."` with `\xHH` and `\n`-style escapes,
 * `'...'` with `\'`; a closing quote must end its token. Null for unbalanced quotes. The line
 * is a C string: it ends at a NUL.
 */
export function splitArgs(text: string): string[] | null {
  const nul = text.indexOf('\0')
  const line = nul < 0 ? text : text.slice(0, nul)
  const out: string[] = []
  let p = 0
  for (;;) {
    while (p < line.length && isSpace(line[p])) p++
    if (p >= line.length) return out
    let current = ''
    let inq = false
    let insq = false
    for (let done = false; !done; ) {
      const c = line[p]
      if (inq) {
        if (c === '\\' && line[p + 1] === 'x' && HEX.test(line.slice(p + 2, p + 4))) {
          current += String.fromCharCode(Number.parseInt(line.slice(p + 2, p + 4), 16))
          p += 3
        } else if (c === '\\' && p + 1 < line.length) {
          p++
          current += ESCAPES[line[p] as string] ?? line[p]
        } else if (c === '"') {
          if (p + 1 < line.length && !isSpace(line[p + 1])) return null
          done = true
        } else if (c === undefined) return null
        else current += c
      } else if (insq) {
        if (c === '\\' && line[p + 1] === "'") {
          p++
          current += "'"
        } else if (c === "'") {
          if (p + 1 < line.length && !isSpace(line[p + 1])) return null
          done = true
        } else if (c === undefined) return null
        else current += c
      } else if (c === undefined || c === ' ' || c === '\n' || c === '\r' || c === '\t') done = true
      else if (c === '"') inq = true
      else if (c === "'") insq = true
      else current += c
      if (p < line.length) p++
    }
    out.push(current)
  }
}

/** A C string's text (what `strcmp` and `%s` see): up to its first NUL. */
export function cString(s: string): string {
  const nul = s.indexOf('\0')
  return nul < 0 ? s : s.slice(0, nul)
}

/** The text before a C string's first newline (`strchr(s, '\n')`), or undefined when a NUL or the end comes first. */
export function firstLine(s: string): string | undefined {
  const nl = s.indexOf('\n')
  if (nl < 0) return undefined
  const nul = s.indexOf('\0')
  return nul >= 0 && nul < nl ? undefined : s.slice(0, nl)
}
