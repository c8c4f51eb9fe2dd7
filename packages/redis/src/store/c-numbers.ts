/**
 * The C library's number parsing as Redis uses it (glibc, C locale): `strtod` for scores
 * and score ranges, `strtold` for timeouts, `strtoull` / `strtoul` for stream IDs and SCAN
 * cursors. Each Redis caller adds its own checks around these; the functions here answer
 * what the C call would, over byte strings held one char per byte.
 */

const MAX_U64 = (1n << 64n) - 1n

/** What `strtod` reads from the start of a text. */
export interface StrtodScan {
  /** Index after the last character used; 0 when nothing was converted (endptr = nptr). */
  readonly end: number
  /** The double (±Infinity on overflow, ±0 on underflow, as glibc answers with ERANGE). */
  readonly value: number
  /** `inf`, `infinity` or `nan` was written, rather than produced by a range error. */
  readonly special: boolean
  /** Some digit of the mantissa is not zero (so a 0 value is an underflow). */
  readonly nonZero: boolean
  /** Rough decimal exponent of the written value, for the long double range. */
  readonly exp10: number
}

/** An optional minus and 1 to 15 decimal digits. */
const PLAIN_INTEGER = /^-?[0-9]{1,15}$/

/** C's isspace in the C locale. */
export function isCSpace(c: string | undefined): boolean {
  return c === ' ' || c === '\t' || c === '\n' || c === '\v' || c === '\f' || c === '\r'
}

/** glibc's `strtod(s, &end)`: leading spaces, sign, inf/nan, hex and decimal forms. */
export function scanStrtod(s: string): StrtodScan {
  let i = 0
  while (isCSpace(s[i])) i++
  let sign = 1
  if (s[i] === '+' || s[i] === '-') sign = s[i++] === '-' ? -1 : 1
  const word = s.slice(i, i + 8).toLowerCase()
  if (word.startsWith('inf')) {
    return { end: i + (word === 'infinity' ? 8 : 3), value: sign * Number.POSITIVE_INFINITY, special: true, nonZero: true, exp10: 0 }
  }
  if (word.startsWith('nan')) {
    let end = i + 3
    const tail = /^\([0-9A-Za-z_]*\)/.exec(s.slice(end))
    if (tail) end += tail[0].length
    return { end, value: Number.NaN, special: true, nonZero: true, exp10: 0 }
  }
  const hex = /^0[xX]((?:[0-9a-fA-F]+\.?[0-9a-fA-F]*)|(?:\.[0-9a-fA-F]+))(?:[pP]([+-]?[0-9]+))?/.exec(s.slice(i))
  if (hex) return hexValue(hex, i, sign)
  const dec = /^((?:[0-9]+\.?[0-9]*)|(?:\.[0-9]+))(?:[eE]([+-]?[0-9]+))?/.exec(s.slice(i))
  if (!dec) return { end: 0, value: 0, special: false, nonZero: false, exp10: 0 }
  const mantissa = dec[1] as string
  const digits = mantissa.replace('.', '')
  const firstNonZero = digits.search(/[1-9]/)
  const point = mantissa.includes('.') ? mantissa.indexOf('.') : mantissa.length
  const exp = clampExponent(dec[2])
  return {
    end: i + dec[0].length,
    value: sign * Number(`${mantissa}e${exp}`),
    special: false,
    nonZero: firstNonZero >= 0,
    exp10: point - firstNonZero - 1 + exp,
  }
}

/**
 * Redis's `string2d` (ZADD scores, ZINCRBY): the whole text, no leading space, and no
 * overflow, underflow to zero or NaN. Undefined when Redis refuses the text.
 */
