import type { QuickJSFFI } from 'quickjs-emscripten-core'
import type { StateSnapshot } from './state-snapshot.js'
import type { WasmInstance, WasmLoader } from './wasm.js'

/** Instances kept idle per engine: each holds the resident pages its last state touched. */
const MAX_IDLE = 4

/**
 * The WebAssembly instances of retired snapshot-made states, kept so that the next state of
 * the same snapshot starts in one of them instead of a new instance and memory (whose pages
 * all fault in again: most of a new state's cost on VMs where a page fault costs tens of µs).
 *
 * An instance is taken back only when its state retired at rest (no execution running, not
 * broken, no call into the instance unfinished: its stack pointer where it starts; memory
 * never grown); the state's wrappers are cut off from it at once (every
 * function of its FFI and allocator throws from then on). Before it is handed out again its
 * whole linear memory is compared with the template's image and every page that differs is
 * rewritten (`StateSnapshot.reset`), so the new state starts byte-for-byte where a new
 * instance restored from the snapshot would: nothing of the previous state survives, wherever
 * it wrote. One recycler per engine; a closed one takes nothing back.
 */
export class InstanceRecycler {
  private idle: { snapshot: object; instance: WasmInstance; functions: object }[] = []
  private closed = false
  /** States started in a recycled instance (for stats and tests). */
  reused = 0

  constructor(private readonly loader: WasmLoader) {}

  /**
   * Takes back the instance of a retiring state made from `snapshot`, or lets it go. The
   * caller guarantees the state is at rest; whatever it still holds stops working here.
   */
  put<S>(snapshot: StateSnapshot<S>, instance: WasmInstance): void {
    const keep =
      !this.closed &&
      instance.atRest?.() === true &&
      instance.heap.memory.buffer.byteLength === snapshot.heapBytes &&
      !instance.heap.tripped
    const ffi = instance.module.getFFI()
    // the FFI's functions hold nothing of the state (they call the instance's exports): the
    // next state inherits them on a new object, the old object loses them
    const functions = keep ? (FUNCTIONS.get(ffi) ?? functionsOf(ffi)) : undefined
    cutOff(instance)
    if (!functions) return
    if (this.idle.length >= MAX_IDLE) this.idle.shift()
    this.idle.push({ snapshot, instance, functions })
  }

  /**
   * An instance for a new state of `snapshot`, reset to the template's memory and rewrapped
   * (a new FFI, allocator and module wrapper), or undefined when none is idle.
   */
  take<S>(snapshot: StateSnapshot<S>, maxBytes: number): WasmInstance | undefined {
    for (let i = this.idle.length - 1; i >= 0; i--) {
      const e = this.idle[i]!
      if (e.snapshot !== snapshot || e.instance.heap.maxBytes !== maxBytes) continue
      this.idle.splice(i, 1)
      snapshot.reset(e.instance)
      this.reused++
      const ffi = Object.create(e.functions) as QuickJSFFI
      FUNCTIONS.set(ffi, e.functions)
      return this.loader.rewrap(e.instance, ffi)
    }
    return undefined
  }

  /** Drops every idle instance and takes nothing back from now on. */
  close(): void {
    this.closed = true
    this.idle = []
  }
}

// --- internal ---

/** The function set an FFI made here inherits (FFIs the loader made have their own). */
const FUNCTIONS = new WeakMap<QuickJSFFI, object>()

function retired(): never {
  throw new Error('quickjs: this state was retired; its instance now belongs to another state')
}

/** What a retired FFI inherits: every name it looks up is a function that throws. */
const RETIRED: object = new Proxy(Object.create(null) as object, { get: () => retired })

/** The own properties of a loader-made FFI (its functions), as an object to inherit from. */
function functionsOf(ffi: QuickJSFFI): object {
  return Object.assign(Object.create(Object.getPrototypeOf(ffi) as object) as object, ffi)
}

/** Makes every FFI and allocator function of a retired state's wrappers throw. */
function cutOff(instance: WasmInstance): void {
  const ffi = instance.module.getFFI()
  if (FUNCTIONS.has(ffi)) Object.setPrototypeOf(ffi, RETIRED)
  else {
    const own = ffi as unknown as Record<string, unknown>
    for (const key of Object.keys(own)) if (typeof own[key] === 'function') own[key] = retired
  }
  const alloc = instance.alloc as { _malloc: unknown; _free: unknown }
  alloc._malloc = retired
  alloc._free = retired
}
