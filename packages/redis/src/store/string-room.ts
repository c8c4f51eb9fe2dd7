/**
 * String values with spare room at their end, as Redis's sds strings have (`sdsMakeRoomFor`):
 * APPEND and SETRANGE past the end write into the room a previous growth left, so building a
 * value by appends costs O(bytes appended) amortised instead of a copy of the whole value per
 * call (2,000 appends of 10 KB took 196 s as copies, 2 s on redis-server).
 *
 * A grown value is a view of the start of an ArrayBuffer of its own (its room is the rest).
 * Bytes inside a value are written in place only when the store alone holds them
 * (`Keyspace.isExclusive`); otherwise only past its end: a reply (GET answers the stored
 * buffer) or an older view may still be holding them. The store counts a value's
 * room as its bytes (valueBytes in keyspace.ts): what the host holds for it.
 */

/** Redis's SDS_MAX_PREALLOC: a string under 1 MiB doubles when it grows, a longer one gains 1 MiB. */
const MAX_PREALLOC = 1024 * 1024

/** The ArrayBuffers this module made: only their ends are a value's room. */
const grown = new WeakSet<ArrayBufferLike>()

/** Bytes `value` can grow by in place. */
export function roomOf(value: Buffer): number {
  if (!grown.has(value.buffer)) return 0
  return value.buffer.byteLength - value.byteOffset - value.length
}

/** What a string value holds of the host's memory: its bytes and its room. */
export function stringBytes(value: Buffer): number {
  return value.length + roomOf(value)
}

/**
 * `before` (or nothing) with `bytes` written at `offset`, zero bytes filling any gap, as
 * SETRANGE and APPEND build it: in place when it fits in the value and its room and starts at
 * or past the end (or anywhere, when `exclusive`), otherwise into a new buffer with room.
 */
export function writeString(before: Buffer | undefined, offset: number, bytes: Uint8Array, exclusive = false): Buffer {
  const len = before?.length ?? 0
  if (before !== undefined && bytes.length === 0 && offset <= len) return before
  const end = Math.max(len, offset + bytes.length)
  // inside the value too when only the store holds its bytes (`exclusive`, keyspace.ts)
  if (before !== undefined && (offset >= len || exclusive) && roomOf(before) >= end - len) {
    const next = end === len ? before : Buffer.from(before.buffer, before.byteOffset, end)
    next.fill(0, len, offset)
    next.set(bytes, offset)
    return next
  }
  const room = Math.min(end, MAX_PREALLOC)
  const buffer = new ArrayBuffer(end + room)
  grown.add(buffer)
  const next = Buffer.from(buffer, 0, end)
  if (before !== undefined) next.set(before)
  next.set(bytes, offset)
  return next
}
