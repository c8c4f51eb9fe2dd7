import { ln as crLn, log10, twoProductError } from './c-log.js'

/**
 * Results of C's libm as glibc gives them on x86-64, where JS's Math differs: `pow`
 * (correctly rounded for integer exponents, the sign of NaNs), `fmod` and `log` (the sign of
 * NaNs; log and log10 themselves in c-log.ts). tostring prints a NaN's sign (`-nan`/`nan`), so it is part of the value.
 *
 * NaN signs on x86-64: an invalid operation (0/0, fmod(1, 0), log(-1), (-8)^0.5) makes the
 * default NaN, whose sign bit is set (`-nan`); a NaN operand is passed on with its sign.
 * V8 loses that sign in `%`, `**`, Math.asin/acos and Math.log.
 */

/** The x86-64 default NaN (sign bit set): what an invalid operation makes. */
export const NEG_NAN = new Float64Array(new BigUint64Array([0xfff8000000000000n]).buffer)[0] as number

/** A NaN with the sign bit clear (V8's canonical NaN). */
const POS_NAN = Number.NaN

/**
 * C's pow. JS's `**` differs where it gives NaN for a base of ±1 (pow(1, y) is 1 for every y,
 * NaN too; pow(−1, ±inf) is 1), in NaN signs, and in the last bit: V8's pow is off by one
 * unit in the last place on about one result in ten (10^-5, 7^-2, 9^-9). Integer exponents
 * are correctly rounded here, which is glibc's result but for about 2 in 1000 (values within
 * a few hundredths of an ulp of a midpoint, and exact ties such as 3^34 or 10^23, which glibc
 * rounds either way). Other exponents keep V8's result: a known difference in the last bit.
 */
export function cpow(x: number, y: number): number {
  if (x === 1 || (x === -1 && (y === Number.POSITIVE_INFINITY || y === Number.NEGATIVE_INFINITY))) return 1
  if (Number.isInteger(y) && Number.isFinite(x) && x !== 0 && y !== 0 && y !== 1) {
    if (y === 2) return x * x
    if (y === -1) return 1 / x
    // 2^n is exact (a power of two; 2^-1075, a tie with 0, rounds to even): scripts use it to
    // pick bits apart (Redis's cmsgpack), and integerPower takes its slowest path for it
    if (x === 2) return y > 1023 ? Number.POSITIVE_INFINITY : y < -1074 ? 0 : pow2(y)
    const exact = integerPower(x, y)
    if (exact !== undefined) return exact
  }
  const r = x ** y
  if (!Number.isNaN(r)) return r
  if (Number.isNaN(x)) {
    if (Number.isNaN(y) || !Number.isFinite(y)) return x // glibc: x + y
    // glibc: x*x keeps x's sign, an odd integer exponent flips it back
    return isNegative(x) && !(Number.isInteger(y) && Math.abs(y % 2) === 1) ? NEG_NAN : POS_NAN
  }
  if (Number.isNaN(y)) return y
  return NEG_NAN // a negative base with a non-integer exponent: invalid
}

/** C's fmod (Lua 5.3's float `%` and math.fmod): JS `%` is exact, but makes a positive NaN. */
export function cfmod(a: number, b: number): number {
  const r = a % b
  if (!Number.isNaN(r)) return r
  return Number.isNaN(a) ? a : Number.isNaN(b) ? b : NEG_NAN
}

/** Lua 5.3's math.log: log2 for base 2, log10 for base 10, else log(x)/log(base), as glibc (c-log.ts). */
export function clog(x: number, base?: number): number {
  if (base === undefined) return ln(x)
  if (Number.isNaN(x)) return x
  if (base === 2) return x < 0 ? NEG_NAN : Math.log2(x)
  if (base === 10) return x < 0 ? POS_NAN : finite(x) ? log10(x) : Math.log10(x) // glibc's log10 of a negative is +nan
  const a = ln(x)
  const b = ln(base)
  if (Number.isNaN(a)) return a
  if (Number.isNaN(b)) return b
  const r = a / b
  return !Number.isNaN(r) ? r : NEG_NAN
}

/** A one-argument libm function: a NaN argument comes back as itself (V8's Math.asin/acos lose its sign). */
export function nanPassing(f: (x: number) => number, x: number): number {
  return Number.isNaN(x) ? x : f(x)
}

// --- internal ---

const bits = new DataView(new ArrayBuffer(8))

function isNegative(x: number): boolean {
  bits.setFloat64(0, x)
  return (bits.getUint8(0) & 0x80) !== 0
}

function ln(x: number): number {
  if (Number.isNaN(x)) return x
  return x < 0 ? NEG_NAN : finite(x) ? crLn(x) : Math.log(x)
}

/** Positive and finite: what c-log.ts computes (Math gives 0's and infinity's logarithms). */
function finite(x: number): boolean {
  return x > 0 && x < Number.POSITIVE_INFINITY
}

/** Largest exact power computed (bits of the odd mantissa times the exponent): beyond it V8's result is kept. */
const MAX_POWER_BITS = 8192

