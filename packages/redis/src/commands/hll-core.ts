/**
 * The HyperLogLog of Redis 7.0.15's hyperloglog.c, byte for byte: the 16-byte header
 * ("HYLL", the encoding, 3 unused bytes, the cached cardinality little endian with the top bit
 * of its last byte as "invalid"), 16384 registers of 6 bits (dense: packed from the low bit
 * of each byte up), MurmurHash64A with seed 0xadc83b19, and the 7.0 estimator (Ertl's
 * `hllSigma`/`hllTau` over the register histogram, rounded as `llroundl`). The sparse
 * encoding is in hll-sparse.ts, the commands in hyperloglog.ts.
 */

export const HLL_P = 14
export const HLL_Q = 64 - HLL_P
export const HLL_REGISTERS = 1 << HLL_P
export const HLL_HDR_SIZE = 16
/** A dense HLL's length: the header and 16384 × 6 bits. */
export const HLL_DENSE_SIZE = HLL_HDR_SIZE + ((HLL_REGISTERS * 6 + 7) >> 3)
export const HLL_DENSE = 0
export const HLL_SPARSE = 1
/** Redis's `hll-sparse-max-bytes` default: a sparse HLL that would grow past it becomes dense. */
export const HLL_SPARSE_MAX_BYTES = 3000

export const INVALID_HLL_ERR = 'INVALIDOBJ Corrupted HLL object detected'
export const NOT_HLL_ERR = 'WRONGTYPE Key is not a valid HyperLogLog string value.'

/** Redis's `isHLLObjectOrReply` for a string: magic, encoding, and a dense one's exact length. */
export function isHll(s: Buffer): boolean {
  if (s.length < HLL_HDR_SIZE) return false
  if (s[0] !== 0x48 || s[1] !== 0x59 || s[2] !== 0x4c || s[3] !== 0x4c) return false
  const enc = s[4] as number
  if (enc > HLL_SPARSE) return false
  return enc !== HLL_DENSE || s.length === HLL_DENSE_SIZE
}

/** Sets the "cached cardinality invalid" bit. */
export function invalidateCache(b: Buffer): void {
  b[15] = (b[15] as number) | 0x80
}

/** The register a dense HLL holds at `i` (bytes from `HLL_HDR_SIZE`). */
export function denseGet(b: Uint8Array, i: number): number {
  const bit = i * 6
  const at = HLL_HDR_SIZE + (bit >>> 3)
  const fb = bit & 7
  // the byte past the last register is sds's terminator, 0
  const b1 = at + 1 < b.length ? (b[at + 1] as number) : 0
  return (((b[at] as number) >>> fb) | (b1 << (8 - fb))) & 63
}

/** Sets the register at `i` of a dense HLL. */
export function denseSet(b: Uint8Array, i: number, v: number): void {
  const bit = i * 6
  const at = HLL_HDR_SIZE + (bit >>> 3)
  const fb = bit & 7
  b[at] = ((b[at] as number) & ~(63 << fb)) | ((v << fb) & 0xff)
  if (at + 1 < b.length) b[at + 1] = ((b[at + 1] as number) & ~(63 >>> (8 - fb))) | (v >>> (8 - fb))
}

/** Redis's `hllDenseSet`: raises the register to `count` when less; 1 when raised. */
export function denseRaise(b: Uint8Array, i: number, count: number): number {
  if (count <= denseGet(b, i)) return 0
  denseSet(b, i, count)
  return 1
}

/** The register an element goes to and its run length (`hllPatLen`), in `PAT`. */
export const PAT = { index: 0, count: 0 }

/** Redis's `hllPatLen`: MurmurHash64A(ele, seed 0xadc83b19), the low 14 bits the register, the run of zeros above them + 1. */
export function patLen(ele: Uint8Array): void {
  murmur64a(ele)
  const lo = H.lo
  const hi = H.hi
  PAT.index = lo & (HLL_REGISTERS - 1)
  const low = ((lo >>> HLL_P) | (hi << (32 - HLL_P))) >>> 0
  if (low !== 0) PAT.count = ctz(low) + 1
  // bit Q of the shifted hash is set so that the run ends
  else PAT.count = ctz(((hi >>> HLL_P) | (1 << (HLL_Q - 32))) >>> 0) + 33
}

/** The register histogram of a dense HLL (`hllDenseRegHisto`). */
export function denseHisto(b: Uint8Array, histo: Int32Array): void {
  for (let i = 0; i < HLL_REGISTERS; i++) (histo[denseGet(b, i)] as number)++
}

/**
 * Redis 7.0's `hllCount` from the register histogram: the estimate as the uint64 Redis stores
 * (`(uint64_t)llroundl(...)`: past 2^63, infinity included, x86's integer indefinite 2^63).
 */
