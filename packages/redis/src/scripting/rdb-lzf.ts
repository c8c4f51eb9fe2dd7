/**
 * LZF as Redis 7.0.15 builds it (liblzf 3.6, lzf_c.c/lzf_d.c with lzfP.h's settings: HLOG 16,
 * VERY_FAST, CHECK_INPUT), step for step, so that FUNCTION DUMP's compressed strings are
 * redis-server's bytes. One difference cannot be reproduced: Redis leaves the hash table
 * uninitialised (INIT_HTAB 0), so a slot this call has not written may hold a pointer left by
 * an earlier call, which the compressor follows when the bytes there match; here an unwritten
 * slot is empty. The output decodes to the same bytes either way.
 */

const HSIZE = 1 << 16
const MAX_LIT = 1 << 5
const MAX_OFF = 1 << 13
const MAX_REF = (1 << 8) + (1 << 3)

/** `IDX(h)` of the VERY_FAST hash, in 32-bit unsigned arithmetic as C's `unsigned int`. */
function idx(h: number): number {
  return ((h >>> 8) - Math.imul(h, 5)) & (HSIZE - 1)
}

/**
 * `lzf_compress(in, in.length, out, outLen)`: the compressed bytes, or undefined where
 * liblzf answers 0 (they would not fit in `outLen` bytes).
 */
export function lzfCompress(input: Uint8Array, outLen: number): Buffer | undefined {
  const inEnd = input.length
  if (!inEnd || !outLen) return undefined
  // slot → position + 1 (0: empty)
  const htab = new Int32Array(HSIZE)
  const out = Buffer.alloc(outLen + 8)
  let ip = 0
  let op = 0
  let lit = 0
  op++ // start run
  let hval = ((input[ip] as number) << 8) | (input[ip + 1] as number)
  while (ip < inEnd - 2) {
    hval = ((hval << 8) | (input[ip + 2] as number)) >>> 0
    const slot = idx(hval)
    const ref = (htab[slot] as number) - 1
    htab[slot] = ip + 1
    const off = ip - ref - 1
    if (
      ref >= 0 &&
      off >= 0 &&
      off < MAX_OFF &&
      ref > 0 &&
      input[ref + 2] === input[ip + 2] &&
      input[ref] === input[ip] &&
      input[ref + 1] === input[ip + 1]
    ) {
      let len = 2
      const maxlen = Math.min(inEnd - ip - len, MAX_REF)
      if (op + 3 + 1 >= outLen && op - (lit ? 0 : 1) + 3 + 1 >= outLen) return undefined
      out[op - lit - 1] = lit - 1
      op -= lit ? 0 : 1 // undo run if length is zero
      let unrolledBreak = false
      if (maxlen > 16) {
        for (let k = 0; k < 16; k++) {
          len++
          if (input[ref + len] !== input[ip + len]) {
            unrolledBreak = true
            break
          }
        }
      }
      if (!unrolledBreak) {
        do len++
        while (len < maxlen && input[ref + len] === input[ip + len])
      }
      len -= 2
      ip++
      if (len < 7) out[op++] = (off >> 8) + (len << 5)
      else {
        out[op++] = (off >> 8) + (7 << 5)
        out[op++] = len - 7
      }
      out[op++] = off & 0xff
      lit = 0
      op++ // start run
      ip += len + 1
      if (ip >= inEnd - 2) break
      ip -= 2
      hval = ((input[ip] as number) << 8) | (input[ip + 1] as number)
      hval = ((hval << 8) | (input[ip + 2] as number)) >>> 0
      htab[idx(hval)] = ip + 1
      ip++
      hval = ((hval << 8) | (input[ip + 2] as number)) >>> 0
      htab[idx(hval)] = ip + 1
      ip++
    } else {
      if (op >= outLen) return undefined
      lit++
      out[op++] = input[ip++] as number
      if (lit === MAX_LIT) {
        out[op - lit - 1] = lit - 1 // stop run
        lit = 0
        op++ // start run
      }
    }
  }
  if (op + 3 > outLen) return undefined
  while (ip < inEnd) {
    lit++
    out[op++] = input[ip++] as number
    if (lit === MAX_LIT) {
      out[op - lit - 1] = lit - 1
      lit = 0
      op++
    }
  }
  out[op - lit - 1] = lit - 1 // end run
  op -= lit ? 0 : 1
  return out.subarray(0, op)
}

/**
 * `lzf_decompress(in, in.length, out, out.length)`: the bytes written, 0 where liblzf fails
 * (so a failure decoding into an empty `out` is a success, as Redis reads it).
 */
export function lzfDecompress(input: Uint8Array, out: Buffer): number {
  const outLen = out.length
  const inEnd = input.length
  let ip = 0
  let op = 0
  while (ip < inEnd) {
    let ctrl = input[ip++] as number
    if (ctrl < 1 << 5) {
      ctrl++
      if (op + ctrl > outLen || ip + ctrl > inEnd) return 0
      out.set(input.subarray(ip, ip + ctrl), op)
      op += ctrl
      ip += ctrl
    } else {
      let len = ctrl >> 5
      let ref = op - ((ctrl & 0x1f) << 8) - 1
      if (ip >= inEnd) return 0
      if (len === 7) {
        len += input[ip++] as number
        if (ip >= inEnd) return 0
      }
      ref -= input[ip++] as number
      if (op + len + 2 > outLen || ref < 0) return 0
      // byte by byte: the areas may overlap (a run repeats itself)
      for (let n = len + 2; n > 0; n--) out[op++] = out[ref++] as number
    }
  }
  return op
}
