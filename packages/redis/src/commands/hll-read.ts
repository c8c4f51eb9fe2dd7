import { HLL_DENSE, HLL_HDR_SIZE, HLL_REGISTERS } from './hll-core.js'

/**
 * Reading an HLL's registers without writing it, as Redis 7.0.15's `hllMerge` and
 * `hllSparseRegHisto` read them (PFCOUNT of several keys, PFMERGE's sources, PFCOUNT of a
 * sparse one). A sparse string is corrupted when its opcodes (ZERO `00xxxxxx`, XZERO
 * `01xxxxxx xxxxxxxx`, VAL `1vvvvvxx`) cover other than 16384 registers.
 */
/**
 * Redis's `hllMerge`: raises `max[i]` to each register of the HLL; false when a sparse one is
 * corrupted: its opcodes cover other than 16384 registers (any opcode past them, as
 * `sparseToDense`). Once a walk is past 16384 registers it can only end corrupted: it stops there.
 */
export function mergeInto(max: Uint8Array, s: Buffer): boolean {
  if (s[4] === HLL_DENSE) {
    for (let i = 0; i < HLL_REGISTERS; i++) {
      const bit = i * 6
      const at = HLL_HDR_SIZE + (bit >>> 3)
      const fb = bit & 7
      const b1 = at + 1 < s.length ? (s[at + 1] as number) : 0
      const v = (((s[at] as number) >>> fb) | (b1 << (8 - fb))) & 63
      if (v > (max[i] as number)) max[i] = v
    }
    return true
  }
  let i = 0
  for (let p = HLL_HDR_SIZE; p < s.length && i <= HLL_REGISTERS; ) {
    const op = s[p] as number
    if ((op & 0xc0) === 0) {
      i += (op & 0x3f) + 1
      p++
    } else if ((op & 0xc0) === 0x40) {
      i += (((op & 0x3f) << 8) | (p + 1 < s.length ? (s[p + 1] as number) : 0)) + 1
      p += 2
    } else {
      const run = (op & 3) + 1
      const val = ((op >> 2) & 0x1f) + 1
      if (run + i > HLL_REGISTERS) return false
      for (let j = 0; j < run; j++, i++) if (val > (max[i] as number)) max[i] = val
      p++
    }
  }
  return i === HLL_REGISTERS
}

/** Redis's `hllSparseRegHisto`; false when the opcodes do not cover exactly 16384 registers. */
export function sparseHisto(s: Buffer, histo: Int32Array): boolean {
  let idx = 0
  for (let p = HLL_HDR_SIZE; p < s.length && idx <= HLL_REGISTERS; ) {
    const op = s[p] as number
    let run: number
    if ((op & 0xc0) === 0) {
      run = (op & 0x3f) + 1
      ;(histo[0] as number) += run
      p++
    } else if ((op & 0xc0) === 0x40) {
      run = (((op & 0x3f) << 8) | (p + 1 < s.length ? (s[p + 1] as number) : 0)) + 1
      ;(histo[0] as number) += run
      p += 2
    } else {
      run = (op & 3) + 1
      ;(histo[((op >> 2) & 0x1f) + 1] as number) += run
      p++
    }
    idx += run
  }
  return idx === HLL_REGISTERS
}
