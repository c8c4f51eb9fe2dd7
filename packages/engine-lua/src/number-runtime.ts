// Over 250 lines: one object, every operation the number patches call as `__num` (in both modes).
import { cfmod, clog, cpow, NEG_NAN, nanPassing } from './c-math.js'
import { strx2number } from './hex-numerals.js'
import { formatG14 } from './lua-number-format.js'
import { baseNumeral, digitValue } from './base-numerals.js'
import { LUA51_INTEGERS } from './lua51-integers.js'
import { LuaPrintf } from './lua-printf.js'
import { T_NUMFLT, T_NUMINT } from './value-tags.js'

/** How a Lua engine's numbers behave: Lua 5.3 (integers and floats) or Lua 5.1 (doubles only). */
export type NumberMode = 'lua53' | 'lua51'

/** The largest Lua integer: every integer is an exact double, so ±(2^53 − 1). */
export const MAX_INTEGER = Number.MAX_SAFE_INTEGER

/** Thrown (as a JS value) by integer operations whose Lua 5.3 result does not fit; ldo turns it into a Lua error. */
export const OVERFLOW: object = Object.freeze({ polyhost: 'integer overflow' })

/** The message of that Lua error, the same wherever it is raised. */
export const OVERFLOW_MESSAGE = 'integer overflow'

const MAXN = BigInt(MAX_INTEGER)
const TWO63 = 2 ** 63
const noStep = (_n: number): void => undefined

/**
 * What the number patches (fengari-numbers.ts) call, as `__num`. Integers are JS numbers
 * kept within ±(2^53 − 1); an operation computes Lua 5.3's 64-bit result and returns it when
 * it fits, else throws OVERFLOW — never a wrapped or rounded value. Fast paths stay in
 * doubles; BigInt is used only where a double could be inexact.
 */
export class NumberRuntime {
  readonly OVERFLOW = OVERFLOW
  readonly message: Uint8Array = new TextEncoder().encode(OVERFLOW_MESSAGE)
  /** Lua 5.1: no integer subtype at all, `%.14g` without `.0`, truncating integer arguments. */
  readonly lua51: boolean
  /** Type tag given to "integers": T_NUMINT, or T_NUMFLT in 5.1 mode. */
  readonly INT: number
  /** `string.format`'s conversions, as glibc's printf. */
  readonly printf: LuaPrintf

  constructor(mode: NumberMode) {
    this.lua51 = mode === 'lua51'
    this.INT = this.lua51 ? T_NUMFLT : T_NUMINT
    this.printf = new LuaPrintf(this.lua51)
  }

  overflow(): never {
    throw OVERFLOW
  }

  add(a: number, b: number): number {
    const r = a + b
    if (r > MAX_INTEGER || r < -MAX_INTEGER) throw OVERFLOW
    return r
  }

  sub(a: number, b: number): number {
    const r = a - b
    if (r > MAX_INTEGER || r < -MAX_INTEGER) throw OVERFLOW
    return r
  }

  mul(a: number, b: number): number {
    const r = a * b
    if (r <= MAX_INTEGER && r >= -MAX_INTEGER) return r + 0 // + 0: no integer -0
    return fit(BigInt.asIntN(64, BigInt(a) * BigInt(b)))
  }

  /** Floor division, n ≠ 0 (fengari checks). Doubles are exact enough while |m| ≤ 2^31. */
  idiv(m: number, n: number): number {
    if (m <= 0x7fffffff && m >= -0x80000000) return Math.floor(m / n) + 0
    const bm = BigInt(m)
    const bn = BigInt(n)
    let q = bm / bn
    if (bm % bn !== 0n && bm < 0n !== bn < 0n) q -= 1n
    return fit(q)
  }

  /** Floor modulo, n ≠ 0: JS `%` is exact on integers. */
  imod(m: number, n: number): number {
    let r = m % n
    if (r !== 0 && r < 0 !== n < 0) r += n
    return r + 0
  }

  band(a: number, b: number): number {
    if ((a | 0) === a && (b | 0) === b) return a & b
    return fit(BigInt.asIntN(64, BigInt(a) & BigInt(b)))
  }

  bor(a: number, b: number): number {
    if ((a | 0) === a && (b | 0) === b) return a | b
    return fit(BigInt.asIntN(64, BigInt(a) | BigInt(b)))
  }

  bxor(a: number, b: number): number {
    if ((a | 0) === a && (b | 0) === b) return a ^ b
    return fit(BigInt.asIntN(64, BigInt(a) ^ BigInt(b)))
  }

  bnot(a: number): number {
    return this.sub(-a, 1)
  }

