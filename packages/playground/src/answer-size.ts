import type { ScriptFailure } from './api.js'

/**
 * The largest `POST /api/execute` answer by default (`responseLimit`), in bytes of JSON: 8 MiB.
 * Above what the largest preset's output (`minimal`: 4 MiB of logs) takes, so mostly a script's
 * value reaches it, and a page cannot show a value that size anyway. Without a cap, a 10 MiB Lua
 * string of NULs was a 120 MiB answer (each NUL escaped to 6 bytes) and held the server's event
 * loop for seconds.
 */
export const DEFAULT_RESPONSE_LIMIT = 8 * 1024 * 1024

/** A run whose answer was over `responseLimit`: what the API answers instead. */
export interface TooLargeAnswer {
  readonly ok: false
  readonly error: ScriptFailure
  readonly logs: readonly []
}

/**
 * `answer` as JSON when its UTF-8 bytes are at most `max`; otherwise the JSON of a
 * {@link TooLargeAnswer} (`E_RESPONSE_TOO_LARGE`, `limit: 'response'`, `used`, `max`), the run's
 * value and logs left out. `used` is the answer's size, or, when it was found too large before
 * it was encoded, a lower bound of it (the message then says "at least").
 */
export function cappedJson(answer: unknown, max: number): string {
  // counted before it is encoded: JSON.stringify of a 10 MiB string of NULs takes ~2 s
  const least = jsonBytesAtLeast(answer, max)
  let text: string | undefined
  if (least <= max) {
    try {
      text = JSON.stringify(answer)
    } catch (e) {
      // longer than V8's longest string
      if (!(e instanceof RangeError)) throw e
    }
  }
  // each UTF-16 unit is at least one UTF-8 byte: a long text is not encoded to be counted
  const used = text === undefined ? least : text.length > max ? text.length : Buffer.byteLength(text)
  if (text !== undefined && used <= max) return text
  const error: ScriptFailure = {
    name: 'ResponseTooLargeError',
    code: 'E_RESPONSE_TOO_LARGE',
    message: `the answer is ${text === undefined ? 'at least ' : ''}${used} bytes as JSON, over the playground's responseLimit (${max} bytes): return or print less`,
    limit: 'response',
    used,
    max,
  }
  const tooLarge: TooLargeAnswer = { ok: false, error, logs: [] }
  return JSON.stringify(tooLarge)
}

/** UTF-8 bytes of `JSON.stringify(s)` (quotes included), counted until they pass `budget`. */
export function jsonStringBytes(s: string, budget = Number.POSITIVE_INFINITY): number {
  let n = 2
  for (let i = 0; i < s.length && n <= budget; i++) {
    const c = s.charCodeAt(i)
    if (c < 0x20) n += SHORT_ESCAPES.includes(c) ? 2 : 6
    else if (c === 0x22 || c === 0x5c) n += 2
    else if (c < 0x80) n += 1
    else if (c < 0x800) n += 2
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length && (s.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      n += 4
      i++
    } else n += c >= 0xd800 && c <= 0xdfff ? 6 : 3
  }
  return n
}

// --- internal ---

/**
 * A lower bound of the UTF-8 bytes of `JSON.stringify(v)` for JSON data (what the API answers:
 * objects, arrays, strings, numbers, booleans, null), counted until it passes `max`: strings
 * exactly, with their escapes; everything else as at least one byte.
 */
function jsonBytesAtLeast(v: unknown, max: number): number {
  let n = 0
  const walk = (x: unknown): void => {
    if (n > max) return
    if (typeof x === 'string') n += jsonStringBytes(x, max - n)
    else if (Array.isArray(x)) {
      n += 1
      for (const item of x) walk(item)
    } else if (x !== null && typeof x === 'object') {
      n += 1
      for (const [k, item] of Object.entries(x)) {
        n += jsonStringBytes(k, max - n)
        walk(item)
      }
    } else n += 1
  }
  walk(v)
  return n
}

/** \b \t \n \f \r: two bytes each; other control characters are \u00XX. */
const SHORT_ESCAPES = [8, 9, 10, 12, 13]
