import { type Reader, readLength, readString } from '../scripting/function-dump.js'
import { scanStrtod } from '../store/c-numbers.js'
import type { RedisValue } from '../store/keyspace.js'
import { ownedBytes } from '../store/owned-bytes.js'
import { RedisList } from '../store/redis-list.js'
import { SortedSet } from '../store/sorted-set.js'
import { elementBytes, HashValue, OVERHEAD, SetValue } from '../store/store-usage.js'
import { readListpack } from './listpack.js'
import { QUICKLIST_PACKED, RDB_TYPE } from './rdb-save.js'
import { loadStream, RDB_STREAM } from './rdb-stream.js'
import { readZiplist, readZipmap } from './rdb-ziplist.js'

/** The older records Redis 7.0 still loads, converting them (rdb-ziplist.ts). */
const OLD = { hashZipmap: 9, listZiplist: 10, zsetZiplist: 12, hashZiplist: 13, listQuicklist: 14 } as const

/**
 * RESTORE's reading of a DUMP payload's object, as Redis 7.0.15's `rdbLoadObjectType` +
 * `rdbLoadObject` read the types its DUMP writes (and the plain list, set, sorted-set and
 * hash records of older RDB versions), always with deep integrity checks (Redis's
 * `sanitize-dump-payload yes`): lengths past the payload, bad listpacks and intsets,
 * duplicate members or fields, NaN scores and empty collections are refused (undefined:
 * `ERR Bad data format`). Streams are rdb-stream.ts's; the ziplist, zipmap and ziplist
 * quicklist records of older versions are read as Redis reads them (rdb-ziplist.ts), into
 * the encodings it converts them to. `admit(bytes)` is called with the running total of what the value will
 * hold before each decompression and element, so a payload that would take the store past
 * its `maxBytes` is refused (OOM) before it allocates.
 */
export function loadObject(payload: Buffer, admit: (bytes: number) => void): RedisValue | undefined {
  let total = OVERHEAD.key
  const charge = (bytes: number) => {
    total += bytes
    admit(total)
  }
  // the footer stays readable, as in Redis's rio over the whole payload
  const r: Reader = { data: payload, pos: 1, admit: charge }
  const type = payload[0]
  const str = (): Buffer | undefined => readString(r)
  // `rdbLoadLen(rdb, NULL)`: an encoded length's 6 bits are read as the count too
  const len = (): number | undefined => readLength(r)?.n
  switch (type) {
    case RDB_TYPE.string: {
      const s = str()
      if (!s) return undefined
      charge(s.length)
      return { type: 'string', value: ownedBytes(s) }
    }
    case RDB_TYPE.list:
    case RDB_TYPE.listQuicklist2:
    case OLD.listQuicklist:
      return loadList(type, str, len, charge)
    case OLD.listZiplist:
      return loadList(type, str, () => 1, charge)
    case RDB_TYPE.set:
      return loadSet(str, len, charge)
    case RDB_TYPE.setIntset:
      return loadIntset(str(), charge)
    case RDB_TYPE.hash:
      return loadHash(tableItems(str, len, 2), charge)
    case RDB_TYPE.hashListpack:
      return loadHash(blobItems(str, readListpack), charge)
    case OLD.hashZiplist:
      return loadHash(blobItems(str, readZiplist), charge)
    case OLD.hashZipmap:
      return loadHash(blobItems(str, readZipmap), charge)
    case RDB_TYPE.zset:
    case RDB_TYPE.zset2:
    case RDB_TYPE.zsetListpack:
    case OLD.zsetZiplist:
      return loadZset(type, r, str, len, charge)
    case RDB_STREAM.listpacks:
    case RDB_STREAM.listpacks2:
      return loadStream(type, r, charge)
    default:
      return undefined
  }
}

// --- internal ---

type Str = () => Buffer | undefined
type Len = () => number | undefined
type Charge = (bytes: number) => void

/** A list record: its elements (1), quicklist nodes (18: a container each), ziplist nodes (14) or one ziplist (10). */
function loadList(type: number, str: Str, len: Len, charge: Charge): RedisValue | undefined {
  const plain = type === RDB_TYPE.list
  const list = new RedisList()
  const add = (item: Buffer) => {
    charge(elementBytes('list', item.length))
    list.push(ownedBytes(item))
  }
  const n = len()
  if (n === undefined) return undefined
  for (let i = 0; i < n; i++) {
    if (plain) {
      const item = str()
      if (!item) return undefined
      add(item)
      continue
    }
    const container = type === RDB_TYPE.listQuicklist2 ? len() : QUICKLIST_PACKED
    if (container !== 1 && container !== QUICKLIST_PACKED) return undefined
    const blob = str()
    if (!blob) return undefined
    if (container === 1) {
      add(blob)
      continue
    }
    const items = type === RDB_TYPE.listQuicklist2 ? readListpack(blob) : readZiplist(blob)
    if (!items) return undefined
    // an empty node is skipped, as Redis skips it
    for (const item of items) add(item)
  }
  return list.length > 0 ? { type: 'list', value: list } : undefined
}

function loadSet(str: Str, len: Len, charge: Charge): RedisValue | undefined {
  const n = len()
  if (!n) return undefined
  const set = new SetValue()
  for (let i = 0; i < n; i++) {
    const m = str()
    if (!m) return undefined
    const member = m.toString('latin1')
    if (set.has(member)) return undefined
    charge(elementBytes('set', m.length))
    set.add(member)
  }
  return { type: 'set', value: set }
}

