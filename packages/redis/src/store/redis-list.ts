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
    this.items[this.head + i] = v
  }

  /** RPUSH of one element. */
  push(v: Buffer): void {
    this.items.push(v)
  }

  /** LPUSH of one element. */
  unshift(v: Buffer): void {
    if (this.head === 0) this.makeRoom()
    this.items[--this.head] = v
  }

  /** RPOP of one element. */
  pop(): Buffer | undefined {
    if (this.length === 0) return undefined
    const v = this.items.pop()
    if (this.length === 0) this.clear()
    return v
  }

  /** LPOP of one element. */
  shift(): Buffer | undefined {
    if (this.length === 0) return undefined
    const v = this.items[this.head]
    this.items[this.head++] = undefined
    if (this.length === 0) this.clear()
    else if (this.head > 64 && this.head > this.length) this.compact()
    return v
  }

  /** The elements from `start` to before `end` (0 ≤ start ≤ end ≤ length), as Array.slice. */
  slice(start: number, end: number = this.length): Buffer[] {
    return this.items.slice(this.head + start, this.head + end) as Buffer[]
  }

  /** Removes `count` elements from `start` and inserts `insert` there; returns the removed ones. */
  splice(start: number, count: number, ...insert: Buffer[]): Buffer[] {
    this.compact()
    return this.items.splice(start, count, ...insert) as Buffer[]
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
