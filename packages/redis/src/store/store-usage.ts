import { tryInteger } from './args.js'

/** Redis 7.0's defaults: `hash-max-listpack-entries` (512, not zsets' 128) and `-value`, `set-max-intset-entries`. */
export const HASH_LISTPACK_MAX_ENTRIES = 512
export const HASH_LISTPACK_MAX_VALUE = 64
const INTSET_MAX_ENTRIES = 512

/**
 * What the memory store counts of the memory its keys hold, to refuse writes past its
 * `maxBytes` as Redis refuses them past `maxmemory` (`OOM command not allowed ...`).
 *
 * Each value keeps its own count, updated by the operation that changes it (O(1) per element
 * added or removed); the keyspace adds up the counts of the keys a command touched once the
 * command is done (keyspace.ts). The figures are the bytes of keys, fields, members and values
 * plus what each key and element costs the JS heap (OVERHEAD): a bound on what tenants'
 * scripts can make the host hold, close to what it holds; not Redis's own `used_memory`.
 */

/**
 * Counted besides the bytes of names and values: what each thing costs the JS heap here,
 * measured with Node 20 (heap and external bytes after a full collection, 200,000 small
 * elements of each kind, rounded up): a key 371 (its entry, expiry and SCAN slots, its
 * Buffer value), a list element 218 (a Buffer and its slot), a hash entry 259 (a Map entry,
 * the field string, a Buffer), a set member 58, a sorted-set member 119 (a Map entry, an
 * ordered entry), a stream entry ~940 with one field-value pair (two Buffers). Each stored
 * Buffer is a copy of its own (owned-bytes.ts), ~216 bytes of heap when small, ~112 more than
 * a slice of Node's buffer pool, which would keep a whole 8 KiB slab alive.
 */
export const OVERHEAD = { key: 384, list: 224, hash: 272, set: 64, zset: 128, stream: 592, field: 176 } as const

/** What one element of a `kind` of `length` bytes counts. */
export function elementBytes(kind: keyof typeof OVERHEAD, length: number): number {
  return length + OVERHEAD[kind]
}

/** A hash's fields and values, counting their bytes. */
export class HashValue extends Map<string, Buffer> {
  bytes = 0
  /** Operations that changed a field so far (WATCH compares it: key-watch.ts). */
  changes = 0

  /**
   * Whether Redis holds the hash as a hashtable: set once a field or value longer than 64
   * bytes, or a 513th field, is written (HSET, HINCRBYFLOAT ...), and kept, as Redis never
   * converts a hash back to a listpack (HSCAN then pages it, whatever its size).
   */
  hashtable = false

  override set(field: string, value: Buffer): this {
    const old = super.get(field)
    if (
      !this.hashtable &&
      (field.length > HASH_LISTPACK_MAX_VALUE ||
        value.length > HASH_LISTPACK_MAX_VALUE ||
        (old === undefined && this.size >= HASH_LISTPACK_MAX_ENTRIES))
    ) {
      this.hashtable = true
    }
    this.bytes += old === undefined ? elementBytes('hash', field.length + value.length) : value.length - old.length
    if (old !== value) this.changes++
    return super.set(field, value)
  }

  override delete(field: string): boolean {
    const old = super.get(field)
    if (old === undefined) return false
    this.bytes -= elementBytes('hash', field.length + old.length)
    this.changes++
    return super.delete(field)
  }

  override clear(): void {
    this.bytes = 0
    if (this.size > 0) this.changes++
    super.clear()
  }
}

/** A set's members (one char per byte), counting their bytes. */
export class SetValue extends Set<string> {
  bytes = 0
  /** Operations that changed a member so far (WATCH compares it: key-watch.ts). */
  changes = 0

  /**
   * Whether Redis holds the set as a hashtable, not an intset: set once a member that is not
   * an integer, or a 513th member, is added, and kept, as Redis never converts a set back to
   * an intset (SSCAN then pages it, SMEMBERS no longer sorts it).
   */
  hashtable = false
  /**
   * The width in bytes (2, 4 or 8) of Redis's intset for this set: the widest any member added
   * since the set was made needed, as an intset is widened for a member and never narrowed
   * (DUMP writes it: rdb-save.ts).
   */
  intsetWidth = 2

  override add(member: string): this {
    if (!super.has(member)) {
      if (!this.hashtable) {
        const n = this.size >= INTSET_MAX_ENTRIES ? undefined : tryInteger(Buffer.from(member, 'latin1'))
        if (n === undefined) this.hashtable = true
        else if (this.intsetWidth < 8) this.intsetWidth = Math.max(this.intsetWidth, intsetWidthOf(n))
      }
      this.bytes += elementBytes('set', member.length)
      this.changes++
    }
    return super.add(member)
  }

  override delete(member: string): boolean {
    if (!super.delete(member)) return false
    this.bytes -= elementBytes('set', member.length)
    this.changes++
    return true
  }

  override clear(): void {
    this.bytes = 0
    if (this.size > 0) this.changes++
    super.clear()
  }
}

/** What a key with `name` and a value of `valueBytes` counts. */
export function entryBytes(name: string, valueBytes: number): number {
  return OVERHEAD.key + name.length + valueBytes
}

/** The intset width a member needs (`_intsetValueEncoding`). */
export function intsetWidthOf(n: number): number {
  return n >= -32768 && n <= 32767 ? 2 : n >= -2147483648 && n <= 2147483647 ? 4 : 8
}
