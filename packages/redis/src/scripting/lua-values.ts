import { cString } from '../store/c-numbers.js'
import { doubleReply, formatG } from '../store/replies.js'
import { ErrorReply, errorTail, errorText, type Reply, StatusReply } from '../store/replies.js'
import { utf8Bytes } from '../store/text-bytes.js'

/** A value as the Lua engine hands it to the host: strings, bytes, numbers, arrays, objects. */
type LuaHostValue = unknown

/**
 * One `redis.call` argument as Redis converts it: strings as their bytes, numbers as
 * `%.17g` (so `0.1` becomes `0.10000000000000001`, `3` stays `3`).
 */
export function argFromLua(v: LuaHostValue): Buffer {
  if (typeof v === 'string') return utf8Bytes(v)
  if (v instanceof Uint8Array) return Buffer.from(v.buffer, v.byteOffset, v.byteLength)
  if (typeof v === 'number') {
    // a safe integer has at most 16 digits, which %.17g prints as they are (-0 prints "-0")
    return Buffer.from(Number.isSafeInteger(v) && !Object.is(v, -0) ? String(v) : formatG(v, 17), 'latin1')
  }
  return Buffer.alloc(0)
}

/**
 * A command reply as Redis hands it to a script: integers as numbers, bulk strings as
 * strings, nil as false, status as `{ok=}`, errors as `{err=}`, arrays as tables (a nil
 * element becomes false).
 */
export function replyToLua(r: Reply): unknown {
  if (r === null) return false
  if (Buffer.isBuffer(r) || typeof r === 'number') return r
  // Redis pushes a long long into Lua as a double, rounded to nearest
  if (typeof r === 'bigint') return Number(r)
  if (r instanceof StatusReply) return { ok: r.status }
  if (r instanceof ErrorReply) return commandError(r.message)
  return (r as readonly Reply[]).map(replyToLua)
}

/**
 * A command's error as a script sees it: `{err=...}` marked `ignore_error_stats_update`,
 * as Redis marks the errors of commands it ran for a script (the command's own error
 * statistics were counted already), visible through `redis.pcall`.
 */
export function commandError(message: string): { err: string; ignore_error_stats_update: true } {
  return { err: message, ignore_error_stats_update: true }
}

/**
 * Decodes what the prelude's `__redis_reply` serialised: `s<len>:<bytes>` bulk,
 * `n<number>;` integer (truncated toward zero as C's `(long long)` cast), `d<number>;` a
 * double (a `%.17g` bulk string, as a RESP2 caller receives it), `z` nil,
 * `e<len>:` error, `o<len>:` status, `a<n>;` array of n replies. A reply of few parts comes
 * as the list of its parts instead, each string a part of its own after its tag (`s`, `e`,
 * `o`, no length): see decodeReplyParts.
 */
export function decodeScriptReply(encoded: unknown): Reply {
  if (Array.isArray(encoded)) return decodeReplyParts(encoded)
  const b = byteString(encoded)
  const st = { pos: 0 }
  // nested arrays with a stack of their own: a reply may nest 7,995 deep (Redis's bound)
  const open: OpenArray[] = []
  for (;;) {
    let value: Reply
    if (b.charCodeAt(st.pos) === 0x61 /* a */) {
      const n = readCount(b, st)
      if (n > 0) {
        open.push({ out: [], left: n })
        continue
      }
      value = []
    } else value = readOne(b, st)
    const whole = place(open, value)
    if (whole !== PENDING) return whole
  }
}

// --- internal ---

/** An array reply being filled: the replies so far and how many are still to come. */
interface OpenArray {
  readonly out: Reply[]
  left: number
}

const PENDING = Symbol('pending')

/**
 * Places a finished reply in the innermost open array, closing every array it completes;
 * answers the whole reply once nothing is left open, else PENDING. Both reply forms use it.
 */
function place(open: OpenArray[], value: Reply): Reply | typeof PENDING {
  for (;;) {
    const top = open[open.length - 1]
    if (!top) return value
    top.out.push(value)
    if (--top.left > 0) return PENDING
    open.pop()
    value = top.out
  }
}

