// Over 250 lines: a stream record's writing and reading (nodes, metadata, groups) are one format, kept side by side
import { type Reader, rdbString, readString } from '../scripting/function-dump.js'
import type { RedisValue } from '../store/keyspace.js'
import { ownedBytes } from '../store/owned-bytes.js'
import { elementBytes, OVERHEAD } from '../store/store-usage.js'
import { Stream } from '../store/stream.js'
import { addNack, type Consumer, createConsumer, createGroup, inByteOrder, type Nack } from '../store/stream-group.js'
import { compareIds, type StreamId } from '../store/stream-id.js'
import { estimateEntriesRead } from '../store/stream-lag.js'
import { sameFields, type StreamEntry, type StreamNode } from '../store/stream-node.js'
import { int64Of, listpack, listpackEntry, readListpack } from './listpack.js'

/**
 * A stream's DUMP record as Redis 7.0.15's `rdbSaveObject` writes RDB_TYPE_STREAM_LISTPACKS_2,
 * and RESTORE's reading of it (and of RDB_TYPE_STREAM_LISTPACKS, the 6.x record) as
 * `rdbLoadObject` reads it with `sanitize-dump-payload yes`
 * (`streamValidateListpackIntegrity` deep). The record: the nodes of the radix tree in order,
 * each its master ID as a 16-byte big-endian key and its listpack (the master entry: live
 * count, deleted count, the first entry's field names, 0; then every entry appended, deleted
 * ones flagged: flags, ID deltas from the master ID, the field names unless the master's, the
 * values, the entry's element count); the length, last ID, first ID, largest deleted ID and
 * entries added; the groups in name order (name, last ID, entries read, the PEL as raw IDs
 * with delivery time and count, the consumers in name order with their seen time and the
 * raw IDs of their PEL).
 *
 * Redis loads some payloads its own commands could never write (entries out of ID order, a
 * length or last ID that disagrees with the entries, a pending entry claimed by two
 * consumers); the store's stream cannot hold such a state, so they answer `ERR Bad data
 * format` here (README, Deviations).
 */

export const RDB_STREAM = { listpacks: 15, listpacks2: 19 } as const

const FLAG_DELETED = 1
const FLAG_SAMEFIELDS = 2

/** The type byte and record of a stream. */
export function saveStream(s: Stream): Buffer[] {
  const nodes = s.nodeList
  const out = [Buffer.of(RDB_STREAM.listpacks2), len64(BigInt(nodes.length))]
  for (const node of nodes) out.push(rdbString(idKey(node.masterId)), rdbString(nodeListpack(node)))
  out.push(len64(BigInt(s.size)), ...ids(s.lastId, s.firstId, s.maxDeletedId), len64(s.entriesAdded))
  const groups = inByteOrder(s.groups)
  out.push(len64(BigInt(groups.length)))
  for (const [name, g] of groups) {
    out.push(rawName(name), ...ids(g.lastId), len64(BigInt.asUintN(64, g.entriesRead)), len64(BigInt(g.pel.size)))
    for (const [id, n] of g.pel.from()) out.push(idKey(id), msTime(n.deliveryTime), len64(BigInt.asUintN(64, n.deliveryCount)))
    const consumers = inByteOrder(g.consumers)
    out.push(len64(BigInt(consumers.length)))
    for (const [cname, c] of consumers) {
      out.push(rawName(cname), msTime(c.seenTime), len64(BigInt(c.pel.size)))
      for (const [id] of c.pel.from()) out.push(idKey(id))
    }
  }
  return out
}

/** A stream record (after its type byte), or undefined where Redis refuses it or the store could not hold it. */
export function loadStream(type: number, r: Reader, charge: (bytes: number) => void): RedisValue | undefined {
  const s = new Stream()
  const count = readLen64(r)
  if (count === undefined) return undefined
  const nodes: StreamNode[] = []
  for (let i = 0n; i < count; i++) {
    const key = readString(r)
    if (key?.length !== 16) return undefined
    const lp = readString(r)
    const node = lp && readNode(keyId(key), lp, charge)
    if (!node) return undefined
    const prev = nodes[nodes.length - 1]
    // Redis refuses a repeated key; the store needs the nodes and their entries in ID order
    if (prev && compareIds(prev.lastId, node.masterId) >= 0) return undefined
    nodes.push(node)
  }
  s.setNodes(nodes)
  const length = readLen64(r)
  const lastId = readId(r)
  if (length === undefined || !lastId) return undefined
  const last = nodes[nodes.length - 1]?.lastId
  if (length !== BigInt(s.size) || (last && compareIds(last, lastId) > 0)) return undefined
  s.lastId = lastId
  if (type === RDB_STREAM.listpacks2) {
    const firstId = readId(r)
    const maxDeleted = readId(r)
    const added = readLen64(r)
    if (!firstId || !maxDeleted || added === undefined || compareIds(firstId, s.firstId) !== 0) return undefined
    s.maxDeletedId = maxDeleted
    s.entriesAdded = added
  } else s.entriesAdded = BigInt(s.size)
  return loadGroups(type, r, s) ? { type: 'stream', value: s } : undefined
}

