import { rdbLength, rdbString } from '../scripting/function-dump.js'
import type { RedisValue } from '../store/keyspace.js'
import { formatDouble } from '../store/replies.js'
import type { SortedSet } from '../store/sorted-set.js'
import type { HashValue, SetValue } from '../store/store-usage.js'
import { isListpackHash } from './collection-scans.js'
import { int64Of, listpack, listpackEntry } from './listpack.js'
import { saveStream } from './rdb-stream.js'
import { isIntset } from './sets.js'

/**
 * DUMP's body: a value as Redis 7.0.15's `rdbSaveObjectType` + `rdbSaveObject` write it for
 * RDB version 10, with the encodings redis-server holds it in (object-encoding.ts): strings
 * (`rdbSaveRawString`: a text of a 32-bit integer of up to 11 bytes as an integer, LZF past
 * 20 bytes when that saves 4), lists as a quicklist of 8 KB listpack nodes, sets as an intset
 * or a table, hashes and sorted sets as a listpack or a table / skiplist.
 *
 * An intset is as wide as the widest member added since the set was made needed
 * (SetValue.intsetWidth), as Redis's. What this store does not keep of Redis's layout: a
 * list's nodes are packed from its head as RPUSH fills them (a list built otherwise may be
 * split elsewhere on redis-server once it outgrows one node); table-encoded sets and hashes
 * are written in this store's order (Redis's follows its hash table). Each of these reads
 * back as the same value.
 */

export const RDB_TYPE = {
  string: 0,
  list: 1,
  set: 2,
  zset: 3,
  hash: 4,
  zset2: 5,
  setIntset: 11,
  hashListpack: 16,
  zsetListpack: 17,
  listQuicklist2: 18,
} as const

/** `quicklist-packed` node container, as `rdbSaveObject` writes it. */
export const QUICKLIST_PACKED = 2
/** list-max-listpack-size -2: a node's listpack stops at 8 KB. */
const NODE_MAX_BYTES = 8192
const SIZE_ESTIMATE_OVERHEAD = 8

/** The type byte and object of a DUMP payload (without its footer). */
export function saveObject(v: RedisValue): Buffer[] {
  switch (v.type) {
    case 'string':
      return [Buffer.of(RDB_TYPE.string), rawString(v.value)]
    case 'list':
      return saveList(v.value)
    case 'set':
      return saveSet(v.value)
    case 'hash':
      return saveHash(v.value)
    case 'zset':
      return saveZset(v.value)
    case 'stream':
      return saveStream(v.value)
  }
}

/** `rdbSaveRawString`: a text of a 32-bit integer of up to 11 bytes as that integer, else `rdbString`. */
export function rawString(s: Buffer): Buffer {
  if (s.length <= 11) {
    const v = int64Of(s)
    if (v !== undefined) {
      const n = Number(v)
      if (n >= -128 && n <= 127) return Buffer.of(0xc0, n & 0xff)
      if (n >= -32768 && n <= 32767) {
        const b = Buffer.of(0xc1, 0, 0)
        b.writeInt16LE(n, 1)
        return b
      }
      if (n >= -2147483648 && n <= 2147483647) {
        const b = Buffer.of(0xc2, 0, 0, 0, 0)
        b.writeInt32LE(n, 1)
        return b
      }
    }
  }
  return rdbString(s)
}

// --- internal ---

function saveList(items: Iterable<Buffer>): Buffer[] {
  const nodes: Buffer[][] = []
  let node: Buffer[] | undefined
  let nodeBytes = 0
  for (const item of items) {
    // `_quicklistNodeAllowInsert`: the node's bytes plus the element and SIZE_ESTIMATE_OVERHEAD
    if (!node || nodeBytes + item.length + SIZE_ESTIMATE_OVERHEAD > NODE_MAX_BYTES) {
      node = []
      nodes.push(node)
      nodeBytes = 7
    }
    const entry = listpackEntry(item)
    node.push(entry)
    nodeBytes += entry.length
  }
  const out = [Buffer.of(RDB_TYPE.listQuicklist2), rdbLength(nodes.length)]
  for (const n of nodes) out.push(rdbLength(QUICKLIST_PACKED), rawString(listpack(n)))
  return out
}

function saveSet(members: SetValue): Buffer[] {
  if (isIntset(members)) return [Buffer.of(RDB_TYPE.setIntset), rawString(intset([...members].map(BigInt), members.intsetWidth))]
  const out = [Buffer.of(RDB_TYPE.set), rdbLength(members.size)]
  for (const m of members) out.push(rawString(Buffer.from(m, 'latin1')))
  return out
}

/** An intset blob: width (2, 4 or 8 bytes: at least `least`), count, the members sorted, little endian. */
function intset(values: bigint[], least: number): Buffer {
  values.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
  const fits = (bits: bigint) => values.every((v) => v >= -(1n << (bits - 1n)) && v < 1n << (bits - 1n))
  const width = Math.max(least, fits(16n) ? 2 : fits(32n) ? 4 : 8)
  const out = Buffer.alloc(8 + width * values.length)
  out.writeUInt32LE(width, 0)
  out.writeUInt32LE(values.length, 4)
  values.forEach((v, i) => {
    const at = 8 + i * width
    if (width === 2) out.writeInt16LE(Number(v), at)
    else if (width === 4) out.writeInt32LE(Number(v), at)
    else out.writeBigInt64LE(v, at)
  })
  return out
}

function saveHash(h: HashValue): Buffer[] {
  if (isListpackHash(h)) {
    const entries: Buffer[] = []
    for (const [f, v] of h) entries.push(listpackEntry(Buffer.from(f, 'latin1')), listpackEntry(v))
    return [Buffer.of(RDB_TYPE.hashListpack), rawString(listpack(entries))]
  }
  const out = [Buffer.of(RDB_TYPE.hash), rdbLength(h.size)]
  for (const [f, v] of h) out.push(rawString(Buffer.from(f, 'latin1')), rawString(v))
  return out
}

function saveZset(z: SortedSet): Buffer[] {
  const entries = z.entries()
  if (z.listpack) {
    const parts: Buffer[] = []
    // `zzlInsertAt`: the score as `d2string` writes it, which the listpack stores as an integer when it reads as one
    for (const e of entries)
      parts.push(listpackEntry(Buffer.from(e.member, 'latin1')), listpackEntry(Buffer.from(d2string(e.score), 'latin1')))
    return [Buffer.of(RDB_TYPE.zsetListpack), rawString(listpack(parts))]
  }
  // from the greatest to the smallest, as the skiplist is walked from its tail
  const out = [Buffer.of(RDB_TYPE.zset2), rdbLength(entries.length)]
  for (let i = entries.length - 1; i >= 0; i--) {
    const e = entries[i] as { member: string; score: number }
    const score = Buffer.alloc(8)
    score.writeDoubleLE(e.score)
    out.push(rawString(Buffer.from(e.member, 'latin1')), score)
  }
  return out
}

/**
 * Redis 7.0.15's `d2string`: an integral value within ±2^62 (`double2ll`: between
 * `(double)(-LLONG_MAX/2)` and `(double)(LLONG_MAX/2)`, both 2^62 once rounded) as an integer,
 * so 1e17 is `100000000000000000`, not `%.17g`'s `1e+17`; zero keeps its sign; else `%.17g`.
 */
function d2string(d: number): string {
  return d !== 0 && Number.isInteger(d) && Math.abs(d) <= 2 ** 62 ? BigInt(d).toString() : formatDouble(d)
}
