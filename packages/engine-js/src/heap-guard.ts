/** 64 KiB, the WebAssembly page size. */
export const PAGE = 65_536

/** The two allocator entry points of an Emscripten module the guard uses. */
export interface Allocator {
  _malloc(size: number): number
  _free(ptr: number): void
}

const RESIZE_ATTEMPTS = 3

/** Makes `memory.grow` (what Emscripten's resize calls) ask the memory's current guard. */
function installGrowth(memory: WebAssembly.Memory): { guard: HeapGuard; grow: (delta: number) => number } {
  const growth = { guard: undefined as unknown as HeapGuard, grow: memory.grow.bind(memory) }
  // own property on this Memory instance; the guard decides every growth
  Object.defineProperty(memory, 'grow', { value: (delta: number) => growth.guard.grow(delta) })
  return growth
}
const CHUNKS = [4 << 20, 1 << 20, 256 << 10, 64 << 10, 16 << 10, 4 << 10]

/**
 * Enforces a byte budget on one QuickJS heap. QuickJS's own `setMemoryLimit` counts every
 * allocation as 8 bytes in these builds, so the cap lives one level down: every heap growth
 * of the module's `WebAssembly.Memory` goes through `memory.grow`, which this guard
 * replaces. Growth past the cap fails (malloc returns NULL, QuickJS throws "out of memory")
 * and the guard records the trip, which the engine turns into an uncatchable limit error.
 *
 * Memory already free inside the heap (the 16 MiB initial memory, space freed by earlier
 * executions) would let a script use more than its budget without growing, so the guard
 * measures that slack and either lowers the growth cap by it or fills the excess with a
 * ballast block for the duration of the execution.
 */
export class HeapGuard {
  /** Heap size growth may not exceed (bytes); Infinity = only the Memory maximum. */
  private cap = Number.POSITIVE_INFINITY
  private ballast: number[] = []
  /** Free bytes measured inside the heap at the last `measure()`. */
  free = 0
  /**
   * False for sanitizer builds, whose allocator aborts instead of returning NULL: there the
   * guard only caps growth and never probes free space.
   */
  probing = true
  /** Set when a growth was refused; cleared by `begin`. */
  tripped = false
  /** Heap size the refused growth asked for. */
  wanted = 0
  /** Heap size at `begin` and the largest size since. */
  private startBytes = 0
  private peakBytes = 0
  private budget = 0
  private refusals = 0

  /** Set when the guard's state retired: its instance belongs to the next state's guard. */
  private retired = false
  /** Probing free space (measure, ballast): a refusal there is expected, not a trip. */
  private quiet = false
  /**
   * Called when a refused growth makes the heap trip (the allocation failed), at once: from
   * here on QuickJS and quickjs-emscripten may hand out a NULL pointer as a value.
   */
  onTrip: (() => void) | undefined
  /**
   * Asked at every growth with its bytes: true when the running execution is past its deadline
   * (or would be once those new pages are first touched), and the growth is refused as one past
   * the cap (a single builtin call that allocates as it goes ends at its next growth).
   */
  overdue: ((bytes: number) => boolean) | undefined

  /**
   * `growth` is the Memory's growth hook when another guard of the same Memory exists
   * (`successor`); the first guard of a Memory installs it.
   */
  constructor(
    readonly memory: WebAssembly.Memory,
    /** The Memory's maximum: what the heap can never exceed. */
    readonly maxBytes: number,
    private readonly growth: { guard: HeapGuard; grow: (delta: number) => number } = installGrowth(memory),
  ) {
    growth.guard = this
  }

  /** A guard for the next state of this memory; this one stops working. */
  successor(): HeapGuard {
    const next = new HeapGuard(this.memory, this.maxBytes, this.growth)
    next.probing = this.probing
    this.retired = true
    return next
  }

  /** Stops this guard (its state retired); the memory grows under no guard until a successor. */
  retire(): void {
    this.retired = true
  }