// --- internal ---

/** `rdbSaveLen` of a 64-bit value. */
function len64(n: bigint): Buffer {
  if (n < 1n << 6n) return Buffer.of(Number(n))
  if (n < 1n << 14n) return Buffer.of(Number(n >> 8n) | 0x40, Number(n & 0xffn))
  if (n <= 0xffffffffn) {
    const b = Buffer.alloc(5)
    b[0] = 0x80
    b.writeUInt32BE(Number(n), 1)
    return b
  }
  const b = Buffer.alloc(9)
  b[0] = 0x81
  b.writeBigUInt64BE(n, 1)
  return b
}

/** `rdbLoadLen(rdb, NULL)` as a 64-bit value; undefined past the payload or for a bad length byte (RDB_LENERR). */
function readLen64(r: Reader): bigint | undefined {
  const { data } = r
  const b = data[r.pos++]
  if (b === undefined) return undefined
  const type = b >> 6
  if (type === 0 || type === 3) return BigInt(b & 0x3f)
  if (type === 1) {
    const lo = data[r.pos++]
    return lo === undefined ? undefined : BigInt(((b & 0x3f) << 8) | lo)
  }
  const size = b === 0x80 ? 4 : b === 0x81 ? 8 : 0
  if (size === 0 || data.length - r.pos < size) return undefined
  r.pos += size
  return size === 4 ? BigInt(data.readUInt32BE(r.pos - 4)) : data.readBigUInt64BE(r.pos - 8)
}

function ids(...list: StreamId[]): Buffer[] {
  return list.flatMap((id) => [len64(id.ms), len64(id.seq)])
}

function readId(r: Reader): StreamId | undefined {
  const ms = readLen64(r)
  const seq = ms === undefined ? undefined : readLen64(r)
  return seq === undefined ? undefined : { ms: ms as bigint, seq }
}

/** `streamEncodeID`: ms and seq, 64 bits each, big endian (the radix trees' keys). */
function idKey(id: StreamId): Buffer {
  const b = Buffer.alloc(16)
  b.writeBigUInt64BE(id.ms, 0)
  b.writeBigUInt64BE(id.seq, 8)
  return b
}

function keyId(b: Buffer): StreamId {
  return { ms: b.readBigUInt64BE(0), seq: b.readBigUInt64BE(8) }
}

/** `rdbSaveMillisecondTime`: 8 bytes, little endian. */
function msTime(t: number): Buffer {
  const b = Buffer.alloc(8)
  b.writeBigInt64LE(BigInt(Math.trunc(t)))
  return b
}

/** `rdbLoadMillisecondTime`; undefined past the payload or beyond what a JS number holds exactly. */
function readMsTime(r: Reader): number | undefined {
  if (r.data.length - r.pos < 8) return undefined
  r.pos += 8
  const t = r.data.readBigInt64LE(r.pos - 8)
  return t > BigInt(Number.MAX_SAFE_INTEGER) || t < BigInt(Number.MIN_SAFE_INTEGER) ? undefined : Number(t)
}

/** A group's or consumer's name as `rdbSaveRawString` writes its bytes. */
function rawName(name: string): Buffer {
  const b = Buffer.from(name, 'latin1')
  // `rdbSaveRawString`: an integer text of up to 11 bytes as that integer
  const v = b.length <= 11 ? int64Of(b) : undefined
  if (v !== undefined && v >= -2147483648n && v <= 2147483647n) {
    const n = Number(v)
    if (n >= -128 && n <= 127) return Buffer.of(0xc0, n & 0xff)
    const w = n >= -32768 && n <= 32767 ? 2 : 4
    const out = Buffer.alloc(1 + w)
    out[0] = w === 2 ? 0xc1 : 0xc2
    if (w === 2) out.writeInt16LE(n, 1)
    else out.writeInt32LE(n, 1)
    return out
  }
  return rdbString(b)
}

const int = (v: bigint | number): Buffer => listpackEntry(Buffer.from(String(v)))

/** The node's listpack, as `streamAppendItem` built it and XDEL / trimming flagged it. */
function nodeListpack(node: StreamNode): Buffer {
  const parts = [int(node.live), int(node.slots - node.live), int(node.masterFields.length)]
  for (const f of node.masterFields) parts.push(listpackEntry(f))
  parts.push(int(0))
  for (const e of node.records) {
    const same = sameFields(node, e.fields)
    const pairs = e.fields.length / 2
    parts.push(int((e.deleted ? FLAG_DELETED : 0) | (same ? FLAG_SAMEFIELDS : 0)))
    parts.push(int(BigInt.asIntN(64, e.id.ms - node.masterId.ms)), int(BigInt.asIntN(64, e.id.seq - node.masterId.seq)))
    if (!same) parts.push(int(pairs))
    e.fields.forEach((f, i) => {
      if (!same || i % 2 === 1) parts.push(listpackEntry(f))
    })
    parts.push(int(same ? pairs + 3 : 2 * pairs + 4))
  }
  return listpack(parts)
}

