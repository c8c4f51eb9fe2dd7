import { elementBytes } from './store-usage.js'

/** One member of a sorted set. */
export interface ZEntry {
  readonly member: string
  readonly score: number
}

/** Redis 7.0's defaults for a small sorted set kept as a listpack. */
const LISTPACK_MAX_ENTRIES = 128
const LISTPACK_MAX_VALUE = 64

/**
 * A sorted set: member → score, plus the members ordered by (score, member bytes) as Redis
 * orders them. Members are latin1 strings (one char per byte), so `<` compares bytes.
 *
 * Which encoding Redis would use is tracked because it shows in one reply: a listpack
 * stores scores as text, so a score of -0 comes back as 0, while a skiplist keeps the
 * double's sign. Redis converts to a skiplist when a new member would make more than 128
 * or is longer than 64 bytes, and never back.
 */
export class SortedSet {
  private readonly scores = new Map<string, number>()
  private order: ZEntry[] = []
  /** Kept as a skiplist from the start (Redis's `createZsetObject`), as ZUNION builds its reply. */
  constructor(private skiplist = false) {}
  /** What the store counts of this set (store-usage.ts): member bytes and each member's heap cost. */
  bytes = 0
  /** Operations that changed a member so far (WATCH compares it: key-watch.ts). */
  changes = 0
  /** Members added or moved while `batch` runs: placed in `order` when it ends. */
  private pending: Set<string> | undefined

  get size(): number {
    return this.scores.size
  }

  /** Whether Redis would hold this set as a listpack (ZSCAN answers it whole, in order). */
  get listpack(): boolean {
    return !this.skiplist
  }

  /** Redis's `zsetConvert(zobj, OBJ_ENCODING_SKIPLIST)`, which SORT does to every sorted set it reads. */
  toSkiplist(): void {
    this.skiplist = true
  }

  score(member: string): number | undefined {
    return this.scores.get(member)
  }

  /** Adds or moves a member; returns true when it is new. */
  add(member: string, score: number): boolean {
    const old = this.scores.get(member)
    if (old === undefined && (this.scores.size + 1 > LISTPACK_MAX_ENTRIES || member.length > LISTPACK_MAX_VALUE)) {
      this.skiplist = true
    }
    // in a listpack -0 is stored as 0 (and -0 === 0 below: Redis sees no change either)
    if (!this.skiplist && score === 0) score = 0
    if (old === score) return false
    this.changes++
    if (this.pending) this.pending.add(member)
    else {
      if (old !== undefined) this.order.splice(this.indexOf(member, old), 1)
      this.order.splice(this.lowerBound(score, member), 0, { member, score })
    }
    this.scores.set(member, score)
    if (old === undefined) this.bytes += elementBytes('zset', member.length)
    return old === undefined
  }

  /**
   * Runs `fn`, whose `add`s update the scores at once and the order in one merge at the end
   * (O(n + m log m) for m members, where each `add` inserting into the array moves its tail:
   * O(m × n), 8 s for a ZADD of 100,000 members into 150,000). Within `fn` only `add` and
   * `score` may be used.
   */
  batch<T>(fn: () => T): T {
    const moved = new Set<string>()
    this.pending = moved
    try {
      return fn()
    } finally {
      this.pending = undefined
      if (moved.size > 0) {
        const kept = this.order.filter((e) => !moved.has(e.member))
        const placed = [...moved].map((member) => ({ member, score: this.scores.get(member) as number })).sort(byOrder)
        this.order = merge(kept, placed)
      }
    }
  }

  /**
   * Makes this (empty) set a copy of `source` with its encoding and its exact scores, as
   * Redis's `zsetDup` (COPY): a skiplist stays one, so a -0 score stays -0.
   */
  copyFrom(source: SortedSet): void {
    this.skiplist = source.skiplist
    for (const [member, score] of source.scores) this.scores.set(member, score)
    this.order = source.order.slice()
    this.bytes = source.bytes
    this.changes++
  }

  /** Removes a member; true when it was there. */
  remove(member: string): boolean {
    const old = this.scores.get(member)
    if (old === undefined) return false
    this.order.splice(this.indexOf(member, old), 1)
    this.scores.delete(member)
    this.bytes -= elementBytes('zset', member.length)
    this.changes++
    return true
  }

  /**
   * Removes every member of `members` in one pass over the set (O(n + k): removing them
   * one by one moves the array's tail each time, O(k × n) for ZREMRANGEBYRANK 0 -1).
   * Returns how many were members.
   */
  removeMany(members: Iterable<string>): number {
    let n = 0
    for (const m of members) {
      const old = this.scores.get(m)
      if (old === undefined) continue
      this.scores.delete(m)
      this.bytes -= elementBytes('zset', m.length)
      n++
    }
    if (n > 0) {
      this.order = this.order.filter((e) => this.scores.get(e.member) === e.score)
      this.changes++
    }
    return n
  }

  /** 0-based rank in ascending order. */
  rank(member: string): number | undefined {
    const s = this.scores.get(member)
    return s === undefined ? undefined : this.indexOf(member, s)
  }

  /** Entries in ascending order (shared array: do not modify). */
  entries(): readonly ZEntry[] {
    return this.order
  }

  /** Index of the first entry whose score is ≥ min (> min when exclusive). */
  firstAtLeast(min: number, exclusive: boolean): number {
    let lo = 0
    let hi = this.order.length
    while (lo < hi) {
      const mid = (lo + hi) >> 1
      const s = (this.order[mid] as ZEntry).score
      if (exclusive ? s <= min : s < min) lo = mid + 1
      else hi = mid
    }
    return lo
  }

  // --- internal ---

  private lowerBound(score: number, member: string): number {
    let lo = 0
    let hi = this.order.length
    while (lo < hi) {
      const mid = (lo + hi) >> 1
      const e = this.order[mid] as ZEntry
      if (e.score < score || (e.score === score && e.member < member)) lo = mid + 1
      else hi = mid
    }
    return lo
  }

  private indexOf(member: string, score: number): number {
    return this.lowerBound(score, member)
  }
}

// --- internal ---

/** Redis's order of a sorted set: by score, then by member bytes. */
function byOrder(a: ZEntry, b: ZEntry): number {
  if (a.score !== b.score) return a.score < b.score ? -1 : 1
  return a.member < b.member ? -1 : a.member > b.member ? 1 : 0
}

/** Two ordered runs as one. */
function merge(a: readonly ZEntry[], b: readonly ZEntry[]): ZEntry[] {
  const out: ZEntry[] = new Array(a.length + b.length)
  let i = 0
  let j = 0
  let k = 0
  while (i < a.length && j < b.length) out[k++] = byOrder(a[i] as ZEntry, b[j] as ZEntry) <= 0 ? (a[i++] as ZEntry) : (b[j++] as ZEntry)
  while (i < a.length) out[k++] = a[i++] as ZEntry
  while (j < b.length) out[k++] = b[j++] as ZEntry
  return out
}
