/**
 * Random members of a hash, set or sorted set, for SPOP, SRANDMEMBER, ZRANDMEMBER and
 * HRANDFIELD. A Map or Set has no access by position, so each collection gets an array of
 * its members, kept between calls: a pick draws a position in it, a member removed since is
 * dropped from it when drawn (and the draw repeated), and the array is made again when the
 * collection holds more members than it (members were added). A loop of SPOPs over a large
 * set is so O(1) per pop, as in Redis, not O(n).
 */

/** A collection as picks need it. */
export interface Drawable {
  readonly size: number
  keys(): Iterable<string>
  has(member: string): boolean
}

/** A uniformly drawn integer in [0, n). */
export function randomBelow(n: number): number {
  return Math.floor(Math.random() * n)
}

/** One member of a non-empty collection, drawn at random; `owner` (the Map or Set itself) keys the kept array. */
export function randomMember(owner: object, c: Drawable): string {
  for (;;) {
    let list = positions.get(owner)
    if (!list || list.length < c.size) {
      list = [...c.keys()]
      positions.set(owner, list)
    }
    const i = randomBelow(list.length)
    const m = list[i] as string
    if (c.has(m)) return m
    // removed since: drop it (the last one takes its place)
    list[i] = list[list.length - 1] as string
    list.pop()
  }
}

/**
 * `count` distinct members (fewer than the collection holds), in random order: drawn one by
 * one while they are few against the whole (Redis's case 4), else a partial shuffle of all.
 */
export function distinctMembers(owner: object, c: Drawable, count: number): string[] {
  if (count * 3 <= c.size) {
    const picked = new Set<string>()
    while (picked.size < count) picked.add(randomMember(owner, c))
    return [...picked]
  }
  const all = [...c.keys()]
  for (let i = 0; i < count; i++) {
    const j = i + randomBelow(all.length - i)
    const t = all[i] as string
    all[i] = all[j] as string
    all[j] = t
  }
  return all.slice(0, count)
}

/** `count` members drawn independently (repeats possible: a negative count). */
export function drawnMembers(owner: object, c: Drawable, count: number): string[] {
  const out: string[] = new Array(count)
  for (let i = 0; i < count; i++) out[i] = randomMember(owner, c)
  return out
}

// --- internal ---

const positions = new WeakMap<object, string[]>()
