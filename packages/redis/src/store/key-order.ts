/** How many cursors remember where their scan stops (a client may abandon a scan at any point). */
const MAX_BOUNDS = 4096

/**
 * The keys of a keyspace in the order they were created, for SCAN. Each key gets a
 * sequence number when it is created; a SCAN cursor is the sequence number to go on from,
 * so deleting keys never shifts the ones after them: every key present for a whole scan is
 * returned (Redis's guarantee), and a deleted and re-created key counts as new. Keys created
 * after a scan began are not returned by it (Redis may or may not return them): each cursor
 * handed out remembers the creation number its scan stops at, so a scan that renames or
 * re-creates every key it is given ends, as it does on Redis, instead of meeting those keys
 * again at the end forever. Redis's own cursor walks its hash table (seeded randomly at
 * server start), so its order cannot be reproduced; this order is the keys' creation order.
 */
export class KeyOrder {
  /** Keys by position; deleted ones are holes until the next compaction. */
  private keys: (string | undefined)[] = []
  /** Sequence number of each position, ascending. */
  private seqs: number[] = []
  private readonly seqOf = new Map<string, number>()
  private nextSeq = 1
  private holes = 0
  /**
   * Per cursor handed out, the sequence number its scan stops before (the next one when the
   * scan began), the newest MAX_BOUNDS only: a cursor not found here (forgotten, or made up
   * by a client) stops before the keys created after the call that brings it.
   */
  private readonly bounds = new Map<number, number>()

  /** Records a key that was just created (a no-op for a key already there). */
  add(key: string): void {
    if (this.seqOf.has(key)) return
    const seq = this.nextSeq++
    this.seqOf.set(key, seq)
    this.keys.push(key)
    this.seqs.push(seq)
  }

  /** Forgets a deleted key. */
  remove(key: string): void {
    const seq = this.seqOf.get(key)
    if (seq === undefined) return
    this.seqOf.delete(key)
    this.keys[this.lowerBound(seq)] = undefined
    this.holes++
    if (this.holes > 64 && this.holes > this.seqOf.size) this.compact()
  }

  /** A key drawn at random, each with the same chance; undefined when there is none. */
  random(): string | undefined {
    if (this.seqOf.size === 0) return undefined
    // holes are at most about as many as the keys (compact()): ~2 draws expected
    for (;;) {
      const k = this.keys[Math.floor(Math.random() * this.keys.length)]
      if (k !== undefined) return k
    }
  }

  clear(): void {
    this.keys = []
    this.seqs = []
    this.seqOf.clear()
    this.bounds.clear()
    this.holes = 0
  }

  /**
   * Up to `count` keys from `cursor` (0: the start) and the cursor to go on from, 0 when
   * the scan is complete.
   */
  page(cursor: number, count: number): { keys: string[]; next: number } {
    const out: string[] = []
    const end = (cursor !== 0 && this.bounds.get(cursor)) || this.nextSeq
    const last = this.lowerBound(end)
    let i = this.lowerBound(cursor)
    let visited = 0
    for (; i < last && visited < count; i++) {
      const k = this.keys[i]
      if (k === undefined) continue
      out.push(k)
      visited++
    }
    // holes after the last key returned do not keep the scan going
    while (i < last && this.keys[i] === undefined) i++
    if (i >= last) return { keys: out, next: 0 }
    const next = this.seqs[i] as number
    this.bound(next, end)
    return { keys: out, next }
  }

  // --- internal ---

  /** Records where the scan going on from `cursor` stops (the later one when two scans share it). */
  private bound(cursor: number, end: number): void {
    const had = this.bounds.get(cursor)
    this.bounds.delete(cursor)
    this.bounds.set(cursor, had === undefined ? end : Math.max(had, end))
    if (this.bounds.size > MAX_BOUNDS) this.bounds.delete(this.bounds.keys().next().value as number)
  }

  /** First position whose sequence number is ≥ seq. */
  private lowerBound(seq: number): number {
    let lo = 0
    let hi = this.seqs.length
    while (lo < hi) {
      const mid = (lo + hi) >> 1
      if ((this.seqs[mid] as number) < seq) lo = mid + 1
      else hi = mid
    }
    return lo
  }

  private compact(): void {
    const keys: string[] = []
    const seqs: number[] = []
    for (let i = 0; i < this.keys.length; i++) {
      const k = this.keys[i]
      if (k === undefined) continue
      keys.push(k)
      seqs.push(this.seqs[i] as number)
    }
    this.keys = keys
    this.seqs = seqs
    this.holes = 0
  }
}
