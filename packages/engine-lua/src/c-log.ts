/**
 * Natural and base-10 logarithms as glibc computes them on x86-64, where V8's Math.log and
 * Math.log10 (fdlibm) are one unit in the last place off on about 2 % and 1 % of arguments:
 * `math.log(3)` was 1.0986122886681096 where glibc gives …098, so every `math.log(x, 3)` =
 * log(x)/log(3) differed (`math.log(9, 3) == 2` was false).
 *
 * `ln` is correctly rounded (double-double arithmetic, relative error below 2^-70): glibc's
 * log is not always, so about 1 argument in 3,000 still differs in the last bit. `log10` is
 * glibc's e_log10.c (fdlibm's formula on glibc's own log), which V8 replaced by another one.
 * Arguments here are positive and finite (c-math.ts handles zero, NaN, infinity, negatives).
 */

/** The natural logarithm of a positive finite x, correctly rounded. */
export function ln(x: number): number {
  let e = 0
  if (x < MIN_NORMAL) {
    x *= TWO54
    e = -54
  }
  F64[0] = x
  const hi = U32[1] as number
  e += (hi >>> 20) - 1023
  U32[1] = (hi & 0xfffff) | 0x3ff00000
  let m = F64[0] as number // in [1, 2)
  if (m > Math.SQRT2) {
    m *= 0.5
    e++
  }
  // ln(m) = 2·atanh(s), s = (m − 1)/(m + 1), |s| < 0.172: s in double-double (m − 1 is exact)
  const a = m - 1
  const bh = m + 1
  const bb = bh - m
  const bl = m - (bh - bb) + (1 - bb)
  const q1 = a / bh
  const p = q1 * bh
  const q2 = (a - p - twoProductError(q1, bh, p) - q1 * bl) / bh
  const sh = q1 + q2
  const sl = q2 - (sh - q1)
  // z = s², then Σ z^k/(2k+1): the small terms (k ≥ 4, below 2^-20 of the sum) in doubles
  const zp = sh * sh
  const ze = twoProductError(sh, sh, zp) + 2 * sh * sl
  const zh = zp + ze
  const zl = ze - (zh - zp)
  let th = TAIL[0] as number
  for (let k = 1; k < TAIL.length; k++) th = th * zh + (TAIL[k] as number)
  let tl = 0
  for (let k = HEAD_HI.length - 1; k >= 0; k--) {
    const pp = th * zh
    const pe = twoProductError(th, zh, pp) + (th * zl + tl * zh)
    const ph = pp + pe
    const pl = pe - (ph - pp)
    const ch = HEAD_HI[k] as number
    const s = ph + ch
    const v = s - ph
    const se = ph - (s - v) + (ch - v) + pl + (HEAD_LO[k] as number)
    th = s + se
    tl = se - (th - s)
  }
  // 2·s·Σ, plus e·ln 2
  const rp = th * sh
  const re = twoProductError(th, sh, rp) + (th * sl + tl * sh)
  const rh = 2 * (rp + re)
  const rl = 2 * (re - (rp + re - rp))
  const ep = e * LN2_HI
  const ee = twoProductError(e, LN2_HI, ep) + e * LN2_LO
  const s = ep + rh
  const v = s - ep
  return s + (ep - (s - v) + (rh - v) + ee + rl)
}

/** glibc's log10 of a positive finite x: k·log10(2) split in two, plus log(x / 2^k)/ln(10). */
export function log10(x: number): number {
  let k = 0
  if (x < MIN_NORMAL) {
    x *= TWO54
    k = -54
  }
  F64[0] = x
  const hx = U32[1] as number
  k += (hx >>> 20) - 1023
  const i = k < 0 ? 1 : 0
  U32[1] = (hx & 0xfffff) | ((0x3ff - i) << 20)
  const y = k + i
  const z = y * LOG10_2LO + IVLN10 * ln(F64[0] as number)
  return z + y * LOG10_2HI
}

// --- internal ---

const F64 = new Float64Array(1)
const U32 = new Uint32Array(F64.buffer) // little-endian: [1] is the high word
const MIN_NORMAL = 2 ** -1022
const TWO54 = 2 ** 54
/** The double of the given high and low 32-bit words (how libm sources spell constants). */
function fromWords(hi: number, lo: number): number {
  U32[1] = hi
  U32[0] = lo
  return F64[0] as number
}
const LN2_HI = Math.LN2
const LN2_LO = fromWords(0x3c7abc9e, 0x3b39803f) // ln 2 − LN2_HI
// e_log10.c's constants: 1/ln 10, and log10(2) in 40 bits plus the rest
const IVLN10 = fromWords(0x3fdbcb7b, 0x1526e50e)
const LOG10_2HI = fromWords(0x3fd34413, 0x509f6000)
const LOG10_2LO = fromWords(0x3d59fef3, 0x11f12b36)
const SPLIT = 2 ** 27 + 1

/** The exact a·b − p for p = fl(a·b) (Dekker's product, Veltkamp splitting; no overflow below 2^996). */
export function twoProductError(a: number, b: number, p: number): number {
  const ca = SPLIT * a
  const ah = ca - (ca - a)
  const al = a - ah
  const cb = SPLIT * b
  const bh = cb - (cb - b)
  const bl = b - bh
  return ah * bh - p + ah * bl + al * bh + al * bl
}

/** 1/(2k+1) for k = 22 down to 4 (Horner order). */
const TAIL = Float64Array.from({ length: 19 }, (_, i) => 1 / (2 * (22 - i) + 1))
/** 1/(2k+1) for k = 0..3 as double-doubles. */
const HEAD_HI = Float64Array.from({ length: 4 }, (_, k) => 1 / (2 * k + 1))
const HEAD_LO = HEAD_HI.map((h, k) => {
  const n = 2 * k + 1
  const p = h * n
  return -(p - 1 + twoProductError(h, n, p)) / n
})
