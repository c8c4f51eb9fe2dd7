/**
 * The digits of C `printf("%a")` as glibc prints them (C Lua's `%a`/`%A` and `%q` of floats
 * go through it): `1.8p+0` for 1.5 — the caller adds sign, `0x` and padding.
 *
 * glibc does not normalise: a normal double prints as `1.<13 hex digits>`, a subnormal as
 * `0.<13 hex digits>p-1022` (5e-324 is `0x0.0000000000001p-1022`), trailing zeros dropped.
 * With a precision the hex digits are rounded to nearest, ties to an even last digit, and a
 * carry may reach the leading digit (`%.0a` of 1.5 is `0x2p+0`).
 */
export function hexFloatBody(a: number, precision: number, alt: boolean): string {
  let lead: number
  let exp: number
  let digits: string
  if (a === 0) {
    lead = 0
    exp = 0
    digits = ''
  } else {
    bits.setFloat64(0, a)
    const biased = bits.getUint16(0) >> 4
    const mantissa = BigInt(bits.getUint32(0) & 0xfffff) * 2n ** 32n + BigInt(bits.getUint32(4))
    lead = biased === 0 ? 0 : 1
    exp = biased === 0 ? -1022 : biased - 1023
    digits = mantissa.toString(16).padStart(13, '0').replace(/0+$/, '')
  }
  if (precision >= 0 && precision < digits.length) {
    ;[lead, digits] = roundHex(lead, digits, precision)
  } else if (precision > digits.length) {
    digits = digits.padEnd(precision, '0')
  }
  const point = digits.length > 0 || alt ? '.' : ''
  return `${lead.toString(16)}${point}${digits}p${exp < 0 ? '-' : '+'}${Math.abs(exp)}`
}

// --- internal ---

const bits = new DataView(new ArrayBuffer(8))

/** `lead.digits` rounded to `p` hex digits (p < digits.length), to nearest, ties to even. */
function roundHex(lead: number, digits: string, p: number): [number, string] {
  const next = Number.parseInt(digits[p] as string, 16)
  const more = digits.length > p + 1 // trailing zeros are already gone: any digit left is nonzero
  const last = p > 0 ? Number.parseInt(digits[p - 1] as string, 16) : lead
  const kept = digits.slice(0, p)
  if (next < 8 || (next === 8 && !more && last % 2 === 0)) return [lead, kept]
  const up = (BigInt(`0x${lead.toString(16)}${kept}`) + 1n).toString(16).padStart(p + 1, '0')
  return [Number.parseInt(up.slice(0, up.length - p), 16), up.slice(up.length - p)]
}
