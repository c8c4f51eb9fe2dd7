import { ErrorReply } from '../store/replies.js'
import { lzfCompress, lzfDecompress } from './rdb-lzf.js'

/**
 * FUNCTION DUMP's payload and FUNCTION RESTORE's reading of it, as Redis 7.0.15 writes and
 * reads them (functions.c `functionDumpCommand`/`functionRestoreCommand`, rdb.c
 * `rdbSaveFunctions`/`rdbFunctionLoad`, cluster.c `verifyDumpPayload`): per library
 * RDB_OPCODE_FUNCTION2 and its code as an RDB string (LZF-compressed past 20 bytes when that
 * saves 4 bytes or more, as with `rdbcompression yes`, the default), then RDB version 10 in
 * two bytes and the CRC-64 (Jones) of all that, little endian.
 */

const RDB_VERSION = 10
const OPCODE_FUNCTION2 = 245
/** The 7.0 release candidates' format: name, engine, optional description, code. */
const OPCODE_FUNCTION = 246
/** A string longer than Redis's proto-max-bulk-len (512 MB) is not decompressed. */
const MAX_STRING = 512 * 1024 * 1024

export const PAYLOAD_WRONG = 'ERR DUMP payload version or checksum are wrong'

/** `FUNCTION DUMP`: the payload of these libraries' codes (their whole FUNCTION LOAD text). */
export function dumpPayload(codes: Iterable<Buffer>): Buffer {
  const parts: Buffer[] = []
  for (const code of codes) parts.push(Buffer.of(OPCODE_FUNCTION2), rdbString(code))
  return withFooter(parts)
}

/** The parts of a payload followed by `createDumpPayload`'s footer: RDB version 10 and the CRC-64, little endian. */
export function withFooter(parts: Buffer[]): Buffer {
  parts.push(Buffer.of(RDB_VERSION & 0xff, RDB_VERSION >> 8))
  const body = Buffer.concat(parts)
  const crc = Buffer.alloc(8)
  crc.writeBigUInt64LE(crc64(body))
  return Buffer.concat([body, crc])
}

/**
 * The library codes of a FUNCTION RESTORE payload, in order, each read as Redis reads it
 * before it creates that library; a read error ends the list (Redis creates the libraries
 * before it, and reports the first failure). An ErrorReply when the footer is wrong.
 */
export function readPayload(data: Buffer): (Buffer | ErrorReply)[] | ErrorReply {
  if (!footerValid(data)) return new ErrorReply(PAYLOAD_WRONG)
  const out: (Buffer | ErrorReply)[] = []
  const r = { data, pos: 0 }
  while (data.length - r.pos > 10) {
    const type = data[r.pos++]
    if (type !== OPCODE_FUNCTION && type !== OPCODE_FUNCTION2) {
      out.push(new ErrorReply('ERR given type is not a function'))
      return out
    }
    const code = type === OPCODE_FUNCTION2 ? readFunction2(r) : readFunction(r)
    out.push(code)
    if (code instanceof ErrorReply) return out
  }
  return out
}

/** `verifyDumpPayload`: at least the footer's 10 bytes, an RDB version up to 10, the CRC-64 of the rest. */
export function footerValid(data: Buffer): boolean {
  if (data.length < 10) return false
  const footer = data.length - 10
  if (((data[footer + 1] as number) << 8) + (data[footer] as number) > RDB_VERSION) return false
  return crc64(data.subarray(0, data.length - 8)) === data.readBigUInt64LE(data.length - 8)
}

/** The CRC-64 Redis's crc64.c computes (Jones polynomial, reflected, initial 0). */
export function crc64(bytes: Uint8Array): bigint {
  let lo = 0
  let hi = 0
  for (const b of bytes) {
    const i = (lo ^ b) & 0xff
    lo = ((CRC_LO[i] as number) ^ ((lo >>> 8) | (hi << 24))) >>> 0
    hi = ((CRC_HI[i] as number) ^ (hi >>> 8)) >>> 0
  }
  return (BigInt(hi) << 32n) | BigInt(lo)
}

// --- internal ---

const [CRC_LO, CRC_HI] = (() => {
  const poly = 0x95ac9329ac4bc9b5n // 0xad93d23594c935a9 reflected
  const lo = new Uint32Array(256)
  const hi = new Uint32Array(256)
  for (let i = 0; i < 256; i++) {
    let c = BigInt(i)
    for (let k = 0; k < 8; k++) c = c & 1n ? (c >> 1n) ^ poly : c >> 1n
    lo[i] = Number(c & 0xffffffffn)
    hi[i] = Number(c >> 32n)
  }
  return [lo, hi] as const
})()

