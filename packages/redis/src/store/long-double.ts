import { isCSpace, scanStrtod } from './c-numbers.js'

/**
 * The x87 80-bit `long double` (64-bit mantissa, exponents down to subnormal 2^-16445) as
 * INCRBYFLOAT and HINCRBYFLOAT compute with it: glibc's correctly rounded `strtold`, one
 * rounded addition, and `%.17Lf` printing. Values are exact binary fractions held in
 * bigints, so every step rounds exactly once, where the C code does.
 */
export type LongDouble =
  | { readonly kind: 'finite'; readonly negative: boolean; readonly mantissa: bigint; readonly exp2: number }
  | { readonly kind: 'inf'; readonly negative: boolean }
  | { readonly kind: 'nan' }

/** +0, what a missing key or field counts as. */
export const LD_ZERO: LongDouble = { kind: 'finite', negative: false, mantissa: 0n, exp2: 0 }

/**
 * Redis's `string2ld`: the whole text (shorter than 5 KiB, no leading space) as `strtold`
 * reads it; undefined for NaN, trailing text, and an overflow or underflow to zero.
 */
export function parseLongDouble(s: string): LongDouble | undefined {
  if (s.length === 0 || s.length >= 5 * 1024 || isCSpace(s[0])) return undefined
  const scan = scanStrtod(s)
  if (scan.end !== s.length || Number.isNaN(scan.value)) return undefined
  const negative = s[0] === '-'
  if (scan.special) return { kind: 'inf', negative }
  const body = s.replace(/^[+-]/, '')
  const hex = /^0[xX]([0-9a-fA-F]*)\.?([0-9a-fA-F]*)(?:[pP]([+-]?[0-9]+))?$/.exec(body)
  const dec = hex ? null : /^([0-9]*)\.?([0-9]*)(?:[eE]([+-]?[0-9]+))?$/.exec(body)
  const m = (hex ?? dec) as RegExpExecArray
  const digits = `${m[1]}${m[2]}`.replace(/^0+/, '')
  if (digits === '') return { kind: 'finite', negative, mantissa: 0n, exp2: 0 }
  const exp = BigInt(m[3] ?? '0')
  let value: LongDouble
  if (hex) {
    const e = exp - BigInt(4 * (m[2] as string).length)
    // beyond these the value is surely out of range (the digits shift it by at most 4 × 5 Ki bits)
    if (e > 40_000n) return undefined
    if (e < -40_000n) return undefined
    value = roundBinary(negative, BigInt(`0x${digits}`), Number(e))
  } else {
    const e = exp - BigInt((m[2] as string).length)
    const magnitude = e + BigInt(digits.length)
    if (magnitude > 4934n || magnitude < -4955n) return undefined
    const n = BigInt(digits)
    value = e >= 0n ? roundRational(negative, n * 10n ** e, 1n) : roundRational(negative, n, 10n ** -e)
  }
  // strtold's ERANGE: an overflow to infinity or an underflow to zero
  if (value.kind !== 'finite' || value.mantissa === 0n) return undefined
  return value
}

/** `a + b` as the x87 adds long doubles (round to nearest, ties to even). */
export function addLongDouble(a: LongDouble, b: LongDouble): LongDouble {
  if (a.kind === 'nan' || b.kind === 'nan') return { kind: 'nan' }
  if (a.kind === 'inf' || b.kind === 'inf') {
    if (a.kind === 'inf' && b.kind === 'inf' && a.negative !== b.negative) return { kind: 'nan' }
    return a.kind === 'inf' ? a : b
  }
  const e = Math.min(a.exp2, b.exp2)
  const signed = (x: typeof a) => (x.negative ? -x.mantissa : x.mantissa) << BigInt(x.exp2 - e)
  const sum = signed(a) + signed(b)
  // an exact zero sum is +0 unless both were -0
  if (sum === 0n) return { kind: 'finite', negative: a.negative && b.negative, mantissa: 0n, exp2: 0 }
  return roundBinary(sum < 0n, sum < 0n ? -sum : sum, e)
}

