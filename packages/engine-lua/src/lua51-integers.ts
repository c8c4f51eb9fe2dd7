import { baseNumeral, digitValue } from './base-numerals.js'
import { parseSpec } from './lua-number-format.js'

/**
 * How Lua 5.1 on x86-64 turns a double into an integer argument: `lua_number2integer` is C's
 * `(lua_Integer)d` (cvttsd2si: NaN and anything beyond ±2^63 become INT64_MIN), and
 * `luaL_checkint`/`luaL_optint` keep the low 32 bits of that (`| 0`). `string.format`'s
 * `%d` casts the number to `long`, `%o %u %x %X` to `unsigned long`. The patched fengari
 * files (lua51-integer-patches.ts) reach this object as `__l51`.
 */
export const LUA51_INTEGERS = {
  /** `(lua_Integer)d`, or false when `d` is not a number (lua_tointeger's failure). */
  tointeger(d: number | false): number | false {
    return d === false ? false : cast64(d)
  },
  /** `string.format`'s integer conversions of the 5.1 number `d`, as glibc prints the C cast. */
  format(printf: { number(form: string, n: number): string }, form: string, d: number): string {
    const conv = form[form.length - 1] as string
    const signed = conv === 'd' || conv === 'i'
    const n = signed ? BigInt(cast64(d)) : ucast64(d)
    if (n >= -MAX_SAFE && n <= MAX_SAFE) return printf.number(form, Number(n))
    return formatBig(form, conv, signed ? n : BigInt.asUintN(64, n))
  },
  /**
   * `tonumber(s, base)`: glibc's `strtoul` on the C string (up to a NUL), then only spaces
   * may follow. Beyond 2^64 − 1 it saturates whatever the sign; otherwise a '-' negates
   * modulo 2^64. A "0x" prefix (base 16) counts only before a hex digit. null: not a number.
   * `step(n)` is told of every n digits. (Called by NumberRuntime.str2intBase in 5.1 mode.)
   */
  strtoul(bytes: Uint8Array, base: number, step: (n: number) => void): number | null {
    const nul = bytes.indexOf(0)
    const { negative, to, from: start } = baseNumeral(bytes, nul < 0 ? bytes.length : nul, step)
    let from = start
    if (from === to) return null
    const x = bytes[from + 1]
    if (base === 16 && bytes[from] === 0x30 && (x === 0x78 || x === 0x58) && from + 2 < to && digitValue(bytes[from + 2] as number) < 16) {
      from += 2
    }
    let v = 0n
    const b = BigInt(base)
    for (let i = from; i < to; i++) {
      if (((i - from) & 1023) === 0) step(Math.min(1024, to - i))
      const d = digitValue(bytes[i] as number)
      if (d >= base) return null // strtoul stops there: a character other than a space follows
      if (v <= ULONG_MAX) v = v * b + BigInt(d) // once beyond, it stays beyond (saturates)
    }
    if (v > ULONG_MAX) return Number(ULONG_MAX)
    return Number(negative ? BigInt.asUintN(64, -v) : v)
  },
}

/** `(int)(lua_Integer)d` (`luaL_checkint`, `luaL_optint`): the low 32 bits of C's cast (0 for NaN and beyond ±2^63). */
export function cint(d: number): number {
  return cast64(d) | 0
}

/** The module name under which the patched files reach LUA51_INTEGERS. */
export const LUA51_INTEGERS_FILE = 'polyhost-lua51.js'

// --- internal ---

const TWO63 = 2 ** 63
const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER)
const ULONG_MAX = 2n ** 64n - 1n

/** C's `(int64_t)d` on x86-64; +0 for a zero (C integers have no -0). */
function cast64(d: number): number {
  return d >= -TWO63 && d < TWO63 ? Math.trunc(d) + 0 : -TWO63
}

/**
 * C's `(unsigned long)d` as gcc compiles it for x86-64: below 2^63 (NaN included, the
 * comparison is unordered) the signed cast; from 2^63 on, the signed cast of d − 2^63 with
 * the top bit flipped (so 2^64 and beyond give 0). The 64 bits, as a signed BigInt.
 */
function ucast64(d: number): bigint {
  if (!(d >= TWO63)) return BigInt(cast64(d))
  return BigInt.asIntN(64, BigInt(cast64(d - TWO63)) ^ -(2n ** 63n))
}

/** glibc's integer conversion of a nonzero value beyond ±(2^53 − 1): precision, flags, width. */
function formatBig(form: string, conv: string, n: bigint): string {
  const spec = parseSpec(form)
  const neg = n < 0n
  const abs = neg ? -n : n
  let digits = abs.toString(conv === 'o' ? 8 : conv === 'x' || conv === 'X' ? 16 : 10)
  if (conv === 'X') digits = digits.toUpperCase()
  if (spec.precision >= 0) digits = digits.padStart(spec.precision, '0')
  let prefix = ''
  if (conv === 'd' || conv === 'i') prefix = neg ? '-' : spec.flags.includes('+') ? '+' : spec.flags.includes(' ') ? ' ' : ''
  else if (spec.flags.includes('#')) {
    if (conv === 'o' && !digits.startsWith('0')) digits = `0${digits}`
    else if (conv === 'x' || conv === 'X') prefix = `0${conv}`
  }
  const fill = spec.width - prefix.length - digits.length
  if (fill <= 0) return prefix + digits
  if (spec.flags.includes('-')) return prefix + digits + ' '.repeat(fill)
  if (spec.flags.includes('0') && spec.precision < 0) return prefix + '0'.repeat(fill) + digits
  return ' '.repeat(fill) + prefix + digits
}
