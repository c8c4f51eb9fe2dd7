/**
 * The ziplist and zipmap blobs of older RDB records, which Redis 7.0.15 still loads (converting
 * them to listpacks): `ziplistValidateIntegrity` with deep validation (Redis always validates
 * these deeply, whatever `sanitize-dump-payload` says) and `zipmapValidateIntegrity`, each
 * answering the elements as strings (integers as their text), or undefined where Redis refuses
 * the blob.
 *
 * A ziplist: total bytes, the last entry's offset (32-bit little endian each), the entry count
 * (16-bit, 65535 when unknown), then each entry as the previous entry's size (1 byte, or 0xFE and
 * 4 bytes), its encoding (a 6-, 14- or 32-bit string length, or a 16-, 32-, 64-, 24- or 8-bit
 * integer, or 0–12 in the encoding byte itself) and its data, then 0xFF. A zipmap: a count
 * byte (254: unknown), then per pair the field's length (1 byte below 254, else 5), the field,
 * the value's length, a free-space byte, the value and that many bytes of free space, then 0xFF.
 */

const ZIP_END = 0xff
const HEADER = 10
const BIG_PREVLEN = 254

/** The elements of a ziplist, or undefined when Redis's deep check refuses it. */
export function readZiplist(zl: Buffer): Buffer[] | undefined {
  const size = zl.length
  if (size < HEADER + 1 || zl.readUInt32LE(0) !== size || zl[size - 1] !== ZIP_END) return undefined
  const tail = zl.readUInt32LE(4)
  if (tail > size - 1) return undefined
  const out: Buffer[] = []
  let p = HEADER
  let prev = -1
  let prevSize = 0
  while (zl[p] !== ZIP_END) {
    const e = entryAt(zl, p)
    if (!e || e.prevSize !== prevSize) return undefined
    out.push(e.value)
    prevSize = e.end - p
    prev = p
    p = e.end
  }
  if (p !== size - 1 || (prev >= 0 && prev !== tail)) return undefined
  const count = zl.readUInt16LE(8)
  if (count !== 0xffff && count !== out.length) return undefined
  return out
}

/** A zipmap's fields and values, alternating, or undefined when Redis's check refuses it. */
export function readZipmap(zm: Buffer): Buffer[] | undefined {
  const size = zm.length
  if (size < 2 || zm[size - 1] !== ZIP_END) return undefined
  // `OUT_OF_RANGE`: before the first entry or past the end byte
  const out = (at: number) => at < 2 || at > size - 1
  const length = (at: number) => {
    const b = zm[at] as number
    return b < BIG_PREVLEN ? { n: b, size: 1 } : { n: zm.readUInt32LE(at + 1), size: 5 }
  }
  const items: Buffer[] = []
  let p = 1
  while (zm[p] !== ZIP_END) {
    if (out((zm[p] as number) < BIG_PREVLEN ? p + 1 : p + 5)) return undefined
    const field = length(p)
    p += field.size
    if (out(p + field.n)) return undefined
    items.push(zm.subarray(p, p + field.n))
    p += field.n
    if (out((zm[p] as number) < BIG_PREVLEN ? p + 1 : p + 5)) return undefined
    const value = length(p)
    p += value.size
    const free = zm[p++] as number
    if (out(p + value.n + free)) return undefined
    items.push(zm.subarray(p, p + value.n))
    p += value.n + free
  }
  const count = items.length / 2
  if (count === 0 || (zm[0] !== BIG_PREVLEN && zm[0] !== count)) return undefined
  return items
}

// --- internal ---

/** `zipEntrySafe` with the previous length checked: the entry at `p`, or undefined past the blob. */
function entryAt(zl: Buffer, p: number): { prevSize: number; value: Buffer; end: number } | undefined {
  const limit = zl.length - 1
  if (p + 1 > limit) return undefined
  let prevSize = zl[p] as number
  let q = p + 1
  if (prevSize >= BIG_PREVLEN) {
    if (p + 5 > limit) return undefined
    prevSize = zl.readUInt32LE(p + 1)
    q = p + 5
  }
  if (q >= limit) return undefined
  const enc = zl[q] as number
  const str = (head: number, n: number) => {
    const start = q + head
    return start + n > limit ? undefined : { prevSize, value: zl.subarray(start, start + n), end: start + n }
  }
  const int = (bytes: number, read: (at: number) => number | bigint) =>
    q + 1 + bytes > limit ? undefined : { prevSize, value: Buffer.from(String(read(q + 1))), end: q + 1 + bytes }
  switch (enc >> 6) {
    case 0:
      return str(1, enc & 0x3f)
    case 1:
      return q + 2 > limit ? undefined : str(2, ((enc & 0x3f) << 8) | (zl[q + 1] as number))
    case 2:
      // any 10xxxxxx byte is the 32-bit length's (`ZIP_ENTRY_ENCODING` masks the rest)
      return q + 5 > limit ? undefined : str(5, zl.readUInt32BE(q + 1))
  }
  if (enc === 0xc0) return int(2, (at) => zl.readInt16LE(at))
  if (enc === 0xd0) return int(4, (at) => zl.readInt32LE(at))
  if (enc === 0xe0) return int(8, (at) => zl.readBigInt64LE(at))
  if (enc === 0xf0) return int(3, (at) => zl.readIntLE(at, 3))
  if (enc === 0xfe) return int(1, (at) => zl.readInt8(at))
  if (enc >= 0xf1 && enc <= 0xfd) return { prevSize, value: Buffer.from(String((enc & 0x0f) - 1)), end: q + 1 }
  return undefined
}
