// Hexadecimal numerals ('0x1.8p3', ' -0XABC.DEF ') read as C's strtod reads them: the value
// rounded once, to nearest with ties to even. Lua 5.3's fallback lua_strx2number (fengari's)
// summed the digits in a double, rounding after each one past 53 bits, and then scaled it
// with ldexp, rounding a subnormal result a second time: `tonumber('0x20a9ff9c542e.85a7feebf9fdcecfc0p4')`
// was 574632159953640.25 where lua5.3 and lua5.1 (strtod) give 574632159953640.375.

/** Significant hex digits kept exactly (128 bits); any nonzero digit after them only breaks ties. */
const KEPT_DIGITS = 32

/** An exponent beyond this (after 'p') gives 0 or infinity whatever the digits: it is capped so the sum stays exact. */
const EXPONENT_CAP = 100_000

const isSpace = (c: number | undefined): boolean => c === 0x20 || (c !== undefined && c >= 0x09 && c <= 0x0d)
const isDigit = (c: number | undefined): boolean => c !== undefined && c >= 0x30 && c <= 0x39

/** A hex digit's value, or -1. */
function hexValue(c: number | undefined): number {
  if (c === undefined) return -1
  if (c >= 0x30 && c <= 0x39) return c - 0x30
  const lower = c | 0x20
  return lower >= 0x61 && lower <= 0x66 ? lower - 0x61 + 10 : -1
}

/**
 * Reads a hex numeral at the start of `s` (spaces, a sign, `0x`, digits with at most one dot,
 * an optional `p` exponent) as lua_strx2number's format: `{ n, i }` with `i` the index after
 * it, or null when it is not one. The value is `mantissa · 2^exponent` correctly rounded.
 */
export function strx2number(s: Uint8Array): { n: number; i: number } | null {
  let i = 0
  while (isSpace(s[i])) i++
  const negative = s[i] === 0x2d
  if (negative || s[i] === 0x2b) i++
  if (!(s[i] === 0x30 && (s[i + 1] === 0x78 || s[i + 1] === 0x58))) return null
  i += 2
  let mantissa = 0n
  let kept = 0
  let sticky = false
  let anyDigit = false
  let exponent = 0
  let dot = false
  for (; ; i++) {
    const c = s[i]
    if (c === 0x2e) {
      if (dot) break
      dot = true
      continue
    }
    const v = hexValue(c)
    if (v < 0) break
    anyDigit = true
    if (kept < KEPT_DIGITS) {
      if (kept > 0 || v !== 0) {
        mantissa = mantissa * 16n + BigInt(v)
        kept++
      }
      if (dot) exponent -= 4
    } else {
      if (v !== 0) sticky = true
      if (!dot) exponent += 4
    }
  }
  if (!anyDigit) return null
  if (s[i] === 0x70 || s[i] === 0x50) {
    i++
    const negExp = s[i] === 0x2d
    if (negExp || s[i] === 0x2b) i++
    if (!isDigit(s[i])) return null
    let e = 0
    while (isDigit(s[i])) e = Math.min(EXPONENT_CAP, e * 10 + ((s[i++] as number) - 0x30))
    exponent += negExp ? -e : e
  }
  const n = roundToDouble(mantissa, exponent, sticky)
  return { n: negative ? -n : n, i }
}

/** mantissa · 2^exponent (plus a sliver when `sticky`) rounded to the nearest double, ties to even. */
export function roundToDouble(mantissa: bigint, exponent: number, sticky: boolean): number {
  if (mantissa === 0n) return 0
  const length = mantissa.toString(2).length
  const top = length - 1 + exponent // the leading bit's power of two
  if (top > 1023) return Number.POSITIVE_INFINITY
  const bits = top >= -1022 ? 53 : top + 1075 // precision there (fewer bits for a subnormal)
  if (bits < 0) return 0
  const shift = length - bits
  let q = mantissa
  let scale = exponent
  if (shift > 0) {
    q = mantissa >> BigInt(shift)
    const rest = mantissa - (q << BigInt(shift))
    const half = 1n << BigInt(shift - 1)
    if (rest > half || (rest === half && (sticky || (q & 1n) === 1n))) q += 1n
    scale += shift
  }
  // q has at most 53 bits and q · 2^scale is a double (or 2^1024, infinity): the scaling is exact
  const value = Number(q)
  return scale >= -1022 ? value * 2 ** scale : value * 2 ** -1022 * 2 ** (scale + 1022)
}