  /** Growth of the memory by `delta` pages, within the execution's cap and the maximum. */
  grow(delta: number): number {
    const next = this.memory.buffer.byteLength + delta * PAGE
    if (this.retired || next > this.cap || next > this.maxBytes || (!this.quiet && this.overdue?.(delta * PAGE) === true)) {
      // Emscripten retries a refused resize twice with less over-allocation; only the
      // third refusal in a row means the allocation itself failed.
      if (++this.refusals >= RESIZE_ATTEMPTS) {
        this.refusals = 0
        this.tripped = true
        this.wanted = Math.max(this.wanted, next)
        if (!this.quiet) this.onTrip?.()
      }
      throw new RangeError('heap limit reached')
    }
    this.refusals = 0
    const r = this.growth.grow(delta)
    if (next > this.peakBytes) this.peakBytes = next
    return r
  }

  /** Back to a new guard's state, for a memory a new state starts in (its old ballast is gone). */
  restart(free: number): void {
    this.live()
    this.ballast = []
    this.cap = Number.POSITIVE_INFINITY
    this.free = free
    this.tripped = false
    this.wanted = 0
    this.startBytes = this.peakBytes = this.budget = this.refusals = 0
  }

  /** Current heap size in bytes. */
  get size(): number {
    return this.memory.buffer.byteLength
  }

  /**
   * Starts an execution that may use `limit` bytes (false: no limit) on top of what is live
   * now. Free heap space counts against the limit; any excess is parked in a ballast.
   */
  begin(limit: number | false, alloc: Allocator): void {
    this.live()
    this.tripped = false
    this.wanted = 0
    this.startBytes = this.peakBytes = this.size
    this.budget = limit === false ? Number.POSITIVE_INFINITY : limit
    if (limit === false) {
      this.cap = Number.POSITIVE_INFINITY
      return
    }
    if (this.probing && this.free > limit) {
      this.cap = this.size
      this.fill(alloc, this.free - limit)
      this.cap = this.size
    } else {
      this.cap = this.size + (limit - this.free)
    }
  }

  /** Ends the execution: releases the ballast and stops enforcing its budget. */
  end(alloc: Allocator): void {
    this.live()
    for (const p of this.ballast) alloc._free(p)
    this.ballast = []
    this.cap = Number.POSITIVE_INFINITY
  }

  /** Bytes the refused allocation would have brought the execution to. */
  get attempted(): number {
    return Math.max(this.used, this.free + this.wanted - this.startBytes)
  }

  /** Whether the heap grew during the current (or last) execution. */
  get grew(): boolean {
    return this.peakBytes > this.startBytes
  }

  /** Bytes charged to the execution so far: free space used up plus growth. */
  get used(): number {
    const growth = this.peakBytes - this.startBytes
    return growth > 0 ? Math.min(this.budget, this.free + growth) : 0
  }

  /**
   * Measures the free space inside the heap by allocating blocks until the allocator would
   * have to grow the heap, then freeing them. Cheap after a fresh start (a few dozen calls).
   */
  measure(alloc: Allocator): number {
    this.free = this.withoutGrowth(() => {
      const blocks: number[] = []
      let total = 0
      try {
        for (const size of CHUNKS) {
          for (let p = alloc._malloc(size); p !== 0; p = alloc._malloc(size)) {
            blocks.push(p)
            total += size
          }
        }
      } finally {
        for (const p of blocks) alloc._free(p)
      }
      return total
    })
    return this.free
  }

  /**
   * Runs `probe`, which allocates to find out what fits, with the heap held at its size: an
   * allocation that would grow it fails quietly (no trip). 0 without probing (sanitizer builds).
   */
  withoutGrowth(probe: () => number): number {
    this.live()
    if (!this.probing) return 0
    const saved = this.cap
    this.cap = this.size
    this.quiet = true
    try {
      return probe()
    } finally {
      this.cap = saved
      this.quiet = false
      this.tripped = false
      this.refusals = 0
    }
  }

  // --- internal ---

  private live(): void {
    if (this.retired) throw new Error('quickjs: this state was retired; its heap guard no longer applies')
  }

  private fill(alloc: Allocator, bytes: number): void {
    let left = bytes
    this.quiet = true
    try {
      for (const size of CHUNKS) {
        while (left >= size) {
          const p = alloc._malloc(size)
          if (p === 0) break
          this.ballast.push(p)
          left -= size
        }
      }
    } finally {
      this.quiet = false
    }
    this.tripped = false
    this.refusals = 0
  }
}
