import { elementBytes } from './store-usage.js'

/**
 * A Redis list: pushes and pops at either end in O(1) (amortised), index reads in O(1).
 *
 * Why not a plain array: `unshift` moves every element, so LPUSH and RPOPLPUSH into a long
 * list (BullMQ's wait and active lists) cost O(n) each. Here the elements sit in an array
 * with free room before the first one (`head`): a push on the left fills that room, and
 * when there is none the array is copied once with as much room again as it holds.
 */
export class RedisList implements Iterable<Buffer> {
  private items: (Buffer | undefined)[] = []
  private head = 0
  /** What the store counts of this list (store-usage.ts): element bytes and each element's heap cost. */
  bytes = 0
  /** Operations that changed an element so far (WATCH compares it: key-watch.ts). */
  changes = 0

  /** Number of elements. */
  get length(): number {
    return this.items.length - this.head
  }

  /** The element at `i` (0 is the leftmost); undefined outside the list. */
  at(i: number): Buffer | undefined {
    return i >= 0 && i < this.length ? this.items[this.head + i] : undefined
  }

  /** Replaces the element at `i` (0 ≤ i < length). */
  set(i: number, v: Buffer): void {
    const old = this.items[this.head + i] as Buffer
    this.bytes += v.length - old.length
    if (v !== old) this.changes++
    this.items[this.head + i] = v
  }

  /** RPUSH of one element. */
  push(v: Buffer): void {
    this.bytes += elementBytes('list', v.length)
    this.changes++
    this.items.push(v)
  }

  /** LPUSH of one element. */
  unshift(v: Buffer): void {
    if (this.head === 0) this.makeRoom()
    this.bytes += elementBytes('list', v.length)
    this.changes++
    this.items[--this.head] = v
  }

  /** RPOP of one element. */
  pop(): Buffer | undefined {
    if (this.length === 0) return undefined
    const v = this.items.pop() as Buffer
    this.bytes -= elementBytes('list', v.length)
    this.changes++
    if (this.length === 0) this.clear()
    return v
  }

  /** LPOP of one element. */
  shift(): Buffer | undefined {
    if (this.length === 0) return undefined
    const v = this.items[this.head] as Buffer
    this.bytes -= elementBytes('list', v.length)
    this.changes++
    this.items[this.head++] = undefined
    if (this.length === 0) this.clear()
    else if (this.head > 64 && this.head > this.length) this.compact()
    return v
  }

  /** The elements from `start` to before `end` (0 ≤ start ≤ end ≤ length), as Array.slice. */
  slice(start: number, end: number = this.length): Buffer[] {
    return this.items.slice(this.head + start, this.head + end) as Buffer[]
  }

  /** Removes `count` elements from `start` and inserts `insert` there (at most one); returns the removed ones. */
  splice(start: number, count: number, insert?: Buffer): Buffer[] {
    this.compact()
    const removed = (insert ? this.items.splice(start, count, insert) : this.items.splice(start, count)) as Buffer[]
    for (const v of removed) this.bytes -= elementBytes('list', v.length)
    if (insert) this.bytes += elementBytes('list', insert.length)
    if (insert || removed.length > 0) this.changes++
    return removed
  }

  /** LTRIM: keeps the elements from `start` to before `end` (0 ≤ start ≤ end ≤ length). */
  keep(start: number, end: number): void {
    const kept = this.slice(start, end)
    this.clear()
    for (const v of kept) this.bytes += elementBytes('list', v.length)
    this.items = kept
    this.changes++
  }

  /**
   * LREM: removes up to `limit` elements equal to `v`, counting from the left (from the
   * right when `fromRight`), in one pass (removing them one by one moves the array's tail
   * each time: O(k × n)). Returns how many it removed.
   */
  removeEqual(v: Buffer, limit: number, fromRight: boolean): number {
    this.compact()
    const items = this.items as Buffer[]
    const n = items.length
    const doomed = new Uint8Array(n)
    let removed = 0
    for (let k = 0; k < n && removed < limit; k++) {
      const i = fromRight ? n - 1 - k : k
      if ((items[i] as Buffer).equals(v)) {
        doomed[i] = 1
        removed++
      }
    }
    if (removed === 0) return 0
    const kept: Buffer[] = []
    for (let i = 0; i < n; i++) {
      const item = items[i] as Buffer
      if (doomed[i]) this.bytes -= elementBytes('list', item.length)
      else kept.push(item)
    }
    this.items = kept
    this.changes++
    return removed
  }

  /** Index of the first element equal to `v`, or -1. */
  indexOf(v: Buffer): number {
    for (let i = this.head; i < this.items.length; i++) if ((this.items[i] as Buffer).equals(v)) return i - this.head
    return -1
  }

  *[Symbol.iterator](): Iterator<Buffer> {
    for (let i = this.head; i < this.items.length; i++) yield this.items[i] as Buffer
  }

  // --- internal ---

  private clear(): void {
    this.items = []
    this.head = 0
    this.bytes = 0
  }

  /** Drops the room on the left (before an operation that indexes the array directly). */
  private compact(): void {
    if (this.head === 0) return
    this.items = this.items.slice(this.head)
    this.head = 0
  }

  /** Copies the elements behind as much free room as they fill (at least 8). */
  private makeRoom(): void {
    const n = this.items.length
    const room = Math.max(8, n)
    const next = new Array<Buffer | undefined>(room + n).fill(undefined)
    for (let i = 0; i < n; i++) next[room + i] = this.items[i]
    this.items = next
    this.head = room
  }
}