/** x^n (x finite, nonzero; n an integer, |n| ≥ 2) correctly rounded, or undefined when too costly. */
function integerPower(x: number, n: number): number | undefined {
  const neg = x < 0 && n % 2 !== 0
  const k = Math.abs(n)
  if (k <= MAX_FAST_EXPONENT) {
    const fast = roundedPower(Math.abs(x), n)
    if (fast !== undefined) return neg ? -fast : fast
  }
  const [m, e] = oddMantissa(Math.abs(x))
  const mbits = m.toString(2).length
  // |x^n| = m^k · 2^(e·k) for n > 0, 2^(−e·k) / m^k for n < 0
  const log2 = k * (e + mbits) // ≥ log2|x^k|, within k of it
  if (n > 0 ? log2 - k > 1100 : -log2 > 1100) return neg ? -Infinity : Infinity
  if (n > 0 ? log2 < -1100 : -(log2 - k) < -1100) return neg ? -0 : 0
  if (mbits * k > MAX_POWER_BITS) return undefined
  const p = m ** BigInt(k)
  const r = n > 0 ? roundQuotient(p, 1n, e * k) : roundQuotient(1n, p, -e * k)
  return neg ? -r : r
}

/** Largest |n| for the double-double path (its relative error stays below 2^-80). */
const MAX_FAST_EXPONENT = 1 << 20

/**
 * a^n (a > 0) in double-double arithmetic (relative error below 2^-80), rounded: the result
 * when the rounding is certain (it is unless the value lies within 2^-70 of it from a
 * midpoint between two doubles), else undefined (the exact path decides).
 */
function roundedPower(a: number, n: number): number | undefined {
  let hi = 1
  let lo = 0
  let bh = a
  let bl = 0
  for (let k = Math.abs(n); ; ) {
    if (k & 1) {
      ddMul(hi, lo, bh, bl)
      hi = ddHi
      lo = ddLo
    }
    k = Math.floor(k / 2)
    if (k === 0) break
    ddMul(bh, bl, bh, bl)
    bh = ddHi
    bl = ddLo
    if (!(bh < 2 ** 996 && bh > 2 ** -960)) return undefined // splitting needs headroom; no subnormals
  }
  if (!(hi < 2 ** 996 && hi > 2 ** -960)) return undefined
  if (n < 0) {
    ddRecip(hi, lo)
    hi = ddHi
    lo = ddLo
  }
  // hi + lo is normalised (|lo| ≤ half an ulp of hi): hi is the rounded value unless hi + lo
  // is near a midpoint, or hi is a power of two (the ulp below it is half as large)
  const ulp = ulpOf(hi)
  if (ulp === undefined || Math.abs(Math.abs(lo) - ulp / 2) <= hi * 2 ** -70) return undefined
  return hi
}

/** The last double-double result (ddMul, ddRecip), kept in module variables: no allocation per step. */
let ddHi = 0
let ddLo = 0

/** (ah + al)(bh + bl), normalised, into ddHi + ddLo. */
function ddMul(ah: number, al: number, bh: number, bl: number): void {
  const p = ah * bh
  const e = twoProductError(ah, bh, p) + (ah * bl + al * bh)
  ddHi = p + e
  ddLo = e - (ddHi - p)
}

/** 1 / (h + l), normalised, into ddHi + ddLo. */
function ddRecip(h: number, l: number): void {
  const q = 1 / h
  const p = q * h
  const r = 1 - p - twoProductError(q, h, p) - q * l // 1 − q(h + l), 1 − p exact (p ≈ 1)
  const c = q * r
  ddHi = q + c
  ddLo = c - (ddHi - q)
}

/** The spacing of doubles at a positive normal x, or undefined at a power of two (where it changes). */
function ulpOf(x: number): number | undefined {
  bits.setFloat64(0, x)
  if ((bits.getUint32(0) & 0xfffff) === 0 && bits.getUint32(4) === 0) return undefined
  const e = (bits.getUint16(0) >> 4) - 1075
  return pow2(e)
}

/** A positive finite double as m · 2^e with m odd. */
function oddMantissa(a: number): [bigint, number] {
  bits.setFloat64(0, a)
  const biased = bits.getUint16(0) >> 4
  let m = (BigInt(bits.getUint32(0) & 0xfffff) << 32n) | BigInt(bits.getUint32(4))
  let e = biased === 0 ? -1074 : biased - 1075
  if (biased !== 0) m |= 1n << 52n
  while ((m & 1n) === 0n) {
    m >>= 1n
    e++
  }
  return [m, e]
}

/** num/den · 2^e2 (num, den > 0) rounded to the nearest double, ties to even, subnormals and overflow included. */
function roundQuotient(num: bigint, den: bigint, e2: number): number {
  const s = 55 - (num.toString(2).length - den.toString(2).length)
  const N = s >= 0 ? num << BigInt(s) : num
  const D = s >= 0 ? den : den << BigInt(-s)
  const q = N / D // 54 to 56 bits
  const sticky = N % D !== 0n
  const low = e2 - s // q's last bit is 2^low
  const qbits = q.toString(2).length
  if (qbits - 1 + low > 1023) return Number.POSITIVE_INFINITY
  const drop = Math.max(qbits - 53, -1074 - low)
  if (drop > qbits + 1) return 0
  const unit = 1n << BigInt(drop)
  let kept = q >> BigInt(drop)
  const rest = q & (unit - 1n)
  const half = unit >> 1n
  if (rest > half || (rest === half && (sticky || (kept & 1n) === 1n))) kept += 1n
  return Number(kept) * pow2(low + drop) // exact: the result is representable by construction
}

/** 2^e for −1074 ≤ e ≤ 1023, built from its bits. */
function pow2(e: number): number {
  if (e < -1022) return pow2(e + 52) * Number.EPSILON
  bits.setUint32(4, 0)
  bits.setUint32(0, (e + 1023) * 0x100000)
  return bits.getFloat64(0)
}
