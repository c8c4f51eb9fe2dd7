/**
 * Redis 7.0.15's listpack (listpack.c), the blob DUMP writes for lists' quicklist nodes,
 * small hashes and small sorted sets: `lpAppend`'s entry encodings (a string that is the
 * text of a 64-bit integer as an integer of 7, 13, 16, 24, 32 or 64 bits, other strings with
 * a 6-, 12- or 32-bit length) each followed by its back length, a 6-byte header (total bytes,
 * element count, 65535 when unknown) and the 0xFF end. `readListpack` checks a blob as
 * `lpValidateIntegrity` with deep validation does, so a RESTORE payload cannot make it read
 * past its bytes.
 */

const INT_TEXT = /^-?[1-9][0-9]*$|^0$/
const INT64_MIN = -(1n << 63n)
const INT64_MAX = (1n << 63n) - 1n
const HEADER = 6
const EOF = 0xff
/** `LISTPACK_MAX_SAFETY_SIZE`: a listpack never grows past 1 GB. */
const MAX_SAFE = 1 << 30

/** `lpStringToInt64`: the integer a string is the exact text of (at most 20 bytes), else undefined. */
export function int64Of(s: Uint8Array): bigint | undefined {
  if (s.length === 0 || s.length > 20) return undefined
  const text = Buffer.from(s.buffer, s.byteOffset, s.length).toString('latin1')
  if (!INT_TEXT.test(text)) return undefined
  const v = BigInt(text)
  return v < INT64_MIN || v > INT64_MAX ? undefined : v
}

/** The bytes of one entry: its encoding and data (`lpEncodeGetType` + `lpEncodeString`/integer), then `lpEncodeBacklen`. */
export function listpackEntry(s: Uint8Array): Buffer {
  const body = entryBody(s)
  return Buffer.concat([body, backlen(body.length)])
}

/** A listpack of these entries (`lpNew` + `lpAppend` each, as Redis builds them). */
export function listpack(entries: readonly Buffer[]): Buffer {
  let total = HEADER + 1
  for (const e of entries) total += e.length
  const out = Buffer.allocUnsafe(total)
  out.writeUInt32LE(total, 0)
  out.writeUInt16LE(Math.min(entries.length, 0xffff), 4)
  let pos = HEADER
  for (const e of entries) {
    e.copy(out, pos)
    pos += e.length
  }
  out[pos] = EOF
  return out
}

/**
 * The elements of a listpack blob, as strings (integers as their text), or undefined when it
 * is not a valid listpack (header, entries, back lengths, count unless `checkCount` is false,
 * end byte).
 */
export function readListpack(lp: Buffer, checkCount = true): Buffer[] | undefined {
  if (lp.length < HEADER + 1 || lp.length > MAX_SAFE || lp.readUInt32LE(0) !== lp.length) return undefined
  const count = lp.readUInt16LE(4)
  const out: Buffer[] = []
  let p = HEADER
  while (p < lp.length && lp[p] !== EOF) {
    const entry = readEntry(lp, p)
    if (!entry) return undefined
    const end = entry.end
    const size = end - p
    const back = backlen(size)
    if (end + back.length > lp.length || !lp.subarray(end, end + back.length).equals(back)) return undefined
    out.push(entry.value)
    p = end + back.length
  }
  if (p !== lp.length - 1 || lp[p] !== EOF) return undefined
  if (checkCount && count !== 0xffff && count !== out.length) return undefined
  return out
}

// --- internal ---

function entryBody(s: Uint8Array): Buffer {
  const v = int64Of(s)
  if (v !== undefined) return intBody(v)
  const n = s.length
  if (n < 64) return Buffer.concat([Buffer.of(0x80 | n), s])
  if (n < 4096) return Buffer.concat([Buffer.of(0xe0 | (n >> 8), n & 0xff), s])
  const head = Buffer.alloc(5)
  head[0] = 0xf0
  head.writeUInt32LE(n, 1)
  return Buffer.concat([head, s])
}

function intBody(v: bigint): Buffer {
  const n = Number(v)
  if (v >= 0n && v <= 127n) return Buffer.of(n)
  if (v >= -4096n && v <= 4095n) {
    const u = n < 0 ? (1 << 13) + n : n
    return Buffer.of((u >> 8) | 0xc0, u & 0xff)
  }
  if (v >= -32768n && v <= 32767n) return sized(0xf1, 2, v)
  if (v >= -8388608n && v <= 8388607n) return sized(0xf2, 3, v)
  if (v >= -2147483648n && v <= 2147483647n) return sized(0xf3, 4, v)
  return sized(0xf4, 8, v)
}

function sized(tag: number, bytes: number, v: bigint): Buffer {
  const out = Buffer.alloc(bytes + 1)
  out[0] = tag
  const u = BigInt.asUintN(bytes * 8, v)
  for (let i = 0; i < bytes; i++) out[i + 1] = Number((u >> BigInt(8 * i)) & 0xffn)
  return out
}

/** `lpEncodeBacklen`: the entry's size, 7 bits a byte, written to be read from its end backwards. */
function backlen(l: number): Buffer {
  if (l <= 127) return Buffer.of(l)
  if (l < 16383) return Buffer.of(l >> 7, (l & 127) | 128)
  if (l < 2097151) return Buffer.of(l >> 14, ((l >> 7) & 127) | 128, (l & 127) | 128)
  if (l < 268435455) return Buffer.of(l >> 21, ((l >> 14) & 127) | 128, ((l >> 7) & 127) | 128, (l & 127) | 128)
  return Buffer.of(Math.floor(l / 2 ** 28), ((l >> 21) & 127) | 128, ((l >> 14) & 127) | 128, ((l >> 7) & 127) | 128, (l & 127) | 128)
}

/** One entry's value and where its back length starts, or undefined past the blob's end. */
function readEntry(lp: Buffer, p: number): { value: Buffer; end: number } | undefined {
  const limit = lp.length - 1
  const b = lp[p] as number
  const int = (bytes: number, bits: number) => {
    if (p + 1 + bytes > limit) return undefined
    let u = 0n
    for (let i = bytes - 1; i >= 0; i--) u = (u << 8n) | BigInt(lp[p + 1 + i] as number)
    return { value: Buffer.from(String(BigInt.asIntN(bits, u))), end: p + 1 + bytes }
  }
  const str = (start: number, n: number) => (start + n > limit ? undefined : { value: lp.subarray(start, start + n), end: start + n })
  if ((b & 0x80) === 0) return { value: Buffer.from(String(b)), end: p + 1 }
  if ((b & 0xc0) === 0x80) return str(p + 1, b & 0x3f)
  if ((b & 0xe0) === 0xc0) {
    if (p + 2 > limit) return undefined
    const u = ((b & 0x1f) << 8) | (lp[p + 1] as number)
    return { value: Buffer.from(String(u >= 1 << 12 ? u - (1 << 13) : u)), end: p + 2 }
  }
  if ((b & 0xf0) === 0xe0) return p + 2 > limit ? undefined : str(p + 2, ((b & 0x0f) << 8) | (lp[p + 1] as number))
  if (b === 0xf0) return p + 5 > limit ? undefined : str(p + 5, lp.readUInt32LE(p + 1))
  if (b === 0xf1) return int(2, 16)
  if (b === 0xf2) return int(3, 24)
  if (b === 0xf3) return int(4, 32)
  if (b === 0xf4) return int(8, 64)
  return undefined
}
