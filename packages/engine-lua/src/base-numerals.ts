/**
 * The numeral of `tonumber(s, base)`, on bytes (both number models): leading and trailing
 * spaces (C's isspace) are skipped and charged, a sign read, and the digits left for the
 * caller to convert one by one. A regex over a latin1 copy of the whole string skipped
 * 8e6 trailing spaces with no charge at all: a loop of such calls ran 46-176 s of a 1 s limit.
 */
export interface BaseNumeral {
  readonly negative: boolean
  /** The digits are `s[from, to)`; none when equal. */
  readonly from: number
  readonly to: number
}

/** `s[0, end)` without its spaces, and its sign; `step(n)` is told of the n spaces skipped (a step each). */
export function baseNumeral(s: Uint8Array, end: number, step: (n: number) => void): BaseNumeral {
  let i = 0
  while (i < end && isSpace(s[i] as number)) i++
  let e = end
  while (e > i && isSpace(s[e - 1] as number)) e--
  const spaces = end - (e - i)
  if (spaces > 0) step(spaces)
  const negative = s[i] === 0x2d
  if (i < e && (negative || s[i] === 0x2b)) i++
  return { negative, from: i, to: e }
}

/** A byte's digit value in bases up to 36 (either case); 36 for any other byte. */
export function digitValue(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30
  const lower = c | 0x20
  return lower >= 0x61 && lower <= 0x7a ? lower - 0x61 + 10 : 36
}

const isSpace = (c: number): boolean => c === 0x20 || (c >= 9 && c <= 13)
