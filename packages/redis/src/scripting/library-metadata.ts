/** What a library's first line declares, and its code after that line (which keeps the newline). */
export interface LibraryMetadata {
  readonly engine: string
  readonly name: string
  readonly code: string
}

/**
 * A FUNCTION LOAD payload's `#!<engine> name=<name>` line, read as Redis 7.0's
 * `functionExtractLibMetaData` reads it (split as `sdssplitargs` splits, so quotes and
 * escapes work; `name=` in any case). Answers Redis's error text for a bad one.
 */
export function extractLibraryMetadata(payload: string): LibraryMetadata | { error: string } {
  if (!payload.startsWith('#!')) return { error: 'Missing library metadata' }
  const nl = payload.indexOf('\n')
  if (nl < 0) return { error: 'Invalid library metadata' }
  const parts = splitArgs(payload.slice(0, nl))
  if (!parts || parts.length === 0) return { error: 'Invalid library metadata' }
  const engine = (parts[0] as string).slice(2)
  let name: string | undefined
  for (const part of parts.slice(1)) {
    if (part.slice(0, 5).toLowerCase() === 'name=') {
      if (name !== undefined) return { error: 'Invalid metadata value, name argument was given multiple times' }
      name = part.slice(5)
      continue
    }
    return { error: `Invalid metadata value given: ${part}` }
  }
  if (name === undefined) return { error: 'Library name was not given' }
  return { engine, name, code: payload.slice(nl) }
}

// --- internal ---

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
function splitArgs(text: string): string[] | null {
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
