import { keyBytes, keyOf } from '../store/args.js'
import type { Keyspace } from '../store/keyspace.js'
import { doubleReply, type Reply } from '../store/replies.js'
import { scanPage } from '../store/scan-pages.js'
import { HASH_LISTPACK_MAX_ENTRIES, HASH_LISTPACK_MAX_VALUE, type HashValue } from '../store/store-usage.js'
import type { SortedSet } from '../store/sorted-set.js'
import { arg, commands } from './command.js'
import { scanCursor, scanOptions, type ScanOptions } from './scan-args.js'
import { isIntset, members } from './sets.js'

/**
 * HSCAN, SSCAN and ZSCAN. What Redis 7.0 holds compactly (a hash of ≤512 fields and values
 * of ≤64 bytes, never past them since it was created, a sorted set as a listpack, a set of ≤512 integers) it answers whole in one
 * reply with cursor 0, whatever the cursor and COUNT: hashes in insertion order, sorted sets
 * by score, integer sets sorted. Larger ones go page by page (see scan-pages.ts), every
 * member present throughout a full iteration exactly once. As in Redis, the cursor is read
 * first, then the key (missing: `0` and no members, before the options are read), then the
 * options; MATCH filters after the walk, so a page may come back empty with a cursor to go on.
 */
export const COLLECTION_SCAN_COMMANDS = commands([
  ['hscan', -3, 'r', (ks, a) => scanKey(ks, a, 'hash')],
  ['sscan', -3, 'r', (ks, a) => scanKey(ks, a, 'set')],
  ['zscan', -3, 'r', (ks, a) => scanKey(ks, a, 'zset')],
])

// --- internal ---

function scanKey(ks: Keyspace, a: Buffer[], type: 'hash' | 'set' | 'zset'): Reply {
  const cursor = scanCursor(arg(a, 1))
  const value = ks.read(keyOf(arg(a, 0)), type)
  if (!value) return [Buffer.from('0'), []]
  const o = scanOptions(a, 2, false)
  if (value instanceof Map) return hashScan(value, cursor, o)
  if (value instanceof Set) return setScan(value, cursor, o)
  return zsetScan(value as SortedSet, cursor, o)
}

function hashScan(h: Map<string, Buffer>, cursor: number, o: ScanOptions): Reply {
  const fields = isListpackHash(h) ? { members: [...h.keys()], next: 0 } : scanPage(h, h, cursor, o.count)
  const out: Buffer[] = []
  for (const f of fields.members) {
    if (!o.match || o.match(f)) out.push(keyBytes(f), h.get(f) as Buffer)
  }
  return [Buffer.from(String(fields.next)), out]
}

function setScan(s: Set<string>, cursor: number, o: ScanOptions): Reply {
  if (isIntset(s)) return [Buffer.from('0'), members(s).filter((m) => !o.match || o.match(keyOf(m)))]
  const page = scanPage(s, s, cursor, o.count)
  return [Buffer.from(String(page.next)), page.members.filter((m) => !o.match || o.match(m)).map(keyBytes)]
}

function zsetScan(z: SortedSet, cursor: number, o: ScanOptions): Reply {
  const page = z.listpack
    ? { members: z.entries().map((e) => e.member), next: 0 }
    : scanPage(z, { keys: () => z.entries().map((e) => e.member), has: (m) => z.score(m) !== undefined }, cursor, o.count)
  const out: Buffer[] = []
  for (const m of page.members) {
    if (!o.match || o.match(m)) out.push(keyBytes(m), doubleReply(z.score(m) as number))
  }
  return [Buffer.from(String(page.next)), out]
}

/** Whether Redis 7.0 holds the hash as a listpack (HSCAN answers it whole; OBJECT ENCODING). */
export function isListpackHash(h: Map<string, Buffer>): boolean {
  if (h.size > HASH_LISTPACK_MAX_ENTRIES || (h as HashValue).hashtable) return false
  for (const [f, v] of h) if (f.length > HASH_LISTPACK_MAX_VALUE || v.length > HASH_LISTPACK_MAX_VALUE) return false
  return true
}
