/** 4 KiB: the unit an image compares and rewrites (the OS page). */
export const PAGE_BYTES = 4096
/** Pages one run of the image spans at most (one comparison when nothing differs). */
const RUN_PAGES = 16
const ZEROS = Buffer.alloc(PAGE_BYTES * RUN_PAGES)

/** Consecutive pages of the image: all zeros (`data` undefined) or these bytes. */
interface Run {
  readonly at: number
  readonly bytes: number
  readonly data: Buffer | undefined
}

/**
 * A copy of a whole linear memory, kept as runs of pages: runs of zero pages as their
 * extent only, the others as their bytes. `reset` makes another memory of the same size
 * equal to it, byte for byte, rewriting only the pages that differ.
 */
export class MemoryImage {
  private constructor(
    private readonly runs: readonly Run[],
    readonly size: number,
  ) {}

  /** The image of `memory` as it is now (copied). */
  static of(memory: Uint8Array): MemoryImage {
    const runs: Run[] = []
    const isZero = (at: number) => ZEROS.compare(memory, at, at + PAGE_BYTES, 0, PAGE_BYTES) === 0
    for (let at = 0; at < memory.length; ) {
      const zero = isZero(at)
      let end = at + PAGE_BYTES
      while (end < memory.length && end - at < RUN_PAGES * PAGE_BYTES && isZero(end) === zero) end += PAGE_BYTES
      runs.push({ at, bytes: end - at, data: zero ? undefined : Buffer.from(memory.subarray(at, end)) })
      at = end
    }
    return new MemoryImage(runs, memory.length)
  }

  /** The image's page at byte offset `at` (a view: not to be written). */
  page(at: number): Uint8Array {
    for (const r of this.runs) {
      if (at >= r.at + r.bytes) continue
      return r.data ? r.data.subarray(at - r.at, at - r.at + PAGE_BYTES) : ZEROS.subarray(0, PAGE_BYTES)
    }
    throw new RangeError(`memory image: no page at ${at}`)
  }

  /**
   * Rewrites every page of `memory` that differs from the image; returns how many. Pages
   * that already match are only read.
   */
  reset(memory: Buffer): number {
    if (memory.length !== this.size) throw new RangeError('memory image: the memory has another size')
    let rewritten = 0
    for (const { at, bytes, data } of this.runs) {
      const want = data ?? ZEROS
      if (want.compare(memory, at, at + bytes, 0, bytes) === 0) continue
      for (let off = 0; off < bytes; off += PAGE_BYTES) {
        if (want.compare(memory, at + off, at + off + PAGE_BYTES, off, off + PAGE_BYTES) === 0) continue
        if (data) memory.set(data.subarray(off, off + PAGE_BYTES), at + off)
        else memory.fill(0, at + off, at + off + PAGE_BYTES)
        rewritten++
      }
    }
    return rewritten
  }
}
