import type { Allocator, HeapGuard } from './heap-guard.js'

/** Smallest free block worth zeroing: below a page, a block cannot make a whole page zero. */
const MIN_BLOCK = 4096
/** The allocator's payload alignment (dlmalloc: 8; a multiple of it searches exactly). */
const ALIGN = 8

/**
 * Zeroes the free space inside a heap, through the allocator only: takes every free block of
 * at least a page, largest first and whole (the largest request that still succeeds without
 * growing the heap), fills it with zeros and frees it all again. What the heap held stays
 * where it was; what set-up freed (and what `measure` wrote while probing) reads as zeros
 * afterwards, so a page with nothing live on it equals a fresh page and a snapshot copies
 * only the pages that hold data. Returns the bytes zeroed (a byte zeroed by both passes counts twice).
 */
export function scrubFree(heap: HeapGuard, alloc: Allocator): number {
  // twice: blocks taken side by side are coalesced when freed, and the headers between them
  // stay behind inside the merged free block; the second pass takes that block whole
  return heap.withoutGrowth(() => zeroFreeBlocks(heap, alloc) + zeroFreeBlocks(heap, alloc))
}

// --- internal ---

/** One pass: every free block of at least a page taken, largest first, zeroed, and freed. */
function zeroFreeBlocks(heap: HeapGuard, alloc: Allocator): number {
  const view = () => new Uint8Array(heap.memory.buffer)
  const blocks: number[] = []
  let total = 0
  try {
    for (let size = largest(alloc, heap.size); size >= MIN_BLOCK; size = largest(alloc, size)) {
      const p = alloc._malloc(size)
      if (p === 0) break
      blocks.push(p)
      view().fill(0, p, p + size)
      total += size
    }
  } finally {
    for (let i = blocks.length - 1; i >= 0; i--) alloc._free(blocks[i]!)
  }
  return total
}

/** The largest request up to `upTo` the allocator grants now (0: not even one page). */
function largest(alloc: Allocator, upTo: number): number {
  let lo = 0
  let hi = Math.floor(upTo / ALIGN)
  while (lo < hi) {
    const mid = Math.floor((lo + hi + 1) / 2)
    const p = alloc._malloc(mid * ALIGN)
    if (p === 0) hi = mid - 1
    else {
      alloc._free(p)
      lo = mid
    }
  }
  return lo * ALIGN
}