/**
 * A node's listpack checked as `streamValidateListpackIntegrity` (deep) checks it, read into
 * the store's node: its entries' IDs must ascend, and its counts agree with the entries' flags.
 */
function readNode(master: StreamId, lp: Buffer, charge: (bytes: number) => void): StreamNode | undefined {
  // the stream's listpack header count is not checked (`lpValidateIntegrity` shallow)
  const items = readListpack(lp, false)
  if (!items || items.length === 0) return undefined
  let p = 0
  const next = () => items[p++]
  const nextInt = (): bigint | undefined => {
    const b = next()
    return b && int64Of(b)
  }
  const live = nextInt()
  const deleted = nextInt()
  const masterCount = nextInt()
  if (live === undefined || deleted === undefined || masterCount === undefined || masterCount < 0n) return undefined
  if (BigInt(items.length) < masterCount) return undefined
  const masterFields = items.slice(p, p + Number(masterCount))
  p += masterFields.length
  if (nextInt() !== 0n) return undefined
  const node: StreamNode = { slots: 0, live: 0, lastId: master, masterId: master, masterFields, bytes: lp.length, records: [] }
  let flaggedDeleted = 0n
  for (let n = live + deleted; n > 0n; n--) {
    const flags = nextInt()
    const ms = nextInt()
    const seq = nextInt()
    if (flags === undefined || ms === undefined || seq === undefined) return undefined
    let pairs = masterCount
    const same = (flags & BigInt(FLAG_SAMEFIELDS)) !== 0n
    if (!same) {
      const c = nextInt()
      if (c === undefined || c < 0n) return undefined
      pairs = c
    }
    // the master's names and the values, or names and values alternating
    if (BigInt(items.length - p) < (same ? pairs : 2n * pairs)) return undefined
    const fields: Buffer[] = []
    for (let i = 0; i < Number(pairs); i++) {
      fields.push(ownedBytes(same ? (masterFields[i] as Buffer) : (next() as Buffer)), ownedBytes(next() as Buffer))
    }
    const extra = same ? 3n : pairs + 4n
    if (nextInt() !== pairs + extra) return undefined
    const id = { ms: BigInt.asUintN(64, master.ms + ms), seq: BigInt.asUintN(64, master.seq + seq) }
    const prev = node.records[node.records.length - 1]
    if ((prev && compareIds(prev.id, id) >= 0) || compareIds(id, master) < 0) return undefined
    const entry: StreamEntry = { id, fields, node }
    charge(OVERHEAD.stream)
    for (const f of fields) charge(elementBytes('field', f.length))
    if ((flags & BigInt(FLAG_DELETED)) !== 0n) {
      entry.deleted = true
      flaggedDeleted++
    }
    node.records.push(entry)
    node.slots++
    node.lastId = id
  }
  if (p !== items.length || flaggedDeleted !== deleted) return undefined
  node.live = node.slots - Number(deleted)
  return node
}

/** The groups of a stream record; false where Redis refuses them or the store could not hold them. */
function loadGroups(type: number, r: Reader, s: Stream): boolean {
  const count = readLen64(r)
  if (count === undefined) return false
  for (let i = 0n; i < count; i++) {
    const name = readString(r)
    const lastId = name && readId(r)
    if (!name || !lastId) return false
    // the 6.x record has no counter: `streamEstimateDistanceFromFirstEverEntry`
    const read = type === RDB_STREAM.listpacks2 ? readLen64(r) : estimateEntriesRead(s, lastId)
    if (read === undefined) return false
    const g = createGroup(s, name.toString('latin1'), lastId, BigInt.asIntN(64, read))
    if (!g) return false
    const pel = readLen64(r)
    if (pel === undefined) return false
    for (let j = 0n; j < pel; j++) {
      const id = r.data.length - r.pos >= 16 ? keyId(r.data.subarray(r.pos, (r.pos += 16))) : undefined
      const time = id && readMsTime(r)
      const deliveries = time === undefined ? undefined : readLen64(r)
      if (!id || deliveries === undefined || g.pel.get(id)) return false
      addNack(s, g, id, { consumer: undefined, deliveryTime: time as number, deliveryCount: deliveries })
    }
    const consumers = readLen64(r)
    if (consumers === undefined) return false
    for (let j = 0n; j < consumers; j++) {
      const cname = readString(r)
      const seen = cname && readMsTime(r)
      if (!cname || seen === undefined) return false
      const c = createConsumer(s, g, cname.toString('latin1'), seen) as Consumer | undefined
      const owned = c && readLen64(r)
      if (!c || owned === undefined) return false
      for (let k = 0n; k < owned; k++) {
        const id = r.data.length - r.pos >= 16 ? keyId(r.data.subarray(r.pos, (r.pos += 16))) : undefined
        const nack: Nack | undefined = id && g.pel.get(id)
        // Redis lets a second consumer take a pending entry over; the store's PELs cannot share one
        if (!id || !nack || nack.consumer) return false
        nack.consumer = c
        c.pel.set(id, nack)
      }
    }
    for (const [, n] of g.pel.from()) if (!n.consumer) return false
  }
  return true
}
