/**
 * Cursor pages over the members of a hash, set or sorted set too large for Redis to answer
 * in one reply (HSCAN, SSCAN, ZSCAN). Redis walks its hash table, whose seed is random per
 * server, so no order could match it; what a cursor must give is Redis's guarantee: a full
 * iteration returns every member present throughout it, and ends at cursor 0.
 *
 * Members are walked in the order of a 32-bit hash of their bytes, and a cursor is the hash
 * to go on from: a member's place never depends on which others were added or removed
 * meanwhile. The order is kept as a sorted snapshot per collection, taken when an iteration
 * starts (cursor 0) or finds none, and dropped when one ends; members added after the
 * snapshot are not returned (Redis may or may not return them), removed ones are skipped.
 */

/** One page: the members to return and the next cursor (0: the iteration is complete). */
export interface ScanPage {
  readonly members: string[]
  readonly next: number
}

/** A collection as the pager needs it: its members and a membership test. */
export interface Pageable {
  keys(): Iterable<string>
  has(member: string): boolean
}

/**
 * Up to about `count` members of `owner` (the Map, Set or SortedSet itself, which keys its
 * snapshot) from `cursor` on; members sharing a hash come together.
 */
export function scanPage(owner: object, collection: Pageable, cursor: number, count: number): ScanPage {
  let snap = snapshots.get(owner)
  if (!snap || cursor === 0) {
    snap = snapshot(collection)
    snapshots.set(owner, snap)
  }
  const { hashes, members } = snap
  let i = firstAtLeast(hashes, cursor)
  const out: string[] = []
  let walked = 0
  while (i < members.length && (walked < count || hashes[i] === hashes[i - 1])) {
    const m = members[i] as string
    if (collection.has(m)) out.push(m)
    walked++
    i++
  }
  if (i >= members.length) {
    snapshots.delete(owner)
    return { members: out, next: 0 }
  }
  return { members: out, next: hashes[i] as number }
}

/** FNV-1a over the member's bytes (one char per byte). */
export function memberHash(m: string): number {
  let h = 0x811c9dc5
  for (let i = 0; i < m.length; i++) h = Math.imul(h ^ m.charCodeAt(i), 0x01000193)
  return h >>> 0
}

// --- internal ---

interface Snapshot {
  readonly hashes: Float64Array
  readonly members: string[]
}

const snapshots = new WeakMap<object, Snapshot>()

function snapshot(collection: Pageable): Snapshot {
  const all = [...collection.keys()].map((m) => ({ m, h: memberHash(m) }))
  all.sort((a, b) => a.h - b.h)
  return { hashes: Float64Array.from(all, (e) => e.h), members: all.map((e) => e.m) }
}

/** Index of the first hash ≥ `cursor`. */
function firstAtLeast(hashes: Float64Array, cursor: number): number {
  let lo = 0
  let hi = hashes.length
  while (lo < hi) {
    const mid = (lo + hi) >> 1
    if ((hashes[mid] as number) < cursor) lo = mid + 1
    else hi = mid
  }
  return lo
}