/** An intset blob: width 2, 4 or 8, its count matching its size, members strictly ascending. */
function loadIntset(blob: Buffer | undefined, charge: Charge): RedisValue | undefined {
  if (!blob || blob.length < 8) return undefined
  const width = blob.readUInt32LE(0)
  const count = blob.readUInt32LE(4)
  if ((width !== 2 && width !== 4 && width !== 8) || count === 0 || 8 + width * count !== blob.length) return undefined
  const set = new SetValue()
  let last: bigint | undefined
  for (let i = 0; i < count; i++) {
    const at = 8 + i * width
    const v = width === 2 ? BigInt(blob.readInt16LE(at)) : width === 4 ? BigInt(blob.readInt32LE(at)) : blob.readBigInt64LE(at)
    if (last !== undefined && v <= last) return undefined
    last = v
    const member = String(v)
    charge(elementBytes('set', member.length))
    set.add(member)
  }
  // Redis keeps the payload's intset as it is, however wide
  set.intsetWidth = width
  return { type: 'set', value: set }
}

function loadHash(pairs: Buffer[] | undefined, charge: Charge): RedisValue | undefined {
  if (!pairs || pairs.length === 0 || pairs.length % 2 !== 0) return undefined
  const hash = new HashValue()
  for (let i = 0; i < pairs.length; i += 2) {
    const field = (pairs[i] as Buffer).toString('latin1')
    const value = pairs[i + 1] as Buffer
    if (hash.has(field)) return undefined
    charge(elementBytes('hash', field.length + value.length))
    hash.set(field, ownedBytes(value))
  }
  return { type: 'hash', value: hash }
}

function loadZset(type: number, r: Reader, str: Str, len: Len, charge: Charge): RedisValue | undefined {
  if (type !== RDB_TYPE.zsetListpack && type !== OLD.zsetZiplist) return loadZsetTable(type, r, str, len, charge)
  const zset = new SortedSet()
  const items = blobItems(str, type === RDB_TYPE.zsetListpack ? readListpack : readZiplist)
  if (!items || items.length % 2 !== 0) return undefined
  for (let i = 0; i < items.length; i += 2) {
    // `zzlGetScore`: strtod of the text (an integer entry as its text)
    const score = scanStrtod((items[i + 1] as Buffer).toString('latin1')).value
    if (!addMember(zset, items[i] as Buffer, score, charge)) return undefined
  }
  return zset.size > 0 ? { type: 'zset', value: zset } : undefined
}

/**
 * A skiplist record: Redis loads it into a skiplist and turns that into a listpack at the
 * end when it is small (128 members of 64 bytes at most), so a -0 score stays -0 only in a
 * skiplist: the encoding is chosen before the members are added.
 */
function loadZsetTable(type: number, r: Reader, str: Str, len: Len, charge: Charge): RedisValue | undefined {
  const n = len()
  if (n === undefined) return undefined
  const members: [Buffer, number | undefined][] = []
  let longest = 0
  for (let i = 0; i < n; i++) {
    const m = str()
    if (!m) return undefined
    members.push([m, type === RDB_TYPE.zset2 ? binaryDouble(r) : textDouble(r)])
    longest = Math.max(longest, m.length)
    charge(elementBytes('zset', m.length))
  }
  const zset = new SortedSet(n > 128 || longest > 64)
  for (const [m, score] of members) if (!addMember(zset, m, score, () => undefined)) return undefined
  return zset.size > 0 ? { type: 'zset', value: zset } : undefined
}

/** Adds a member read from a payload; false for a NaN score or a repeated member (corrupt). */
function addMember(zset: SortedSet, m: Buffer, score: number | undefined, charge: Charge): boolean {
  const member = m.toString('latin1')
  if (score === undefined || Number.isNaN(score) || zset.score(member) !== undefined) return false
  charge(elementBytes('zset', m.length))
  zset.add(member, score)
  return true
}

function blobItems(str: Str, read: (blob: Buffer) => Buffer[] | undefined): Buffer[] | undefined {
  const blob = str()
  return blob && read(blob)
}

function tableItems(str: Str, len: Len, per: number): Buffer[] | undefined {
  const n = len()
  if (n === undefined) return undefined
  const out: Buffer[] = []
  for (let i = 0; i < n * per; i++) {
    const s = str()
    if (!s) return undefined
    out.push(s)
  }
  return out
}

/** `rdbLoadBinaryDoubleValue`: 8 bytes, little endian. */
function binaryDouble(r: Reader): number | undefined {
  if (r.data.length - r.pos < 8) return undefined
  r.pos += 8
  return r.data.readDoubleLE(r.pos - 8)
}

/** `rdbLoadDoubleValue`: a length byte (253 nan, 254 inf, 255 -inf) and the number's text. */
function textDouble(r: Reader): number | undefined {
  const n = r.data[r.pos++]
  if (n === undefined) return undefined
  if (n === 253) return Number.NaN
  if (n === 254) return Number.POSITIVE_INFINITY
  if (n === 255) return Number.NEGATIVE_INFINITY
  if (r.data.length - r.pos < n) return undefined
  r.pos += n
  return scanStrtod(r.data.toString('latin1', r.pos - n, r.pos)).value
}