export function string2d(s: string): number | undefined {
  // a plain integer of up to 15 digits, most scores (BullMQ's among them), is exact as a
  // double: strtod and Number read it alike ('-0' as -0)
  if (s.length <= 16 && PLAIN_INTEGER.test(s)) return Number(s)
  if (s.length === 0 || isCSpace(s[0])) return undefined
  const r = scanStrtod(s)
  if (r.end !== s.length || Number.isNaN(r.value) || rangeError(r, false)) return undefined
  return r.value
}

/**
 * Redis's `string2ld` (timeouts): as string2d over a long double, whose range reaches
 * 1e4932; values beyond a double come back as ±Infinity (their timeout overflows anyway).
 */
export function string2ld(s: string): number | undefined {
  if (s.length === 0 || s.length >= 5 * 1024 || isCSpace(s[0])) return undefined
  const r = scanStrtod(s)
  if (r.end !== s.length || Number.isNaN(r.value) || rangeError(r, true)) return undefined
  return r.value
}

/**
 * `strtod` over a C string as Redis's score-range parser calls it: the text stops at a
 * NUL, leading spaces and range errors are accepted, only NaN and trailing text refused.
 */
export function cStringStrtod(s: string): number | undefined {
  const text = cString(s)
  const r = scanStrtod(text)
  if (r.end === 0 ? text.length !== 0 : r.end !== text.length) return undefined
  return Number.isNaN(r.value) ? undefined : r.value
}

/**
 * `strtoull(s, &end, 10)` over the whole text (spaces, a sign, digits; a minus negates
 * modulo 2^64). Undefined when nothing or not everything is read, or on overflow.
 */
export function strtoull(s: string): bigint | undefined {
  const m = /^[ \t\n\v\f\r]*([+-]?)([0-9]+)$/.exec(s)
  if (!m) return undefined
  const v = BigInt(m[2] as string)
  if (v > MAX_U64) return undefined
  return m[1] === '-' ? (MAX_U64 + 1n - v) & MAX_U64 : v
}

/** What a C function sees of a text or bytes: up to the first NUL byte. */
export function cString<T extends string | Buffer>(s: T): T {
  const nul = typeof s === 'string' ? s.indexOf('\0') : s.indexOf(0)
  if (nul < 0) return s
  return (typeof s === 'string' ? s.slice(0, nul) : s.subarray(0, nul)) as T
}

// --- internal ---

/**
 * ERANGE with an infinite or zero result: glibc's double rounds as Number() does; a long
 * double (x87, 64-bit mantissa) reaches about 1.19e4932 and, subnormal, 3.65e-4951.
 */
function rangeError(r: StrtodScan, longDouble: boolean): boolean {
  if (r.special || !r.nonZero || (Number.isFinite(r.value) && r.value !== 0)) return false
  return !longDouble || r.exp10 > 4931 || r.exp10 < -4951
}

/** A decimal exponent within what Number() parses without overflowing the text. */
function clampExponent(text: string | undefined): number {
  if (text === undefined) return 0
  const n = Number(text)
  return Math.max(-100000, Math.min(100000, n))
}

function hexValue(m: RegExpExecArray, at: number, sign: number): StrtodScan {
  const mantissa = m[1] as string
  const digits = mantissa.replace('.', '')
  const point = mantissa.includes('.') ? mantissa.indexOf('.') : mantissa.length
  const exp2 = clampExponent(m[2]) - 4 * (digits.length - point)
  const bits = BigInt(`0x${digits}`)
  let value = Number(bits)
  // scale in steps so that an intermediate power of two does not overflow or underflow
  for (let e = exp2; e !== 0; ) {
    const step = Math.max(-1000, Math.min(1000, e))
    value *= 2 ** step
    e -= step
  }
  const firstNonZero = digits.search(/[1-9a-fA-F]/)
  const magnitude2 = 4 * (digits.length - firstNonZero) + exp2
  return {
    end: at + m[0].length,
    value: sign * value,
    special: false,
    nonZero: bits !== 0n,
    exp10: Math.floor(magnitude2 * Math.LOG10E * Math.LN2),
  }
}
