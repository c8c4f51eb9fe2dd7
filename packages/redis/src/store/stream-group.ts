import { exactNumber } from './replies.js'
import { compareIds, idText, MIN_ID, type StreamId } from './stream-id.js'

/**
 * Consumer groups of a stream, as Redis 7.0's `streamCG`: the last delivered ID, the
 * `entries-read` counter (-1 when unknown, Redis's SCG_INVALID_ENTRIES_READ), the group's
 * pending entries list (PEL) and its consumers, each with its own PEL sharing the group's
 * entries (`streamNACK`). Names are byte strings (latin1), listed in byte order as Redis's
 * radix trees list them.
 *
 * What the store counts of them (store-usage.ts) is kept in the stream's `bytes`: each group,
 * consumer and pending entry costs its name's bytes plus GROUP_OVERHEAD, what each holds of the
 * JS heap here, rounded up (measured with Node 20, heap and external bytes after a full
 * collection: 200,000 pending entries ~206 bytes each, 200,000 consumers ~389 with 6-byte
 * names, 20,000 groups ~651 with 5-byte names).
 */
export const GROUP_OVERHEAD = { group: 672, consumer: 400, nack: 256 } as const

/** Redis's SCG_INVALID_ENTRIES_READ. */
export const INVALID_ENTRIES_READ = -1n

/** What holds groups: a stream (stream.ts), its count of bytes included. */
export interface GroupHolder {
  groups: Map<string, Group> | undefined
  bytes: number
}

/** A pending entry: delivered, not acknowledged (`streamNACK`). */
export interface Nack {
  /** Undefined only while XCLAIM FORCE makes it. */
  consumer: Consumer | undefined
  deliveryTime: number
  /** Redis's unsigned 64-bit count (RETRYCOUNT sets any long long): see `deliveryCountReply`. */
  deliveryCount: bigint
}

export interface Consumer {
  readonly name: string
  readonly pel: IdIndex<Nack>
  seenTime: number
}

export interface Group {
  readonly name: string
  lastId: StreamId
  entriesRead: bigint
  readonly pel: IdIndex<Nack>
  readonly consumers: Map<string, Consumer>
}

/**
 * Values by stream ID, iterated in ID order: a Map for lookups and an array of IDs. IDs mostly
 * arrive in order (XREADGROUP delivers new entries after the last), and are then appended;
 * one that does not (XCLAIM of older entries) is appended too and the array sorted at the next
 * ordered walk, so that claiming n entries in descending order costs one sort, not n shifts
 * of the array. A removal only leaves its ID in the array, swept out once removed ones
 * outnumber live ones, so acknowledging is O(1) amortised and the array stays within twice
 * the live IDs (plus 16).
 */
export class IdIndex<T> {
  private readonly map = new Map<string, T>()
  private ids: StreamId[] = []
  private dead = 0
  private sorted = true

  get size(): number {
    return this.map.size
  }

  get(id: StreamId): T | undefined {
    return this.map.get(idText(id))
  }

  /** Adds or replaces; true when the ID was not there. */
  set(id: StreamId, value: T): boolean {
    const key = idText(id)
    const had = this.map.has(key)
    this.map.set(key, value)
    if (had) return false
    const last = this.ids[this.ids.length - 1]
    if (last && compareIds(last, id) >= 0) this.sorted = false
    this.ids.push(id)
    return true
  }

  delete(id: StreamId): boolean {
    if (!this.map.delete(idText(id))) return false
    this.dead++
    // a walk under way keeps the array it started with
    if (this.dead > 16 && this.dead > this.map.size) this.tidy()
    return true
  }

  /** Live entries with an ID ≥ `start`, in ID order (removals meanwhile are skipped). */
  *from(start: StreamId = MIN_ID): Generator<[StreamId, T]> {
    this.tidy()
    const ids = this.ids
    for (let i = lowerBound(ids, start); i < ids.length; i++) {
      const id = ids[i] as StreamId
      const v = this.map.get(idText(id))
      if (v !== undefined) yield [id, v]
    }
  }

  /** The smallest and largest live IDs. */
  edges(): [StreamId, StreamId] | undefined {
    if (this.map.size === 0) return undefined
    this.tidy()
    let lo = 0
    let hi = this.ids.length - 1
    while (!this.map.has(idText(this.ids[lo] as StreamId))) lo++
    while (!this.map.has(idText(this.ids[hi] as StreamId))) hi--
    return [this.ids[lo] as StreamId, this.ids[hi] as StreamId]
  }

  /** Sorts the IDs after an addition out of order, and sweeps out removed ones once they are many. */
  private tidy(): void {
    if (this.sorted && !(this.dead > 16 && this.dead > this.map.size)) return
    const live: StreamId[] = []
    const seen = new Set<string>()
    for (const id of this.ids) {
      const key = idText(id)
      // an ID removed and added again is in the array twice
      if (this.map.has(key) && !seen.has(key)) live.push(id)
      seen.add(key)
    }
    if (!this.sorted) live.sort(compareIds)
    this.ids = live
    this.dead = 0
    this.sorted = true
  }
}

