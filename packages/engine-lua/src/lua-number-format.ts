import { hexFloatBody } from './lua-hex-format.js'

/**
 * C `printf` for one numeric conversion, as glibc prints it: what Lua's `tostring`
 * (`%.14g`) and `string.format` produce in C Lua.
 *
 * JS's `toExponential`/`toFixed` round the exact binary value like glibc does, except on an
 * exact tie, where JS rounds away from zero and glibc to even (`%.0f` of 2.5 is `2`); ties
 * are detected by looking further into the exact expansion and corrected. `%a` is in
 * lua-hex-format.ts.
 */

/** A parsed conversion: `%[flags][width][.precision]conv`. */
export interface FormatSpec {
  readonly flags: string
  readonly width: number
  /** -1 when absent. */
  readonly precision: number
  readonly conv: string
}

/** Parses `%-+ #0<width>.<precision><conv>` (Lua has already validated its shape). */
export function parseSpec(form: string): FormatSpec {
  const m = /^%([-+ #0]*)(\d*)(?:\.(\d*))?([a-zA-Z])$/.exec(form)
  if (!m) throw new Error(`invalid conversion '${form}'`)
  return {
    flags: m[1] as string,
    width: m[2] ? Number(m[2]) : 0,
    precision: m[3] === undefined ? -1 : Number(m[3] || '0'),
    conv: m[4] as string,
  }
}

/** `%.14g`, Lua 5.3's LUA_NUMBER_FMT, for any double. */
export function formatG14(x: number): string {
  // an integer of at most 14 digits prints as its digits (no rounding, no exponent): the
  // common case (counters, ids, lengths) skips the exact-expansion work below
  if (Number.isInteger(x) && x > -1e14 && x < 1e14 && !Object.is(x, -0)) return String(x)
  if (!Number.isFinite(x)) return nonFinite(x, '')
  return formatGeneral(x, 14, false)
}

/** Formats a float conversion (`a A e E f F g G`). */
export function formatFloat(spec: FormatSpec, x: number): string {
  const { flags, conv } = spec
  const upper = conv === conv.toUpperCase()
  let body: string
  if (!Number.isFinite(x)) {
    body = nonFinite(x, flags)
    body = upper ? body.toUpperCase() : body
    return pad(spec, '', body, false)
  }
  const neg = x < 0 || Object.is(x, -0)
  const a = Math.abs(x)
  const p = spec.precision < 0 ? 6 : spec.precision
  const alt = flags.includes('#')
  switch (conv.toLowerCase()) {
    case 'a':
      // glibc zero-pads %a after the 0x, like the sign: it is part of the prefix
      body = hexFloatBody(a, spec.precision, alt)
      return pad(spec, sign(neg, flags) + (upper ? '0X' : '0x'), upper ? body.toUpperCase() : body, true)
    case 'e':
      body = expForm(a, p, alt)
      break
    case 'f':
      body = fixed(a, p, alt)
      break
    default:
      body = formatGeneral(a, p === 0 ? 1 : p, alt)
  }
  if (upper) body = body.toUpperCase()
  return pad(spec, sign(neg, flags), body, true)
}

/** Formats an integer conversion (`d i u o x X`) of a Lua integer (two's complement, 64 bits). */
export function formatInteger(spec: FormatSpec, n: number): string {
  const { flags, conv } = spec
  let neg = false
  let digits: string
  if (conv === 'd' || conv === 'i') {
    neg = n < 0
    digits = Math.abs(n).toString()
  } else {
    const u = n < 0 ? BigInt.asUintN(64, BigInt(n)) : n
    digits = u.toString(conv === 'o' ? 8 : conv === 'u' ? 10 : 16)
    if (conv === 'X') digits = digits.toUpperCase()
  }
  if (spec.precision >= 0) {
    if (spec.precision === 0 && n === 0) digits = ''
    digits = digits.padStart(spec.precision, '0')
  }
  let prefix = conv === 'd' || conv === 'i' ? sign(neg, flags) : ''
  if (flags.includes('#')) {
    if (conv === 'o' && !digits.startsWith('0')) digits = `0${digits}`
    else if ((conv === 'x' || conv === 'X') && n !== 0) prefix = conv === 'x' ? '0x' : '0X'
  }
  return pad(spec, prefix, digits, spec.precision < 0)
}

// --- internal ---

function sign(neg: boolean, flags: string): string {
  return neg ? '-' : flags.includes('+') ? '+' : flags.includes(' ') ? ' ' : ''
}

/** inf / nan with glibc's sign: a NaN's sign bit decides between `nan` and `-nan`. */
function nonFinite(x: number, flags: string): string {
  if (Number.isNaN(x)) {
    scratch.setFloat64(0, x)
    return (scratch.getUint8(0) & 0x80 ? '-' : sign(false, flags)) + 'nan'
  }
  return (x < 0 ? '-' : sign(false, flags)) + 'inf'
}

const scratch = new DataView(new ArrayBuffer(8))

function pad(spec: FormatSpec, prefix: string, body: string, zeroAllowed: boolean): string {
  const len = prefix.length + body.length
  if (len >= spec.width) return prefix + body
  const fill = spec.width - len
  if (spec.flags.includes('-')) return prefix + body + ' '.repeat(fill)
  if (zeroAllowed && spec.flags.includes('0')) return prefix + '0'.repeat(fill) + body
  return ' '.repeat(fill) + prefix + body
}

/** `%.{p}e` of a ≥ 0 finite value: d.ddde±XX. */
function expForm(a: number, p: number, alt: boolean): string {
  const [mant, exp] = exponential(a, p)
  const m = alt && p === 0 ? `${mant}.` : mant
  return `${m}e${exp < 0 ? '-' : '+'}${String(Math.abs(exp)).padStart(2, '0')}`
}

/** Mantissa digits (with point) and exponent of `a` rounded to p+1 significant digits, ties to even. */
function exponential(a: number, p: number): [string, number] {
  let s = a.toExponential(p)
  const more = a.toExponential(Math.min(100, p + 25))
  const at = more.indexOf('e')
  const tail = more.slice(p + 2, at) // after "d." and the p kept decimals
  if (/^50*$/.test(tail) && a !== 0) {
    const lastKept = more.charCodeAt(p === 0 ? 0 : p + 1) - 48
    if (lastKept % 2 === 0) s = (p === 0 ? more.slice(0, 1) : more.slice(0, p + 2)) + more.slice(at)
  }
  const e = s.indexOf('e')
  return [s.slice(0, e), Number(s.slice(e + 1))]
}

/** `%.{p}f` of a ≥ 0 finite value, ties to even. */
function fixed(a: number, p: number, alt: boolean): string {
  let s: string
  if (a >= 1e21) {
    s = BigInt(a).toString() + (p > 0 ? `.${'0'.repeat(p)}` : '')
  } else {
    s = a.toFixed(Math.min(p, 100))
    if (p > 100) s += '0'.repeat(p - 100)
    else {
      const more = a.toFixed(Math.min(100, p + 25))
      const dot = more.indexOf('.')
      const tail = more.slice(dot + 1 + p)
      if (/^50*$/.test(tail)) {
        const kept = p === 0 ? more.slice(0, dot) : more.slice(0, dot + 1 + p)
        if ((kept.charCodeAt(kept.length - 1) - 48) % 2 === 0) s = kept
      }
    }
  }
  return alt && p === 0 ? `${s}.` : s
}

/**
 * `%.{p}g` of a finite value (sign included for negatives), p ≥ 1.
 *
 * glibc picks the style from the exponent before rounding: a value with p integer digits
 * (99.5 for p = 2) is formatted fixed with no fraction digits, and when rounding carries it
 * to p + 1 digits glibc switches to the exponent style without adding the fraction digits
 * back — visible only with `#`, which keeps them: `%#.2g` of 99.5 is `1.e+02` (not `1.0e+02`).
 */
function formatGeneral(x: number, p: number, alt: boolean): string {
  const neg = x < 0 || Object.is(x, -0)
  const a = Math.abs(x)
  const [, exp] = exponential(a, p - 1)
  let s: string
  if (alt && exp === p && a !== 0 && unroundedExponent(a) === p - 1) s = `1.e+${String(exp).padStart(2, '0')}`
  else s = exp < -4 || exp >= p ? expForm(a, p - 1, alt) : fixed(a, p - 1 - exp, alt)
  if (!alt) s = stripZeros(s)
  return neg ? `-${s}` : s
}

/** The decimal exponent of a > 0 before any rounding (100 significant digits: no carry reaches it). */
function unroundedExponent(a: number): number {
  const s = a.toExponential(100)
  return Number(s.slice(s.indexOf('e') + 1))
}

/** Drops trailing zeros of the fraction (and a bare point), keeping any exponent. */
function stripZeros(s: string): string {
  const e = s.indexOf('e')
  const mant = e < 0 ? s : s.slice(0, e)
  if (!mant.includes('.')) return s
  const trimmed = mant.replace(/\.?0+$/, '')
  return e < 0 ? trimmed : trimmed + s.slice(e)
}
