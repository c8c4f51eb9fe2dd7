import { ErrorReply, type Reply, StatusReply, textOrBytes } from '@polyhost/redis'
import { escapeForTerminal } from './terminal-text.js'

/**
 * A reply as redis-cli prints it on a terminal: `"text"` (bytes escaped as `\xHH`),
 * `(integer) 1`, `(nil)`, `(error) ERR ...`, status text, numbered (nested) arrays.
 * Status and error texts are escaped for the terminal.
 */
export function formatReply(r: Reply): string {
  return `${lines(r).join('\n')}\n`
}

/** A reply as JSON: text, `{ hex }` for bytes that are not UTF-8, `{ error }`, arrays. */
export function replyJson(r: Reply): unknown {
  if (r === null || typeof r === 'number') return r
  if (Buffer.isBuffer(r)) {
    const t = textOrBytes(r)
    return typeof t === 'string' ? t : { hex: t.toString('hex') }
  }
  if (r instanceof StatusReply) return r.status
  if (r instanceof ErrorReply) return { error: r.message }
  return (r as readonly Reply[]).map(replyJson)
}

/**
 * Splits one line into arguments as redis-cli does (`sdssplitargs`): spaces separate;
 * "double quotes" take `\n \r \t \b \a \\ \" \xHH`; 'single quotes' take `\'`. Undefined
 * when quotes are unbalanced or a closing quote is not followed by a space.
 */
export function splitCommandLine(line: string): Buffer[] | undefined {
  const out: Buffer[] = []
  let i = 0
  const bytes = Buffer.from(line, 'utf8')
  while (i < bytes.length) {
    while (i < bytes.length && isSpace(bytes[i] as number)) i++
    if (i >= bytes.length) break
    const cur: number[] = []
    let quote = 0
    for (;;) {
      if (i >= bytes.length) {
        if (quote) return undefined
        break
      }
      const c = bytes[i] as number
      if (quote === DQ) {
        if (c === BS && bytes[i + 1] === 0x78 && isHex(bytes[i + 2]) && isHex(bytes[i + 3])) {
          cur.push(Number.parseInt(String.fromCharCode(bytes[i + 2] as number, bytes[i + 3] as number), 16))
          i += 4
          continue
        }
        if (c === BS && i + 1 < bytes.length) {
          const e = bytes[i + 1] as number
          cur.push(ESCAPES[e] ?? e)
          i += 2
          continue
        }
        if (c === DQ) {
          i++
          if (i < bytes.length && !isSpace(bytes[i] as number)) return undefined
          break
        }
      } else if (quote === SQ) {
        if (c === BS && bytes[i + 1] === SQ) {
          cur.push(SQ)
          i += 2
          continue
        }
        if (c === SQ) {
          i++
          if (i < bytes.length && !isSpace(bytes[i] as number)) return undefined
          break
        }
      } else {
        if (isSpace(c)) break
        if (c === DQ || c === SQ) {
          quote = c
          i++
          continue
        }
      }
      cur.push(c)
      i++
    }
    out.push(Buffer.from(cur))
  }
  return out
}

// --- internal ---

const DQ = 0x22
const SQ = 0x27
const BS = 0x5c
const ESCAPES: Record<number, number> = { 110: 0x0a, 114: 0x0d, 116: 0x09, 98: 0x08, 97: 0x07 }

function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d || c === 0x0b || c === 0x0c
}

function isHex(c: number | undefined): boolean {
  return c !== undefined && /[0-9a-fA-F]/.test(String.fromCharCode(c))
}

function lines(r: Reply): string[] {
  if (r === null) return ['(nil)']
  if (typeof r === 'number') return [`(integer) ${r}`]
  if (Buffer.isBuffer(r)) return [quoted(r)]
  if (r instanceof StatusReply) return [escapeForTerminal(r.status)]
  if (r instanceof ErrorReply) return [`(error) ${escapeForTerminal(r.message)}`]
  const list = r as readonly Reply[]
  if (list.length === 0) return ['(empty array)']
  const width = String(list.length).length
  const out: string[] = []
  for (const [i, el] of list.entries()) {
    const prefix = `${String(i + 1).padStart(width)}) `
    for (const [j, l] of lines(el).entries()) out.push((j === 0 ? prefix : ' '.repeat(prefix.length)) + l)
  }
  return out
}

/** redis-cli's `sdscatrepr`: printable ASCII as is, `\\ \" \n \r \t \a \b`, else `\xHH`. */
function quoted(b: Buffer): string {
  let s = '"'
  for (const c of b) {
    if (c === BS) s += '\\\\'
    else if (c === DQ) s += '\\"'
    else if (c === 0x0a) s += '\\n'
    else if (c === 0x0d) s += '\\r'
    else if (c === 0x09) s += '\\t'
    else if (c === 0x07) s += '\\a'
    else if (c === 0x08) s += '\\b'
    else if (c >= 0x20 && c < 0x7f) s += String.fromCharCode(c)
    else s += `\\x${c.toString(16).padStart(2, '0')}`
  }
  return `${s}"`
}
