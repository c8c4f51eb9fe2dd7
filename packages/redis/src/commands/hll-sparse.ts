import { fail } from '../store/replies.js'
import {
  denseRaise,
  denseSet,
  HLL_DENSE,
  HLL_DENSE_SIZE,
  HLL_HDR_SIZE,
  HLL_REGISTERS,
  HLL_SPARSE,
  HLL_SPARSE_MAX_BYTES,
  invalidateCache,
} from './hll-core.js'

/**
 * The sparse encoding of Redis 7.0.15's hyperloglog.c: opcodes ZERO (`00xxxxxx`, 1–64 zero
 * registers), XZERO (`01xxxxxx xxxxxxxx`, 1–16384) and VAL (`1vvvvvxx`, 1–4 registers of value
 * 1–32), updated in place as `hllSparseSet` does (split, then merge of equal VALs among the
 * next 5 opcodes), so the bytes after each PFADD are redis-server's. A set that would grow
 * the string past `hll-sparse-max-bytes` (3000), or a value over 32, turns it dense.
 */

/** An HLL being written: its bytes in `b[0, len)`, with room after them (the byte at `len` reads 0, as sds's terminator). */
export interface HllWork {
  b: Buffer
  len: number
  /** Bytes moved inside sparse strings by this command (bounded: see MAX_MOVED). */
  moved: number
}

/**
 * The most bytes one command may move inside sparse strings. Redis's own sparse strings stay
 * under 3000 bytes; one written by SET can be any length, and each update that splits or
 * merges an opcode moves what follows it: without a bound, one PFADD of many elements on a
 * crafted 200 MB string would move terabytes.
 */
export const MAX_MOVED = 1 << 30

/** The work form of a stored HLL value (a copy with room for a sparse one's growth). */
export function workOf(value: Buffer): HllWork {
  const b = Buffer.alloc(value[4] === HLL_SPARSE ? value.length + 4 : value.length)
  b.set(value)
  return { b, len: value.length, moved: 0 }
}

/** A new empty HLL, as `createHLLObject`: sparse, XZERO opcodes over every register. */
export function newHll(): HllWork {
  const b = Buffer.alloc(HLL_HDR_SIZE + 2 + 4)
  b.write('HYLL', 0, 'latin1')
  b[4] = HLL_SPARSE
  // one XZERO of 16384: (16384 - 1) >> 8 | 0x40, (16384 - 1) & 0xff
  b[HLL_HDR_SIZE] = 0x7f
  b[HLL_HDR_SIZE + 1] = 0xff
  return { b, len: HLL_HDR_SIZE + 2, moved: 0 }
}

/** The stored bytes of a work HLL: a buffer of its own, exactly its length. */
export function bytesOf(h: HllWork): Buffer {
  if (h.b.length === h.len) return h.b
  const out = Buffer.alloc(h.len)
  out.set(h.b.subarray(0, h.len))
  return out
}

/**
 * Redis's `hllSparseToDense` in place of `h`; false when the sparse opcodes do not cover
 * exactly 16384 registers. As redis-server 7.0.15 with the fix of CVE-2025-32023 (Debian's
 * 7.0.15-1~deb12u10, the reference of the tests), opcodes past the 16384th register, a VAL
 * among them, make the string corrupted (7.0.15 as released took a VAL there as the end).
 */
export function sparseToDense(h: HllWork): boolean {
  const s = h.b
  if (s[4] === HLL_DENSE) return true
  const dense = Buffer.alloc(HLL_DENSE_SIZE)
  // magic, unused bytes and cached cardinality as they were
  s.copy(dense, 0, 0, HLL_HDR_SIZE)
  dense[4] = HLL_DENSE
  let idx = 0
  for (let p = HLL_HDR_SIZE; p < h.len && idx <= HLL_REGISTERS; ) {
    const op = s[p] as number
    if ((op & 0xc0) === 0) {
      idx += (op & 0x3f) + 1
      p++
    } else if ((op & 0xc0) === 0x40) {
      idx += (((op & 0x3f) << 8) | byteAt(h, p + 1)) + 1
      p += 2
    } else {
      const run = (op & 3) + 1
      const val = ((op >> 2) & 0x1f) + 1
      if (run + idx > HLL_REGISTERS) return false
      for (let j = 0; j < run; j++) denseSet(dense, idx++, val)
      p++
    }
  }
  if (idx !== HLL_REGISTERS) return false
  h.b = dense
  h.len = HLL_DENSE_SIZE
  return true
}

/**
 * Redis's `hllSparseSet`: raises register `index` to `count` in the sparse HLL `h` (turning it
 * dense where Redis does); 1 when raised, 0 when not needed, -1 when the string is corrupted.
 */
