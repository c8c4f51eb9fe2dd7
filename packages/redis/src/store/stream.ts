import { elementBytes, OVERHEAD } from './store-usage.js'
import { compareIds, MIN_ID, type StreamId } from './stream-id.js'
import { ownedBytes } from './owned-bytes.js'
import { addToNode, deleteInNode, fits, newNode, type StreamEntry, type StreamNode } from './stream-node.js'
import { copyGroups, type Group } from './stream-group.js'

export { compareIds, idText, type StreamId } from './stream-id.js'
export type { StreamEntry } from './stream-node.js'

/** How to trim: a length or a smallest ID, exactly or by whole nodes, `limit` entries at most (0: none). */
export interface TrimSpec {
  readonly maxlen?: bigint
  readonly minid?: StreamId
  readonly approx: boolean
  readonly limit: bigint
}

/**
 * A stream: entries in ID order, the nodes holding them, and the last ID ever added (kept
 * when entries are deleted or trimmed, as Redis keeps it). Streams are not removed when
 * they become empty.
 */
export class Stream {
  entries: StreamEntry[] = []
  lastId: StreamId = MIN_ID
  private nodes: StreamNode[] = []
  /** What the store counts of this stream (store-usage.ts): field bytes and each entry's heap cost. */
  bytes = 0
  /** Operations that changed an entry so far (WATCH compares it: key-watch.ts). */
  changes = 0
  /** Entries ever appended (Redis's `entries_added`), for consumer groups' lag. */
  entriesAdded = 0n
  /** The largest ID XDEL removed (Redis's `max_deleted_entry_id`). */
  maxDeletedId: StreamId = MIN_ID
  /** Consumer groups by name (stream-group.ts); undefined until the first is created. */
  groups: Map<string, Group> | undefined

  /** The nodes' first IDs in order: the keys of Redis's radix tree of nodes (XINFO STREAM). */
  get nodeIds(): StreamId[] {
    return this.nodes.map((n) => n.masterId)
  }

  /** The first entry's ID, 0-0 when empty (Redis's `first_id`). */
  get firstId(): StreamId {
    return this.entries[0]?.id ?? MIN_ID
  }

  get size(): number {
    return this.entries.length
  }

  /** The nodes in order (Redis's radix tree of listpacks), for DUMP. */
  get nodeList(): readonly StreamNode[] {
    return this.nodes
  }

  /** Makes this (empty) stream hold these nodes, each entry its node's records not deleted (RESTORE). */
  setNodes(nodes: StreamNode[]): void {
    this.nodes = nodes
    this.entries = nodes.flatMap((n) => n.records.filter((e) => !e.deleted))
    for (const e of this.entries) this.bytes += entryBytes(e.fields)
  }

  /** Makes this (empty) stream a copy of `source`, its nodes and last ID included (COPY). */
  copyFrom(source: Stream): void {
    this.nodes = source.nodes.map((n) => {
      const copy: StreamNode = { ...n, records: [] }
      for (const e of n.records)
        copy.records.push({ id: e.id, fields: e.fields.map((f) => ownedBytes(f)), node: copy, ...(e.deleted ? { deleted: true } : {}) })
      return copy
    })
    this.entries = this.nodes.flatMap((n) => n.records.filter((e) => !e.deleted))
    this.lastId = source.lastId
    this.entriesAdded = source.entriesAdded
    this.maxDeletedId = source.maxDeletedId
    copyGroups(source, this)
    // the copy's groups count what the source's count
    this.bytes = source.bytes
    this.changes++
  }

  /** Appends an entry whose ID is above lastId (the caller checked). */
  append(id: StreamId, fields: readonly Buffer[]): void {
    let node = this.nodes[this.nodes.length - 1]
    if (!node || !fits(node, fields)) {
      node = newNode(id, fields)
      this.nodes.push(node)
    }
    const entry: StreamEntry = { id, fields, node }
    addToNode(entry)
    this.entries.push(entry)
    this.bytes += entryBytes(fields)
    this.lastId = id
    this.entriesAdded++
    this.changes++
  }