export function estimate(histo: Int32Array): bigint {
  const m = HLL_REGISTERS
  let z = m * tau((m - (histo[HLL_Q + 1] as number)) / m)
  for (let j = HLL_Q; j >= 1; --j) {
    z += histo[j] as number
    z *= 0.5
  }
  z += m * sigma((histo[0] as number) / m)
  const e = (HLL_ALPHA_INF * m * m) / z
  if (!(e < 2 ** 63)) return 1n << 63n
  return BigInt(Math.round(e))
}

/** The 8 cached cardinality bytes as a uint64. */
export function readCard(b: Uint8Array): bigint {
  let card = 0n
  for (let i = 15; i >= 8; i--) card = (card << 8n) | BigInt(b[i] as number)
  return card
}

/** Writes the cached cardinality (a uint64). */
export function writeCard(b: Uint8Array, card: bigint): void {
  for (let i = 8; i < 16; i++) b[i] = Number((card >> BigInt((i - 8) * 8)) & 0xffn)
}

// --- internal ---

/** 0.5/ln(2), Redis's HLL_ALPHA_INF. */
const HLL_ALPHA_INF = 0.7213475204444817

function sigma(x: number): number {
  if (x === 1) return Number.POSITIVE_INFINITY
  let zPrime: number
  let y = 1
  let z = x
  do {
    x *= x
    zPrime = z
    z += x * y
    y += y
  } while (zPrime !== z)
  return z
}

function tau(x: number): number {
  if (x === 0 || x === 1) return 0
  let zPrime: number
  let y = 1.0
  let z = 1 - x
  do {
    x = Math.sqrt(x)
    zPrime = z
    y *= 0.5
    z -= (1 - x) * (1 - x) * y
  } while (zPrime !== z)
  return z / 3
}

function ctz(v: number): number {
  return 31 - Math.clz32(v & -v)
}

/** A 64-bit hash as two unsigned 32-bit halves. */
const H = { hi: 0, lo: 0 }

const M_HI = 0xc6a4a793
const M_LO = 0x5bd1e995

/** `(hi, lo) * m` modulo 2^64, into H. */
function mulM(hi: number, lo: number): void {
  const a0 = lo & 0xffff
  const a1 = lo >>> 16
  const b0 = M_LO & 0xffff
  const b1 = M_LO >>> 16
  const p00 = a0 * b0
  const p01 = a0 * b1
  const p10 = a1 * b0
  const mid = (p00 >>> 16) + (p01 & 0xffff) + (p10 & 0xffff)
  H.lo = (((mid & 0xffff) << 16) | (p00 & 0xffff)) >>> 0
  const carry = a1 * b1 + Math.floor(p01 / 65536) + Math.floor(p10 / 65536) + Math.floor(mid / 65536)
  H.hi = (carry + Math.imul(hi, M_LO) + Math.imul(lo, M_HI)) >>> 0
}

/** `(hi, lo) ^= (hi, lo) >>> 47`, into H. */
function shift47(hi: number, lo: number): void {
  H.lo = (lo ^ (hi >>> 15)) >>> 0
  H.hi = hi
}

/** MurmurHash64A as Redis has it (little-endian words, seed 0xadc83b19), into H. */
function murmur64a(data: Uint8Array): void {
  const len = data.length
  // seed ^ (len * m), len as a 64-bit unsigned
  const lenLo = len >>> 0
  const lenHi = Math.floor(len / 2 ** 32) >>> 0
  mulM(lenHi, lenLo)
  let hHi = H.hi
  let hLo = (H.lo ^ 0xadc83b19) >>> 0
  const whole = len - (len & 7)
  for (let i = 0; i < whole; i += 8) {
    const kLo =
      ((data[i] as number) | ((data[i + 1] as number) << 8) | ((data[i + 2] as number) << 16) | ((data[i + 3] as number) << 24)) >>> 0
    const kHi =
      ((data[i + 4] as number) | ((data[i + 5] as number) << 8) | ((data[i + 6] as number) << 16) | ((data[i + 7] as number) << 24)) >>> 0
    mulM(kHi, kLo)
    shift47(H.hi, H.lo)
    mulM(H.hi, H.lo)
    hHi = (hHi ^ H.hi) >>> 0
    hLo = (hLo ^ H.lo) >>> 0
    mulM(hHi, hLo)
    hHi = H.hi
    hLo = H.lo
  }
  const rest = len & 7
  if (rest > 0) {
    for (let j = rest - 1; j >= 0; j--) {
      const byte = data[whole + j] as number
      if (j >= 4) hHi = (hHi ^ (byte << ((j - 4) * 8))) >>> 0
      else hLo = (hLo ^ (byte << (j * 8))) >>> 0
    }
    mulM(hHi, hLo)
    hHi = H.hi
    hLo = H.lo
  }
  shift47(hHi, hLo)
  mulM(H.hi, H.lo)
  shift47(H.hi, H.lo)
}
