import { parseBigInt } from '../store/args.js'
import type { Keyspace, RedisValue, StringForm } from '../store/keyspace.js'
import { ERR, fail } from '../store/replies.js'
import { entryBytes } from '../store/store-usage.js'
import { writeString } from '../store/string-room.js'
import { PROTO_MAX_BULK_LEN } from './strings.js'

/**
 * What SETBIT and BITFIELD share, as Redis 7.0's bitops.c has it: the bit offset argument
 * (`getBitOffsetFromArgument`) and the string a write works on (`lookupStringForBitCommand`),
 * grown with zero bytes up to the byte the write reaches.
 *
 * A write goes in place when only the store holds the value's bytes (`Keyspace.isExclusive`:
 * no reply, script, view or other key has seen them since they were made); otherwise the
 * value is copied once before its first write inside it, and the copy is then the store's
 * alone, so a run of SETBITs on a big value costs O(1) each after the first, as in Redis.
 */

export const OFFSET_ERR = 'ERR bit offset is not an integer or out of range'

const MAX_BYTES = BigInt(PROTO_MAX_BULK_LEN)
const HASH = 0x23

/**
 * A bit offset: an integer from 0 to below 512 MB of bits (`proto-max-bulk-len` bytes);
 * with `bits` (BITFIELD's type width), `#n` is the n-th field of that width, the product
 * wrapping at 64 bits as Redis's `long long` multiplication does.
 */
export function bitOffset(a: Buffer, bits = 0): bigint {
  const hash = bits > 0 && a[0] === HASH
  let n = parseBigInt(hash ? a.subarray(1) : a, OFFSET_ERR)
  if (hash) n = BigInt.asIntN(64, n * BigInt(bits))
  if (n < 0n || n >> 3n >= MAX_BYTES) fail(OFFSET_ERR)
  return n
}

/** A string value being written by a bit command. */
export interface BitTarget {
  /** The value's bytes, at least as long as the write reaches. */
  bytes: Buffer
  /** Bytes before this index may be shared with the stored value: copied before a write there. */
  shared: number
  /** Created or grown: Redis signals the key modified whatever the bits written. */
  readonly dirty: boolean
  /** The stored entry, undefined when the key was missing. */
  readonly entry: RedisValue | undefined
}

/**
 * Redis's `lookupStringForBitCommand`: the string at `key` (WRONGTYPE for another type),
 * created or zero-padded to `length` bytes. The growth is admitted against the store's
 * `maxBytes` first (keyspace.ts `admit`), so an offset near 2^32 never allocates 512 MB past it.
 */
export function bitTarget(ks: Keyspace, key: string, length: number): BitTarget {
  const entry = ks.getUnshared(key)
  if (entry === undefined) {
    ks.admit(entryBytes(key, length))
    return { bytes: Buffer.alloc(length), shared: 0, dirty: true, entry }
  }
  if (entry.type !== 'string') fail(ERR.wrongType)
  const before = entry.value
  const shared = ks.isExclusive(before) ? 0 : before.length
  if (length <= before.length) return { bytes: before, shared, dirty: false, entry }
  ks.admit(length - before.length)
  const bytes = writeString(before, length - 1, ZERO)
  // grown into a new buffer, nothing else holds any of it
  return { bytes, shared: bytes.buffer === before.buffer ? shared : 0, dirty: true, entry }
}

/** Writes `byte` at `index` of the target, copying a shared value first. */
export function writeByte(t: BitTarget, index: number, byte: number): void {
  if (index < t.shared) {
    const copy = Buffer.alloc(t.bytes.length)
    copy.set(t.bytes)
    t.bytes = copy
    t.shared = 0
  }
  t.bytes[index] = byte
}

/**
 * Stores the target's bytes (raw, as Redis's `dbUnshareStringValue` leaves them, the TTL
 * kept) when `changed`, created or grown; otherwise leaves the entry as it is, only marking
 * it raw. A key created or grown with no bit changed (every write of a BITFIELD failed
 * under OVERFLOW FAIL) is stored without a WATCH signal, as Redis does. A new entry object
 * for each change is what WATCH sees of a write in place (key-watch.ts).
 */
export function storeTarget(ks: Keyspace, key: string, t: BitTarget, changed: boolean): void {
  if (changed || t.entry?.value !== t.bytes) {
    ks.set(key, { type: 'string', value: t.bytes, form: 'raw' }, true)
    if (!changed) ks.unsignalled.set(key, t.entry)
  } else (t.entry as { form?: StringForm }).form = 'raw'
  // after `set`, whose lookup of the old entry counts as a hand-out
  if (t.shared === 0) ks.markExclusive(t.bytes)
}

/** The string at `key` for reading (WRONGTYPE for another type), undefined when missing. */
export function readBits(ks: Keyspace, key: string): Buffer | undefined {
  const v = ks.getUnshared(key)
  if (v !== undefined && v.type !== 'string') fail(ERR.wrongType)
  return v?.value
}

// --- internal ---

const ZERO = new Uint8Array(1)