  /** Lua's luaV_shiftl on 64 bits: y < 0 shifts right (logically); |y| ≥ 64 gives 0. */
  shl(x: number, y: number): number {
    if (y <= -64 || y >= 64) return 0
    if (y <= 0 && x >= 0) {
      // x may be a float's exact value beyond the range (1e16 >> 0): the result must fit too
      const r = Math.floor(x / 2 ** -y)
      if (r > MAX_INTEGER) throw OVERFLOW
      return r
    }
    const u = BigInt.asUintN(64, BigInt(x))
    const r = y < 0 ? u >> BigInt(-y) : u << BigInt(y)
    return fit(BigInt.asIntN(64, r))
  }

  /**
   * A float as an integer (floor/ceil already applied), or false if it has none. In 5.3 the
   * result may lie beyond ±(2^53 − 1) (a float there is an exact integer): bitwise operators
   * use it exactly; everything that keeps the integer passes it through `strict`. In 5.1 an
   * integer argument is a C cast, so a value beyond the range raises.
   */
  toint(f: number): number | false {
    if (this.lua51) {
      if (f <= MAX_INTEGER && f >= -MAX_INTEGER) return f
      throw OVERFLOW
    }
    if (f >= -TWO63 && f < TWO63) return f + 0
    return false
  }

  /** An integer that is kept (pushed, used as a count or an index) must fit. */
  strict(n: number | false): number | false {
    if (n !== false && (n > MAX_INTEGER || n < -MAX_INTEGER)) throw OVERFLOW
    return n
  }

  /** A numeral read into `o` as an integer must fit to be used as one. */
  exactint<T extends { type: number; value: unknown }>(o: T): T {
    if (o.type === T_NUMINT && !Number.isSafeInteger(o.value)) throw OVERFLOW
    return o
  }

  /** Whether a float table key is stored as an integer key (C Lua: any float with an exact 64-bit integer value). */
  intkey(k: number): boolean {
    return Number.isInteger(k) && k >= -TWO63 && k < TWO63
  }

  /** A float key stored as an integer key: 5.3 has no integer -0; 5.1 keeps the double. */
  key(k: number): number {
    return this.lua51 ? k : k + 0
  }

  /** `^` (and 5.1's math.pow) as C's pow. */
  readonly pow = cpow

  /** math.log as glibc computes it (NaN signs: log(-1) is -nan, log10(-1) is nan); `base` undefined without one. */
  readonly log = clog

  /** C's fmod (float `%`, math.fmod), with glibc's NaN signs. */
  readonly fmod = cfmod

  /** Math.asin/acos... of a NaN argument: the argument itself, as C passes a NaN on. */
  readonly nanPassing = nanPassing

  /** 5.1 reads numbers with strtod, which accepts inf, infinity and nan. */
  str2special(s: Uint8Array): { n: number; i: number } | null {
    const m = /^[\t\n\v\f\r ]*([-+]?)(inf(?:inity)?|nan)[\t\n\v\f\r ]*$/i.exec(latin1(s))
    if (!m) return null
    const neg = m[1] === '-'
    const n = (m[2] as string).toLowerCase() === 'nan' ? (neg ? NEG_NAN : Number.NaN) : neg ? -Infinity : Infinity
    return { n, i: s.length }
  }

  /** 5.1's float modulo: a − floor(a/b)·b (5.3 uses fmod). */
  mod51(a: number, b: number): number {
    return a - Math.floor(a / b) * b
  }

  /**
   * Lua 5.3's l_str2int: a decimal or hex integer numeral with optional sign and spaces.
   * Decimal beyond 64 bits is not an integer (null: read as a float); hex wraps modulo 2^64.
   * In 5.1 mode there are no integers: everything is left to the float reader.
   */
  str2int(s: Uint8Array): { n: number; i: number } | null {
    if (this.lua51) return null
    // on the bytes, stopping at the first one that cannot belong to an integer numeral:
    // a long string that is not one costs no copy (a regex over its text did, ~40 ns a byte)
    const len = s.length
    let i = 0
    while (i < len && isSpace(s[i] as number)) i++
    const neg = s[i] === 0x2d
    if (neg || s[i] === 0x2b) i++
    let v: bigint
    if (s[i] === 0x30 && (s[i + 1] === 0x78 || s[i + 1] === 0x58)) {
      const start = (i += 2)
      while (i < len && isHexDigit(s[i] as number)) i++
      if (i === start || !onlySpaces(s, i)) return null
      // hex wraps modulo 2^64: only the last 16 digits count
      v = BigInt.asIntN(64, BigInt(`0x${latin1(s.subarray(Math.max(start, i - 16), i))}`) * (neg ? -1n : 1n))
    } else {
      const start = i
      while (i < len && isDigit(s[i] as number)) i++
      if (i === start || !onlySpaces(s, i)) return null
      let first = start
      while (first < i - 1 && s[first] === 0x30) first++
      // more than 19 significant digits cannot fit 64 bits (the numeral is read as a float)
      if (i - first > 19) return null
      v = BigInt(latin1(s.subarray(first, i)))
      if (neg ? v > 2n ** 63n : v >= 2n ** 63n) return null
      if (neg) v = -v
    }
    // beyond ±(2^53 − 1) the value is only usable as a float (C Lua converts it so in
    // arithmetic on strings); integer uses go through exactint and raise
    return { n: Number(v), i: len }
  }

