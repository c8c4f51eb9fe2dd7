import type { StateSnapshot } from './state-snapshot.js'
import { type Detached, detach } from './state-wrappers.js'
import type { WasmInstance, WasmLoader } from './wasm.js'

/** Instances kept idle per engine: each holds the resident pages its last state touched. */
const MAX_IDLE = 4

/**
 * The WebAssembly instances of retired snapshot-made states, kept so that the next
 * snapshot-made state of the same memory size and budget (of any shape) starts in one of them
 * instead of a new instance and memory, whose pages all fault in again (most of a new state's
 * cost on VMs where a page fault costs tens of µs).
 *
 * An instance is taken back only when its state retired at rest (no execution running, not
 * broken, no call into the instance unfinished: its stack pointer where it starts; memory
 * never grown); the state's wrappers are cut off from it at once (`detach`: its module
 * wrapper, Emscripten view, FFI, allocator and heap guard throw from then on). Before it is
 * handed out again its whole linear memory is compared with the requesting snapshot's image
 * and every page that differs is rewritten (`StateSnapshot.reset`), so the new state starts
 * byte-for-byte where a new instance restored from that snapshot would: nothing of the
 * previous state survives, wherever it wrote. One recycler per engine; a closed one takes
 * nothing back.
 */
export class InstanceRecycler {
  private idle: { instance: WasmInstance; detached: Detached }[] = []
  private closed = false
  /** States started in a recycled instance (for stats and tests). */
  reused = 0

  constructor(private readonly loader: WasmLoader) {}

  /**
   * Takes back the instance of a retiring snapshot-made state (its memory never grew past the
   * snapshot's size), or lets it go. The caller guarantees the state is at rest; whatever it
   * still holds stops working here.
   */
  put<S>(snapshot: StateSnapshot<S>, instance: WasmInstance): void {
    const keep =
      !this.closed &&
      instance.atRest?.() === true &&
      instance.heap.memory.buffer.byteLength === snapshot.heapBytes &&
      !instance.heap.tripped
    let detached: Detached
    try {
      detached = detach(instance)
    } catch {
      // wrappers that cannot be cut off (another quickjs-emscripten): the instance is dropped
      return
    }
    if (!keep) return
    if (this.idle.length >= MAX_IDLE) this.idle.shift()
    this.idle.push({ instance, detached })
  }

  /**
   * An instance for a new state of `snapshot`, reset to that snapshot's template memory and
   * rewrapped (a new FFI, allocator and module wrapper), or undefined when none of the same
   * memory size and budget is idle. It may have served a state of another snapshot (another
   * policy or bridge set): the reset rewrites whatever differs.
   */
  take<S>(snapshot: StateSnapshot<S>, budget: number): WasmInstance | undefined {
    for (let i = this.idle.length - 1; i >= 0; i--) {
      const e = this.idle[i]!
      if (e.instance.heap.memory.buffer.byteLength !== snapshot.heapBytes || e.instance.budget !== budget) continue
      this.idle.splice(i, 1)
      const next = this.loader.rewrap(e.instance, e.detached)
      snapshot.reset(next)
      this.reused++
      return next
    }
    return undefined
  }

  /** Drops every idle instance and takes nothing back from now on. */
  close(): void {
    this.closed = true
    this.idle = []
  }
}
