/** What fengari's `lua_str2number` returns: the value and the numeral's length in bytes. */
export interface NumeralValue {
  readonly n: number
  readonly i: number
}

/** Significant digits kept; beyond them one sticky digit keeps parseFloat's rounding exact. */
const KEPT_DIGITS = 800
const EXP_CAP = 1_000_000_000

/**
 * fengari's decimal `lua_str2number` for long strings, on bytes: matches what its regex
 * `^[\t\v\f \n\r]*[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]*)(?:[eE][+-]?[0-9]+)?` matches, and
 * returns `parseFloat` of an equivalent short numeral (leading zeros dropped, at most 800
 * significant digits plus a sticky non-zero digit, the exponent adjusted). parseFloat is
 * correctly rounded and needs no more than ~770 digits to decide, so the value is the same;
 * the work is one pass over the bytes instead of a character-by-character JS string.
 */
export function str2number(s: Uint8Array): NumeralValue | null {
  const len = s.length
  let i = 0
  while (i < len && isSpace(s[i] as number)) i++
  const negative = s[i] === 0x2d
  if (negative || s[i] === 0x2b) i++
  const intStart = i
  while (i < len && isDigit(s[i] as number)) i++
  const intEnd = i
  let fracStart = i
  if (s[i] === 0x2e) {
    fracStart = ++i
    while (i < len && isDigit(s[i] as number)) i++
  }
  const fracEnd = Math.max(i, fracStart)
  if (intEnd === intStart && fracEnd === fracStart) return null // "", ".", "+.": parseFloat gives NaN
  let exp = 0
  if (s[i] === 0x65 || s[i] === 0x45) {
    let j = i + 1
    const negExp = s[j] === 0x2d
    if (negExp || s[j] === 0x2b) j++
    if (j < len && isDigit(s[j] as number)) {
      while (j < len && isDigit(s[j] as number)) exp = Math.min(EXP_CAP, exp * 10 + ((s[j++] as number) - 0x30))
      if (negExp) exp = -exp
      i = j
    }
  }
  // significant digits: [first, intEnd) then [fracStart, fracEnd), or [first, fracEnd)
  let first = intStart
  while (first < intEnd && s[first] === 0x30) first++
  let point: number
  if (first < intEnd) point = intEnd - first
  else {
    first = fracStart
    while (first < fracEnd && s[first] === 0x30) first++
    if (first === fracEnd) return { n: negative ? -0 : 0, i }
    point = fracStart - first
  }
  const spans: [number, number][] =
    first < intEnd
      ? [
          [first, intEnd],
          [fracStart, fracEnd],
        ]
      : [[first, fracEnd]]
  let kept = ''
  let sticky = false
  for (const [from, to] of spans) {
    const take = Math.min(to - from, KEPT_DIGITS - kept.length)
    kept += latin1(s, from, take)
    for (let k = from + take; k < to && !sticky; k++) sticky = s[k] !== 0x30
  }
  const text = `${negative ? '-' : ''}0.${kept}${sticky ? '1' : ''}e${point + exp}`
  return { n: Number.parseFloat(text), i }
}

/** The first of '.', 'x', 'X', 'n', 'N' in `s` (0 when none): fengari's `strpbrk(s, ".xXnN")`. */
export function numeralMode(s: Uint8Array): number {
  const b = Buffer.from(s.buffer, s.byteOffset, s.byteLength)
  let first = -1
  let mode = 0
  for (const c of SIGILS) {
    const at = b.indexOf(c, 0)
    if (at >= 0 && (first < 0 || at < first)) {
      first = at
      mode = c
    }
  }
  return mode
}

/**
 * Fills `p` (length `total`) with `s`, `sep`, `s`, ... `s`: one copy of the unit, then
 * doubling copies within `p`, so a long repetition is a few native copies.
 */
export function repeatInto(p: Uint8Array, s: Uint8Array, sep: Uint8Array, total: number): void {
  if (total === 0) return
  p.set(s.subarray(0, Math.min(s.length, total)), 0)
  if (sep.length > 0 && s.length < total) p.set(sep.subarray(0, Math.min(sep.length, total - s.length)), s.length)
  let filled = Math.min(s.length + sep.length, total)
  while (filled < total) {
    const n = Math.min(filled, total - filled)
    p.copyWithin(filled, 0, n)
    filled += n
  }
}

// --- internal ---

const SIGILS = [0x2e, 0x78, 0x58, 0x6e, 0x4e]

function latin1(s: Uint8Array, from: number, n: number): string {
  return Buffer.from(s.buffer, s.byteOffset + from, n).toString('latin1')
}

function isSpace(c: number): boolean {
  return c === 0x20 || (c >= 0x09 && c <= 0x0d)
}

function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39
}