  /**
   * `tonumber(s, base)`: digits accumulate modulo 2^64 as in lbaselib's l_str2int. `step(n)`
   * is told of every n digits converted (the instruction and deadline checks of a long
   * conversion: 2e7 digits took 2.5 s).
   */
  str2intBase(s: Uint8Array, base: number, step: (n: number) => void = noStep): number | null {
    if (this.lua51) return LUA51_INTEGERS.strtoul(s, base, step)
    const { negative, from, to } = baseNumeral(s, s.length, step)
    if (from === to) return null
    // digits go in chunks of up to 8 through Number arithmetic (exact below 36^8 < 2^53),
    // so a long string costs one BigInt step per chunk, not per digit
    let v = 0n
    for (let at = from; at < to; at += 8) {
      if (((at - from) & 1023) === 0) step(Math.min(1024, to - at))
      const stop = Math.min(at + 8, to)
      let part = 0
      for (let k = at; k < stop; k++) {
        const d = digitValue(s[k] as number)
        if (d >= base) return null
        part = part * base + d
      }
      v = BigInt.asUintN(64, v * BigInt(base) ** BigInt(stop - at) + BigInt(part))
    }
    return fit(BigInt.asIntN(64, negative ? -v : v))
  }

  /** A hex float numeral, correctly rounded as C's strtod (hex-numerals.ts). */
  strx2number(s: Uint8Array): { n: number; i: number } | null {
    return strx2number(s)
  }

  /**
   * An integer as `tostring` prints it: its exact digits. Integer keys made from floats reach
   * 2^63 (`next({[2^60] = 1})`), where String() would print 1152921504606847000.
   */
  inttostr(n: number): string {
    return Number.isSafeInteger(n) ? String(n) : BigInt(n).toString()
  }

  /** A float as `tostring` prints it: `%.14g`, plus `.0` on integral values in 5.3 mode. */
  tostr(x: number): string {
    const s = formatG14(x)
    if (this.lua51 || !/^-?[0-9]+$/.test(s)) return s
    return `${s}.0`
  }

  /** string.pack: `size` bytes of n's two's complement; beyond 8 bytes C extends the sign only for `neg` (signed options). */
  packint(buff: Uint8Array, n: number, islittle: boolean, size: number, neg: unknown): void {
    let v = BigInt.asUintN(neg ? size * 8 : 64, BigInt(n))
    for (let i = 0; i < size; i++) {
      buff[islittle ? i : size - 1 - i] = Number(v & 0xffn)
      v >>= 8n
    }
  }

  /** string.unpack: the integer in `size` bytes; null when it does not fit 64 bits (C Lua's error). */
  unpackint(str: Uint8Array, islittle: boolean, size: number, issigned: boolean): number | null {
    let v = 0n
    for (let i = size - 1; i >= 0; i--) v = (v << 8n) | BigInt(str[islittle ? i : size - 1 - i] as number)
    if (issigned) v = BigInt.asIntN(size * 8, v)
    if (size > 8) {
      if (issigned ? v !== BigInt.asIntN(64, v) : v !== BigInt.asUintN(64, v)) return null
    }
    return fit(BigInt.asIntN(64, v))
  }
}

/** C's pow (see c-math.ts); 5.1's math.pow uses it too. */
export { cpow }

// --- internal ---

/** Whether only spaces follow position `i`. */
function onlySpaces(s: Uint8Array, i: number): boolean {
  while (i < s.length && isSpace(s[i] as number)) i++
  return i === s.length
}

const isSpace = (c: number): boolean => c === 0x20 || (c >= 9 && c <= 13)
const isDigit = (c: number): boolean => c >= 0x30 && c <= 0x39
const isHexDigit = (c: number): boolean => isDigit(c) || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66)

function fit(v: bigint): number {
  if (v > MAXN || v < -MAXN) throw OVERFLOW
  return Number(v)
}

function latin1(s: Uint8Array): string {
  // one character per byte, built in slices: a per-byte `+=` made a 14 MB numeral cost seconds of GC
  let r = ''
  for (let i = 0; i < s.length; i += LATIN1_SLICE) {
    r += String.fromCharCode.apply(null, s.subarray(i, i + LATIN1_SLICE) as unknown as number[])
  }
  return r
}

const LATIN1_SLICE = 8192