/** A delivery count as Redis answers it (`addReplyLongLong` of the unsigned count). */
export function deliveryCountReply(n: Nack): number | bigint {
  return exactNumber(BigInt.asIntN(64, n.deliveryCount))
}

/** The stream's group named `name`. */
export function lookupGroup(s: GroupHolder, name: string): Group | undefined {
  return s.groups?.get(name)
}

/** `streamCreateCG`: undefined when the name is taken. */
export function createGroup(s: GroupHolder, name: string, lastId: StreamId, entriesRead: bigint): Group | undefined {
  s.groups ??= new Map()
  if (s.groups.has(name)) return undefined
  const g: Group = { name, lastId, entriesRead, pel: new IdIndex(), consumers: new Map() }
  s.groups.set(name, g)
  s.bytes += GROUP_OVERHEAD.group + name.length
  return g
}

/** XGROUP DESTROY: true when there was such a group. */
export function destroyGroup(s: GroupHolder, name: string): boolean {
  const g = lookupGroup(s, name)
  if (!g) return false
  s.groups?.delete(name)
  s.bytes -= GROUP_OVERHEAD.group + name.length + g.pel.size * GROUP_OVERHEAD.nack
  for (const c of g.consumers.values()) s.bytes -= GROUP_OVERHEAD.consumer + c.name.length
  return true
}

/** `streamCreateConsumer`: undefined when the name is taken. */
export function createConsumer(s: GroupHolder, g: Group, name: string, now: number): Consumer | undefined {
  if (g.consumers.has(name)) return undefined
  const c: Consumer = { name, pel: new IdIndex(), seenTime: now }
  g.consumers.set(name, c)
  s.bytes += GROUP_OVERHEAD.consumer + name.length
  return c
}

/** `streamLookupConsumer`, refreshing its seen time unless `now` is undefined (SLC_NO_REFRESH). */
export function lookupConsumer(g: Group, name: string, now: number | undefined): Consumer | undefined {
  const c = g.consumers.get(name)
  if (c && now !== undefined) c.seenTime = now
  return c
}

/** The consumer, created when missing (XREADGROUP, XCLAIM, XAUTOCLAIM). */
export function consumerFor(s: GroupHolder, g: Group, name: string, now: number): Consumer {
  return lookupConsumer(g, name, now) ?? (createConsumer(s, g, name, now) as Consumer)
}

/** `streamDelConsumer`: its pending entries leave the group's PEL; answers how many it had. */
export function deleteConsumer(s: GroupHolder, g: Group, c: Consumer): number {
  const pending = c.pel.size
  for (const [id] of c.pel.from()) g.pel.delete(id)
  g.consumers.delete(c.name)
  s.bytes -= GROUP_OVERHEAD.consumer + c.name.length + pending * GROUP_OVERHEAD.nack
  return pending
}

/** Adds a pending entry to the group's PEL (its consumer's PEL is the caller's). */
export function addNack(s: GroupHolder, g: Group, id: StreamId, nack: Nack): void {
  if (g.pel.set(id, nack)) s.bytes += GROUP_OVERHEAD.nack
}

/** Removes a pending entry from the group's and its consumer's PELs. */
export function dropNack(s: GroupHolder, g: Group, id: StreamId, nack: Nack): void {
  if (g.pel.delete(id)) s.bytes -= GROUP_OVERHEAD.nack
  nack.consumer?.pel.delete(id)
}

/** Gives a pending entry to `to`, moving it between consumers' PELs. */
export function moveNack(id: StreamId, nack: Nack, to: Consumer): void {
  if (nack.consumer === to) return
  nack.consumer?.pel.delete(id)
  to.pel.set(id, nack)
  nack.consumer = to
}

/** Groups or consumers in Redis's radix-tree order (bytes, a prefix first). */
export function inByteOrder<T>(map: ReadonlyMap<string, T> | undefined): [string, T][] {
  return [...(map ?? new Map<string, T>())].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
}

/** Copies `from`'s groups, consumers and PELs into `to` (COPY; Redis's `streamDup`). */
export function copyGroups(from: GroupHolder, to: GroupHolder): void {
  if (!from.groups) return
  to.groups = new Map()
  for (const g of from.groups.values()) {
    const copy = createGroup(to, g.name, g.lastId, g.entriesRead) as Group
    const nacks = new Map<Nack, Nack>()
    for (const [id, n] of g.pel.from()) {
      const m: Nack = { consumer: undefined, deliveryTime: n.deliveryTime, deliveryCount: n.deliveryCount }
      nacks.set(n, m)
      addNack(to, copy, id, m)
    }
    for (const c of g.consumers.values()) {
      const cc = createConsumer(to, copy, c.name, c.seenTime) as Consumer
      for (const [id, n] of c.pel.from()) moveNack(id, nacks.get(n) as Nack, cc)
    }
  }
}

// --- internal ---

function lowerBound(ids: readonly StreamId[], id: StreamId): number {
  let lo = 0
  let hi = ids.length
  while (lo < hi) {
    const mid = (lo + hi) >> 1
    if (compareIds(ids[mid] as StreamId, id) < 0) lo = mid + 1
    else hi = mid
  }
  return lo
}