export function sparseSet(h: HllWork, index: number, count: number): number {
  if (count > 32) return promote(h, index, count)
  room(h, 3)
  const s = h.b
  let end = h.len
  let p = HLL_HDR_SIZE
  let first = 0
  let prev = -1
  let span = 0
  while (p < end) {
    const op = s[p] as number
    let oplen = 1
    if ((op & 0xc0) === 0) span = (op & 0x3f) + 1
    else if (op & 0x80) span = (op & 3) + 1
    else {
      span = (((op & 0x3f) << 8) | byteAt(h, p + 1)) + 1
      oplen = 2
    }
    if (index <= first + span - 1) break
    prev = p
    p += oplen
    first += span
  }
  if (span === 0 || p >= end) return -1
  const op = s[p] as number
  const isXzero = (op & 0xc0) === 0x40
  let next = isXzero ? p + 2 : p + 1
  if (next >= end) next = -1
  const isZero = (op & 0xc0) === 0
  const isVal = (op & 0x80) !== 0
  const runlen = isZero ? (op & 0x3f) + 1 : isXzero ? (((op & 0x3f) << 8) | byteAt(h, p + 1)) + 1 : (op & 3) + 1
  let updated = false
  if (isVal) {
    const old = ((op >> 2) & 0x1f) + 1
    if (old >= count) return 0
    if (runlen === 1) {
      s[p] = valOp(count, 1)
      updated = true
    }
  }
  if (!updated && isZero && runlen === 1) {
    s[p] = valOp(count, 1)
    updated = true
  }
  if (!updated) {
    const seq: number[] = []
    const last = first + span - 1
    if (isZero || isXzero) {
      if (index !== first) zeros(seq, index - first)
      seq.push(valOp(count, 1))
      if (index !== last) zeros(seq, last - index)
    } else {
      const cur = ((op >> 2) & 0x1f) + 1
      if (index !== first) seq.push(valOp(cur, index - first))
      seq.push(valOp(count, 1))
      if (index !== last) seq.push(valOp(cur, last - index))
    }
    const delta = seq.length - (isXzero ? 2 : 1)
    if (delta > 0 && h.len + delta > HLL_SPARSE_MAX_BYTES) return promote(h, index, count)
    if (delta !== 0 && next >= 0) move(h, next + delta, next, end - next)
    setLen(h, h.len + delta)
    for (let j = 0; j < seq.length; j++) s[p + j] = seq[j] as number
    end += delta
  }
  // merge adjacent VALs of one value, up to 5 opcodes from the one before
  p = prev >= 0 ? prev : HLL_HDR_SIZE
  let scan = 5
  while (p < end && scan-- > 0) {
    const o = s[p] as number
    if ((o & 0xc0) === 0x40) {
      p += 2
      continue
    }
    if ((o & 0xc0) === 0) {
      p++
      continue
    }
    const o2 = s[p + 1] as number
    if (p + 1 < end && o2 & 0x80) {
      const v1 = ((o >> 2) & 0x1f) + 1
      const len = (o & 3) + (o2 & 3) + 2
      if (v1 === ((o2 >> 2) & 0x1f) + 1 && len <= 4) {
        s[p + 1] = valOp(v1, len)
        move(h, p, p + 1, end - p)
        setLen(h, h.len - 1)
        end--
        continue
      }
    }
    p++
  }
  invalidateCache(s)
  return 1
}

// --- internal ---

function byteAt(h: HllWork, i: number): number {
  return i < h.len ? (h.b[i] as number) : 0
}

function valOp(value: number, len: number): number {
  return (((value - 1) << 2) | (len - 1) | 0x80) & 0xff
}

/** A run of zero registers as one ZERO (up to 64) or XZERO opcode. */
function zeros(seq: number[], len: number): void {
  if (len > 64) seq.push(((len - 1) >> 8) | 0x40, (len - 1) & 0xff)
  else seq.push(len - 1)
}

function promote(h: HllWork, index: number, count: number): number {
  if (!sparseToDense(h)) return -1
  return denseRaise(h.b, index, count)
}

/** Makes room for `extra` bytes after `len` (and the terminator). */
function room(h: HllWork, extra: number): void {
  if (h.b.length >= h.len + extra + 1) return
  const b = Buffer.alloc(h.len + Math.max(extra + 1, h.len >> 1))
  b.set(h.b.subarray(0, h.len))
  h.b = b
}

/** memmove within the work bytes, counted against MAX_MOVED. */
function move(h: HllWork, to: number, from: number, n: number): void {
  h.moved += n
  if (h.moved > MAX_MOVED) fail(`ERR HyperLogLog update would move more than ${MAX_MOVED} bytes, this store's limit for one command`)
  h.b.copyWithin(to, from, from + n)
}

/** sdsIncrLen: the new length, with the terminator's 0 after it. */
function setLen(h: HllWork, len: number): void {
  h.len = len
  if (len < h.b.length) h.b[len] = 0
}