/**
 * Redis's `ld2string(..., LD_STR_HUMAN)`: `%.17Lf` (rounded half to even, as glibc prints),
 * trailing zeros and a bare point removed, and `-0` written `0`.
 */
export function formatLongDoubleHuman(v: LongDouble): string {
  if (v.kind === 'nan') return 'nan'
  if (v.kind === 'inf') return v.negative ? '-inf' : 'inf'
  const digits = fixedDigits(v.mantissa, v.exp2, 17)
  let text = `${digits.slice(0, -17)}.${digits.slice(-17)}`.replace(/0+$/, '').replace(/\.$/, '')
  if (v.negative && text !== '0') text = `-${text}`
  return text
}

/** `v × k` for an integer `k`, rounded once to a long double as the x87 multiplies. */
export function multiplyLongDouble(v: LongDouble, k: bigint): LongDouble {
  if (v.kind !== 'finite') return v
  return roundBinary(v.negative, v.mantissa * k, v.exp2)
}

/** `(long double)` of a double: its exact binary value. */
export function exactLongDouble(d: number): LongDouble {
  if (!Number.isFinite(d)) return Number.isNaN(d) ? { kind: 'nan' } : { kind: 'inf', negative: d < 0 }
  const view = new DataView(new ArrayBuffer(8))
  view.setFloat64(0, d)
  const bits = view.getBigUint64(0)
  const negative = bits >> 63n === 1n
  const field = Number((bits >> 52n) & 0x7ffn)
  const fraction = bits & ((1n << 52n) - 1n)
  if (field === 0) return { kind: 'finite', negative, mantissa: fraction, exp2: -1074 }
  return { kind: 'finite', negative, mantissa: fraction | (1n << 52n), exp2: field - 1075 }
}

/**
 * The digits of `mantissa × 2^exp2` with `digits` of them after the point, rounded half to even
 * as glibc's `%.<digits>f` rounds the exact value (no point written; at least `digits + 1` long).
 */
export function fixedDigits(mantissa: bigint, exp2: number, digits: number): string {
  const scaled = mantissa * 10n ** BigInt(digits)
  let n: bigint
  if (exp2 >= 0) n = scaled << BigInt(exp2)
  else {
    const shift = BigInt(-exp2)
    n = scaled >> shift
    const rest = scaled - (n << shift)
    const half = 1n << (shift - 1n)
    if (rest > half || (rest === half && (n & 1n) === 1n)) n++
  }
  return n.toString().padStart(digits + 1, '0')
}

// --- internal ---

/** The x87 extended format: 64 mantissa bits, least normal exponent -16382, overflow at 2^16384. */
const MANTISSA_BITS = 64
const MIN_QUANTUM = -16382 - 63
const OVERFLOW_EXP2 = 16384

/** `m × 2^e` rounded to a long double. */
function roundBinary(negative: boolean, m: bigint, e: number): LongDouble {
  return e >= 0 ? roundRational(negative, m << BigInt(e), 1n) : roundRational(negative, m, 1n << BigInt(-e))
}

/** The positive rational `p / q` rounded to a long double (ties to even), with its sign. */
function roundRational(negative: boolean, p: bigint, q: bigint): LongDouble {
  if (p === 0n) return { kind: 'finite', negative, mantissa: 0n, exp2: 0 }
  // floor(log2(p / q))
  let top = bitLength(p) - bitLength(q)
  if ((top >= 0 ? p : p << BigInt(-top)) < (top >= 0 ? q << BigInt(top) : q)) top--
  const quantum = Math.max(top - (MANTISSA_BITS - 1), MIN_QUANTUM)
  const num = quantum < 0 ? p << BigInt(-quantum) : p
  const den = quantum < 0 ? q : q << BigInt(quantum)
  let n = num / den
  const twice = (num - n * den) * 2n
  if (twice > den || (twice === den && (n & 1n) === 1n)) n++
  if (n !== 0n && bitLength(n) + quantum > OVERFLOW_EXP2) return { kind: 'inf', negative }
  return { kind: 'finite', negative, mantissa: n, exp2: quantum }
}

function bitLength(n: bigint): number {
  return n === 0n ? 0 : n.toString(2).length
}
