import type { StreamId } from './stream-id.js'

/** Redis 7.0's defaults: `stream-node-max-entries` and `stream-node-max-bytes`. */
const NODE_ENTRIES = 100
const NODE_BYTES = 4096
/** A listpack's header (total bytes, element count) and end byte. */
const LP_HEADER_AND_END = 7
const INT_RE = /^-?[1-9][0-9]*$|^0$/
const INT32_MIN = -(2n ** 31n)
const INT32_MAX = 2n ** 31n - 1n
const INT64_MIN = -(2n ** 63n)
const INT64_MAX = 2n ** 63n - 1n

/**
 * One of Redis's stream nodes, a listpack: it takes entries until it has held NODE_ENTRIES
 * (deleted ones count) or until the next entry's fields and values, added to its size in
 * bytes, reach NODE_BYTES (`streamAppendItem`); approximate trimming removes whole nodes.
 * Its size is the listpack's, byte for byte: the master entry (count, deleted, the first
 * entry's field names), then per entry its flags, ID deltas from the first entry, the field
 * names unless they are the master's, the values and the element count, each element
 * encoded as listpack encodes it (text that reads as a 64-bit integer as an integer).
 */
/** One stream entry; `deleted` once XDEL or an exact trim marked it so in its node. */
export interface StreamEntry {
  readonly id: StreamId
  readonly fields: readonly Buffer[]
  readonly node: StreamNode
  deleted?: boolean
}

export interface StreamNode {
  /** Entries ever appended here, deleted ones included. */
  slots: number
  /** Entries not deleted. */
  live: number
  /** ID of the last entry appended here (deleted or not), what MINID compares. */
  lastId: StreamId
  /** ID of the first entry appended here: the node's key, which entry IDs are stored relative to. */
  readonly masterId: StreamId
  /** The field names of the first entry appended here. */
  readonly masterFields: readonly Buffer[]
  /** The listpack's size in bytes. */
  bytes: number
  /**
   * The entries appended here in order, deleted ones included: Redis's listpack keeps a
   * deleted entry's bytes (flagged) until the node goes, and DUMP writes them (rdb-stream.ts).
   * A node holds at most 100 entries and about 4 KB, so what it keeps of deleted ones is bounded.
   */
  records: StreamEntry[]
}

/** A node for an entry that does not fit the tail node (`fields`: names and values, alternating). */
export function newNode(id: StreamId, fields: readonly Buffer[]): StreamNode {
  const masterFields = fields.filter((_, i) => i % 2 === 0)
  // count (written as 0 here, replaced by 1 when the entry goes in: the same size), deleted, the names, 0
  let bytes = LP_HEADER_AND_END + intElement(0) + intElement(0) + intElement(masterFields.length) + intElement(0)
  for (const f of masterFields) bytes += textElement(f)
  return { slots: 0, live: 0, lastId: id, masterId: id, masterFields, bytes, records: [] }
}

/** Whether Redis appends an entry with these fields and values to `node` rather than opening another. */
export function fits(node: StreamNode, fields: readonly Buffer[]): boolean {
  if (node.slots >= NODE_ENTRIES) return false
  let total = 0
  for (const f of fields) total += f.length
  return node.bytes + total < NODE_BYTES
}

/** Counts an entry appended to its node. */
export function addToNode(entry: StreamEntry): void {
  const { node, id, fields } = entry
  node.records.push(entry)
  const pairs = fields.length / 2
  const same = sameFields(node, fields)
  let bytes = intElement(node.live + 1) - intElement(node.live)
  bytes += intElement(same ? 2 : 0)
  bytes += intElement(id.ms - node.masterId.ms)
  bytes += intElement(BigInt.asIntN(64, id.seq - node.masterId.seq))
  if (!same) bytes += intElement(pairs)
  for (let i = 0; i < fields.length; i++) if (!same || i % 2 === 1) bytes += textElement(fields[i] as Buffer)
  bytes += intElement(same ? pairs + 3 : 2 * pairs + 4)
  node.bytes += bytes
  node.slots++
  node.live++
  node.lastId = id
}

/** Counts an entry of `node` marked deleted (XDEL, an exact trim): count down, deleted up, its bytes stay. */
export function deleteInNode(node: StreamNode, n = 1): void {
  const deleted = node.slots - node.live
  node.bytes += intElement(node.live - n) - intElement(node.live) + intElement(deleted + n) - intElement(deleted)
  node.live -= n
}

/** Whether an entry's field names are the node's master entry's (Redis's STREAM_ITEM_FLAG_SAMEFIELDS). */
export function sameFields(node: StreamNode, fields: readonly Buffer[]): boolean {
  return fields.length / 2 === node.masterFields.length && node.masterFields.every((f, i) => f.equals(fields[i * 2] as Buffer))
}

// --- internal ---

/** An integer element's size: its encoding (`lpEncodeIntegerGetType`) and back length. */
function intElement(v: number | bigint): number {
  const n = typeof v === 'bigint' ? (v >= INT32_MIN && v <= INT32_MAX ? Number(v) : Number.POSITIVE_INFINITY) : v
  const enc =
    n >= 0 && n <= 127
      ? 1
      : n >= -4096 && n <= 4095
        ? 2
        : n >= -32768 && n <= 32767
          ? 3
          : n >= -8388608 && n <= 8388607
            ? 4
            : n >= -2147483648 && n <= 2147483647
              ? 5
              : 9
  return enc + 1
}

/** A text element's size: as an integer when it reads as one (`lpStringToInt64`), else its length header and bytes. */
function textElement(b: Buffer): number {
  // only text starting with '-' or a digit can read as an integer: no string made for the rest
  const c = b[0] as number
  if (b.length > 0 && b.length <= 20 && (c === 45 || (c >= 48 && c <= 57))) {
    const s = b.toString('latin1')
    if (INT_RE.test(s)) {
      // up to 15 digits Number reads exactly; longer ones within 64 bits through a BigInt
      if (s.length <= 15) return intElement(Number(s))
      const v = BigInt(s)
      if (v >= INT64_MIN && v <= INT64_MAX) return intElement(v)
    }
  }
  const len = b.length
  const enc = len < 64 ? 1 + len : len < 4096 ? 2 + len : 5 + len
  return enc + (enc <= 127 ? 1 : enc < 16383 ? 2 : enc < 2097151 ? 3 : enc < 268435455 ? 4 : 5)
}
