/**
 * The C library's number functions behind Lua 5.1's `math.frexp`, `math.ldexp` and
 * `math.modf`, and C's `(int)` cast of a `lua_Integer` that 5.1's `luaL_checkint` applies.
 * JS has no equivalent of any of them; these reproduce glibc's results bit for bit,
 * including signed zeros, infinities, NaN and subnormals.
 */

const bits = new DataView(new ArrayBuffer(8))
const TWO64 = 2 ** 64

/** C `frexp`: `x = m · 2^e` with `0.5 ≤ |m| < 1`; zero, infinities and NaN come back with e = 0. */
export function frexp(x: number): [number, number] {
  if (x === 0 || !Number.isFinite(x)) return [x, 0]
  bits.setFloat64(0, x)
  const biased = (bits.getUint16(0) >> 4) & 0x7ff
  if (biased === 0) {
    // subnormal: scale into the normal range first (exact), then correct the exponent
    const [m, e] = frexp(x * TWO64)
    return [m, e - 64]
  }
  // replace the exponent by 1022 (|m| in [0.5, 1)), keeping sign and mantissa
  bits.setUint16(0, (bits.getUint16(0) & 0x800f) | (1022 << 4))
  return [bits.getFloat64(0), biased - 1022]
}

/** C `ldexp`: `m · 2^e` rounded once, as the hardware does (no double rounding into subnormals). */
export function ldexp(m: number, e: number): number {
  if (m === 0 || !Number.isFinite(m) || e === 0) return m
  const [fm, em] = frexp(m)
  const exp = em + e // the result is fm · 2^exp with 0.5 ≤ |fm| < 1
  if (exp > 1024) return fm * Number.POSITIVE_INFINITY
  if (exp >= -1021) return fm * 2 * 2 ** (exp - 1) // normal: exact
  if (exp >= -1074) return fm * 2 ** exp // subnormal: 2^exp is exact, the product rounds once
  return fm * 0 // below half the smallest subnormal: a signed zero
}

/** C `modf`: integral and fractional parts, both with the sign of `x` (`modf(-1)` is -1, -0). */
export function modf(x: number): [number, number] {
  if (Number.isNaN(x)) return [x, x]
  const ip = Math.trunc(x)
  const fp = Number.isFinite(x) ? x - ip : 0
  return [ip, fp === 0 && (x < 0 || Object.is(x, -0)) ? -0 : fp]
}
