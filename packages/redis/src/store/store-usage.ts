/**
 * What the memory store counts of the memory its keys hold, to refuse writes past its
 * `maxBytes` as Redis refuses them past `maxmemory` (`OOM command not allowed ...`).
 *
 * Each value keeps its own count, updated by the operation that changes it (O(1) per element
 * added or removed); the keyspace adds up the counts of the keys a command touched once the
 * command is done (keyspace.ts). The figures are the bytes of keys, fields, members and values
 * plus a fixed overhead per key and per element, close to but not Redis's own `used_memory`:
 * a bound on what tenants' scripts can make the host hold, not a measurement of the heap.
 */

/** Counted for each key besides its name and value: its entry, type and expiry slots. */
export const KEY_OVERHEAD = 64
/** Counted for each element of a collection besides its bytes. */
export const ELEMENT_OVERHEAD = 16

/** What one element of `length` bytes counts. */
export function elementBytes(length: number): number {
  return length + ELEMENT_OVERHEAD
}

/** A hash's fields and values, counting their bytes. */
export class HashValue extends Map<string, Buffer> {
  bytes = 0

  override set(field: string, value: Buffer): this {
    const old = super.get(field)
    this.bytes += old === undefined ? elementBytes(field.length + value.length) : value.length - old.length
    return super.set(field, value)
  }

  override delete(field: string): boolean {
    const old = super.get(field)
    if (old === undefined) return false
    this.bytes -= elementBytes(field.length + old.length)
    return super.delete(field)
  }

  override clear(): void {
    this.bytes = 0
    super.clear()
  }
}

/** A set's members (one char per byte), counting their bytes. */
export class SetValue extends Set<string> {
  bytes = 0

  override add(member: string): this {
    if (!super.has(member)) this.bytes += elementBytes(member.length)
    return super.add(member)
  }

  override delete(member: string): boolean {
    if (!super.delete(member)) return false
    this.bytes -= elementBytes(member.length)
    return true
  }

  override clear(): void {
    this.bytes = 0
    super.clear()
  }
}

/** What a key with `name` and a value of `valueBytes` counts. */
export function entryBytes(name: string, valueBytes: number): number {
  return KEY_OVERHEAD + name.length + valueBytes
}