/** decodeScriptReply of a reply that came as its list of parts (the Lua strings as the engine hands them over). */
function decodeReplyParts(parts: readonly unknown[]): Reply {
  let i = 0
  const open: OpenArray[] = []
  for (;;) {
    const part = parts[i++]
    // tags are ASCII text; a string's own part follows its tag
    const tag = typeof part === 'string' ? part : ''
    let value: Reply
    if (tag.charCodeAt(0) === 0x61 /* a */) {
      const n = Number(tag.slice(1, -1))
      if (n > 0) {
        open.push({ out: [], left: n })
        continue
      }
      value = []
    } else if (tag === 's' || tag === 'e' || tag === 'o') value = tagged(tag, partBytes(parts[i++]))
    else if (tag === 'z') value = null
    else value = numeric(tag.charAt(0), tag.slice(1, -1))
    const whole = place(open, value)
    if (whole !== PENDING) return whole
  }
}

/** A Lua string as the engine hands it over (UTF-8 text as a string, other bytes as bytes), as its bytes. */
function partBytes(part: unknown): Buffer {
  if (typeof part === 'string') return utf8Bytes(part)
  const bytes = part as Uint8Array
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)
}

const MIN_LL = -(2n ** 63n)
const NON_ASCII = /[\u0080-\uffff]/

/**
 * The reply's bytes as a byte string (one char per byte, `latin1`). The engine hands UTF-8
 * text over as a string, other bytes as bytes; ASCII text, most replies, is its own byte
 * string, so a reply is read without copying it into a Buffer first.
 */
function byteString(encoded: unknown): string {
  if (typeof encoded === 'string') return NON_ASCII.test(encoded) ? Buffer.from(encoded, 'utf8').toString('latin1') : encoded
  return Buffer.from(encoded as Uint8Array).toString('latin1')
}

/** One element that is not an array (the decoder above walks arrays itself). */
function readOne(b: string, st: { pos: number }): Reply {
  const tag = b.charAt(st.pos++)
  if (tag === 'z') return null
  if (tag === 'n' || tag === 'd') {
    const end = b.indexOf(';', st.pos)
    const text = b.slice(st.pos, end)
    st.pos = end + 1
    return numeric(tag, text)
  }
  const colon = b.indexOf(':', st.pos)
  const len = Number(b.slice(st.pos, colon))
  const body = Buffer.from(b.slice(colon + 1, colon + 1 + len), 'latin1')
  st.pos = colon + 1 + len
  return tagged(tag, body)
}

/** An `n` (integer) or `d` (double) element from its printed number. */
function numeric(tag: string, text: string): Reply {
  if (tag === 'n') return truncate(text)
  // Lua printed the double with %.17g already; NaN keeps its sign (0/0 is -nan on x86)
  return /nan/i.test(text) ? Buffer.from(text.startsWith('-') ? '-nan' : 'nan', 'latin1') : doubleReply(parseDouble(text))
}

/** An `s` (bulk), `e` (error) or `o` (status) element from its string's bytes. */
function tagged(tag: string, body: Buffer): Reply {
  if (tag === 's') return body
  // Redis reads status and error texts as C strings (they end at a NUL) and replaces CR/LF
  // with spaces (they end a RESP line); an error is printed by addReplyErrorFormat("-%s"),
  // which first trims CR/LF from the end
  if (tag === 'e') return new ErrorReply(errorText({ arg: errorTail(body) }))
  return new StatusReply(
    cString(body)
      .toString('utf8')
      .replace(/[\r\n]/g, ' '),
  )
}

/** The element count of the array whose `a` tag is at `st.pos`; moves past it. */
function readCount(b: string, st: { pos: number }): number {
  const end = b.indexOf(';', st.pos + 1)
  const n = Number(b.slice(st.pos + 1, end))
  st.pos = end + 1
  return n
}

function parseDouble(text: string): number {
  const lower = text.toLowerCase()
  if (lower.includes('nan')) return Number.NaN
  return lower.includes('inf') ? (lower.startsWith('-') ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY) : Number(text)
}

/** `(long long)` of the double, a bigint past 2^53 as the reply model holds such integers. */
function truncate(text: string): number | bigint {
  const d = parseDouble(text)
  // out of range and NaN convert to LLONG_MIN on the machines Redis runs on (x86-64 cvttsd2si)
  if (!Number.isFinite(d) || Math.abs(d) >= 2 ** 63) return MIN_LL
  const n = Math.trunc(d) + 0
  return Number.isSafeInteger(n) ? n : BigInt(n)
}
