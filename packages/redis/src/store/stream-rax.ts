import type { StreamId } from './stream-id.js'

/** A radix-tree key as Redis's streams write it: the ID's two parts, 64-bit big-endian. */
function raxKey(id: StreamId): Buffer {
  const b = Buffer.alloc(16)
  b.writeBigUInt64BE(id.ms, 0)
  b.writeBigUInt64BE(id.seq, 8)
  return b
}

/**
 * The nodes of Redis's radix tree (`rax->numnodes`, XINFO STREAM's `radix-tree-nodes`) holding
 * a stream's nodes under these keys (ascending). rax.c keeps the tree compressed through
 * insertions and deletions alike (`raxRemove` merges the chains a deletion leaves), so the
 * count follows from the keys: the head, and below each point where keys part, one node for
 * the bytes they still share (if any), one for the branching, and per key after its branch
 * byte one node for its remaining bytes (if any) and one for the key itself. An empty tree
 * is its head alone.
 */
export function raxNodeCount(ids: readonly StreamId[]): number {
  if (ids.length === 0) return 1
  const keys = ids.map(raxKey)
  return below(keys, 0, keys.length, 0)
}

// --- internal ---

/** Nodes under the point where keys[lo, hi) share their first `depth` bytes. */
function below(keys: readonly Buffer[], lo: number, hi: number, depth: number): number {
  if (hi - lo === 1) return depth === 16 ? 1 : 2
  const first = keys[lo] as Buffer
  const last = keys[hi - 1] as Buffer
  let at = depth
  while (first[at] === last[at]) at++
  let n = (at > depth ? 1 : 0) + 1
  for (let i = lo; i < hi; ) {
    let j = i
    while (j < hi && (keys[j] as Buffer)[at] === (keys[i] as Buffer)[at]) j++
    n += below(keys, i, j, at + 1)
    i = j
  }
  return n
}