  /** Deletes the entry with `id`; true when there was one. Redis frees a node when its last live entry goes. */
  delete(id: StreamId): boolean {
    const i = this.lowerBound(id)
    const e = this.entries[i]
    if (!e || compareIds(e.id, id) !== 0) return false
    this.entries.splice(i, 1)
    e.deleted = true
    this.deleted(id)
    this.bytes -= entryBytes(e.fields)
    this.changes++
    if (e.node.live === 1) this.nodes.splice(this.nodes.indexOf(e.node), 1)
    else deleteInNode(e.node)
    return true
  }

  /**
   * XDEL: removes the entries with these IDs, in one pass over the stream when there are
   * many (deleting them one by one moves the array's tail each time, O(k × n)). Returns how
   * many existed.
   */
  deleteMany(ids: readonly StreamId[]): number {
    if (ids.length <= 8) return ids.filter((id) => this.delete(id)).length
    const doomed = new Set<StreamEntry>()
    for (const id of ids) {
      const e = this.entries[this.lowerBound(id)]
      if (e && compareIds(e.id, id) === 0) doomed.add(e)
    }
    if (doomed.size === 0) return 0
    for (const e of doomed) {
      e.deleted = true
      this.deleted(e.id)
      this.bytes -= entryBytes(e.fields)
      deleteInNode(e.node)
    }
    this.entries = this.entries.filter((e) => !doomed.has(e))
    this.nodes = this.nodes.filter((node) => node.live > 0)
    this.changes++
    return doomed.size
  }

  /**
   * Redis's `streamTrim`: from the head, whole nodes while the stream stays long enough
   * (MAXLEN) or the node's last ID is below MINID, within `limit`; then, unless
   * approximate, the first entries of the next node. Returns the number removed.
   */
  trim(t: TrimSpec): number {
    let removed = 0
    const over = (e: StreamEntry) => (t.maxlen !== undefined ? BigInt(this.size) > t.maxlen : compareIds(e.id, t.minid ?? MIN_ID) < 0)
    for (let node = this.nodes[0]; node; node = this.nodes[0]) {
      if (t.maxlen !== undefined && BigInt(this.size) <= t.maxlen) break
      if (t.limit !== 0n && BigInt(removed + node.live) > t.limit) break
      const whole = t.maxlen !== undefined ? BigInt(this.size - node.live) >= t.maxlen : compareIds(node.lastId, t.minid ?? MIN_ID) < 0
      if (whole) {
        for (const e of this.entries.splice(0, node.live)) this.bytes -= entryBytes(e.fields)
        this.nodes.shift()
        removed += node.live
        continue
      }
      if (t.approx) break
      // entries deleted inside a node leave it in place, even with no live entry left
      let n = 0
      while (n < node.live && over(this.entries[0] as StreamEntry)) {
        const e = this.entries.shift() as StreamEntry
        e.deleted = true
        this.bytes -= entryBytes(e.fields)
        n++
      }
      deleteInNode(node, n)
      removed += n
      break
    }
    if (removed > 0) this.changes++
    return removed
  }

  /** Records an XDEL'd ID as Redis's `max_deleted_entry_id` (trimming does not). */
  private deleted(id: StreamId): void {
    if (compareIds(id, this.maxDeletedId) > 0) this.maxDeletedId = id
  }

  /** Index of the first entry with ID ≥ id. */
  lowerBound(id: StreamId): number {
    let lo = 0
    let hi = this.entries.length
    while (lo < hi) {
      const mid = (lo + hi) >> 1
      if (compareIds((this.entries[mid] as StreamEntry).id, id) < 0) lo = mid + 1
      else hi = mid
    }
    return lo
  }
}

// --- internal ---

function entryBytes(fields: readonly Buffer[]): number {
  let n: number = OVERHEAD.stream
  for (const f of fields) n += elementBytes('field', f.length)
  return n
}
