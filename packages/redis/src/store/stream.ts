/** A stream entry ID (`ms-seq`). */
export interface StreamId {
  readonly ms: number
  readonly seq: number
}

/** One stream entry. */
export interface StreamEntry {
  readonly id: StreamId
  readonly fields: readonly Buffer[]
}

/** Compares IDs: negative when a < b. */
export function compareIds(a: StreamId, b: StreamId): number {
  return a.ms !== b.ms ? a.ms - b.ms : a.seq - b.seq
}

/** `ms-seq` text. */
export function idText(id: StreamId): string {
  return `${id.ms}-${id.seq}`
}

/**
 * A stream: entries in ID order and the last ID ever added (kept when entries are deleted
 * or trimmed, as Redis keeps it). Streams are not removed when they become empty.
 */
export class Stream {
  readonly entries: StreamEntry[] = []
  lastId: StreamId = { ms: 0, seq: 0 }

  get size(): number {
    return this.entries.length
  }

  /** Appends an entry whose ID is above lastId (the caller checked). */
  append(id: StreamId, fields: readonly Buffer[]): void {
    this.entries.push({ id, fields })
    this.lastId = id
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
