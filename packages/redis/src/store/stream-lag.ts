import type { Stream } from './stream.js'
import type { Group } from './stream-group.js'
import { INVALID_ENTRIES_READ } from './stream-group.js'
import { compareIds, MAX_ID, MIN_ID, type StreamId } from './stream-id.js'

/**
 * Redis 7.0's `entries-read` and `lag` of a consumer group (t_stream.c): the number of
 * entries a group has read is tracked while no deleted entry (tombstone) lies ahead of it,
 * and estimated from the stream's `entries-added`, length and first ID where it can be.
 */

/** `streamRangeHasTombstones`: whether an entry XDEL removed may lie in [start, end]. */
export function rangeHasTombstones(s: Stream, start: StreamId, end: StreamId = MAX_ID): boolean {
  const maxDeleted = s.maxDeletedId
  if (s.size === 0 || isZero(maxDeleted)) return false
  if (compareIds(s.firstId, maxDeleted) > 0) return false
  return compareIds(start, maxDeleted) <= 0 && compareIds(maxDeleted, end) <= 0
}

/** `streamEstimateDistanceFromFirstEverEntry`: the read counter of `id`, or -1 when unknown. */
export function estimateEntriesRead(s: Stream, id: StreamId): bigint {
  const added = s.entriesAdded
  if (added === 0n) return 0n
  if (s.size === 0 && compareIds(id, s.lastId) < 1) return added
  const cmpLast = compareIds(id, s.lastId)
  if (cmpLast === 0) return added
  if (cmpLast > 0) return INVALID_ENTRIES_READ
  const cmpFirst = compareIds(id, s.firstId)
  if (isZero(s.maxDeletedId) || compareIds(s.maxDeletedId, s.firstId) < 0) {
    if (cmpFirst < 0) return added - BigInt(s.size)
    if (cmpFirst === 0) return added - BigInt(s.size) + 1n
  }
  return INVALID_ENTRIES_READ
}

/** `streamReplyWithCGLag`: the group's lag, null when it cannot be known. */
export function groupLag(s: Stream, g: Group): bigint | null {
  const added = s.entriesAdded
  if (added === 0n) return 0n
  if (g.entriesRead !== INVALID_ENTRIES_READ && !rangeHasTombstones(s, g.lastId)) return added - g.entriesRead
  const read = estimateEntriesRead(s, g.lastId)
  return read === INVALID_ENTRIES_READ ? null : added - read
}

/** What delivering entry `id` (above the group's last ID) does to the group (`streamReplyWithRange`). */
export function advanceGroup(s: Stream, g: Group, id: StreamId): void {
  if (g.entriesRead !== INVALID_ENTRIES_READ && !rangeHasTombstones(s, id)) g.entriesRead++
  else if (s.entriesAdded !== 0n) g.entriesRead = estimateEntriesRead(s, id)
  g.lastId = id
}

// --- internal ---

function isZero(id: StreamId): boolean {
  return compareIds(id, MIN_ID) === 0
}