/** `rdbSaveRawString` without its integer encoding (library code starts with `#!`): LZF past 20 bytes when it saves 4. */
export function rdbString(s: Buffer): Buffer {
  if (s.length > 20) {
    const packed = lzfCompress(s, s.length - 4)
    if (packed) return Buffer.concat([Buffer.of(0xc3), rdbLength(packed.length), rdbLength(s.length), packed])
  }
  return Buffer.concat([rdbLength(s.length), s])
}

/** `rdbSaveLen`. */
export function rdbLength(n: number): Buffer {
  if (n < 1 << 6) return Buffer.of(n)
  if (n < 1 << 14) return Buffer.of((n >> 8) | 0x40, n & 0xff)
  if (n <= 0xffffffff) {
    const b = Buffer.alloc(5)
    b[0] = 0x80
    b.writeUInt32BE(n, 1)
    return b
  }
  const b = Buffer.alloc(9)
  b[0] = 0x81
  b.writeBigUInt64BE(BigInt(n), 1)
  return b
}

export interface Reader {
  readonly data: Buffer
  pos: number
  /** Called with a compressed string's length before it is decompressed; may throw to refuse it (RESTORE's memory bound). */
  readonly admit?: (bytes: number) => void
}

/** `rdbLoadLen`: the length, whether it is an encoding, or undefined (RDB_LENERR). */
export function readLength(r: Reader): { n: number; encoded: boolean } | undefined {
  const { data } = r
  if (r.pos >= data.length) return undefined
  const b = data[r.pos++] as number
  const type = b >> 6
  if (type === 3) return { n: b & 0x3f, encoded: true }
  if (type === 0) return { n: b & 0x3f, encoded: false }
  if (type === 1) {
    if (r.pos >= data.length) return undefined
    return { n: ((b & 0x3f) << 8) | (data[r.pos++] as number), encoded: false }
  }
  const size = b === 0x80 ? 4 : b === 0x81 ? 8 : 0
  if (size === 0 || data.length - r.pos < size) return undefined
  const n = size === 4 ? data.readUInt32BE(r.pos) : Number(data.readBigUInt64BE(r.pos))
  r.pos += size
  return { n, encoded: false }
}

/** `rdbGenericLoadStringObject`, or undefined where it answers NULL. */
export function readString(r: Reader): Buffer | undefined {
  const len = readLength(r)
  if (!len) return undefined
  const { data } = r
  const take = (n: number): Buffer | undefined => {
    if (data.length - r.pos < n) return undefined
    r.pos += n
    return data.subarray(r.pos - n, r.pos)
  }
  if (!len.encoded) return take(len.n)
  if (len.n <= 2) {
    const bytes = take(1 << len.n)
    if (!bytes) return undefined
    const v = len.n === 0 ? bytes.readInt8(0) : len.n === 1 ? bytes.readInt16LE(0) : bytes.readInt32LE(0)
    return Buffer.from(String(v))
  }
  if (len.n !== 3) return undefined
  const clen = readLength(r)
  const ulen = clen && readLength(r)
  if (!clen || !ulen) return undefined
  const packed = take(clen.n)
  // each 3 bytes of LZF make at most 264: a longer claim cannot decompress
  if (!packed || ulen.n > MAX_STRING || ulen.n > packed.length * 88) return undefined
  r.admit?.(ulen.n)
  const out = Buffer.alloc(ulen.n)
  return lzfDecompress(packed, out) === ulen.n ? out : undefined
}

function readFunction2(r: Reader): Buffer | ErrorReply {
  return readString(r) ?? new ErrorReply('ERR Failed loading library payload')
}

/** The 7.0 release candidates' record, made a payload as `rdbFunctionLoad` does (`%s`: each part ends at a NUL). */
function readFunction(r: Reader): Buffer | ErrorReply {
  const name = readString(r)
  if (!name) return new ErrorReply('ERR Failed loading library name')
  const engine = readString(r)
  if (!engine) return new ErrorReply('ERR Failed loading engine name')
  const hasDesc = readLength(r)
  if (!hasDesc) return new ErrorReply('ERR Failed loading library description indicator')
  if (hasDesc.n !== 0 && !readString(r)) return new ErrorReply('ERR Failed loading library description')
  const blob = readString(r)
  if (!blob) return new ErrorReply('ERR Failed loading library blob')
  const c = (b: Buffer) => {
    const nul = b.indexOf(0)
    return nul < 0 ? b : b.subarray(0, nul)
  }
  return Buffer.concat([Buffer.from('#!'), c(engine), Buffer.from(' name='), c(name), Buffer.from('\n'), c(blob)])
}
