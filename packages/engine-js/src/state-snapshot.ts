import type { JSContextPointer, QuickJSContext, QuickJSHandle, QuickJSRuntime, QuickJSWASMModule } from 'quickjs-emscripten-core'
import { MemoryImage, PAGE_BYTES } from './memory-image.js'
import type { WasmInstance } from './wasm.js'

/** Makes a host function of a state: replayed with the new state when a copy is restored. */
export type HostMaker<S> = (state: S) => (...args: QuickJSHandle[]) => unknown

/** The live handles of a set-up state, by role: pointers into its linear memory. */
export interface SnapshotPointers {
  readonly rt: number
  readonly ctx: number
  readonly global: number | undefined
  readonly evalFn: number
  readonly helpers: Readonly<Record<string, number>>
  readonly argv: number | undefined
  /** Host-side facts of the baseline that travel with the memory: one set every copy reads. */
  readonly baseline: ReadonlySet<string>
  readonly baseHeap: number
  readonly free: number
}

/** A restored runtime and context, wrapped at the template's addresses in a new instance. */
export interface RestoredVm {
  readonly runtime: QuickJSRuntime
  readonly ctx: QuickJSContext
  adopt(ptr: number): QuickJSHandle
}

/**
 * The linear memory of a state right after set-up and lockdown, as the 4 KiB pages that
 * differ from a freshly started instance, plus what the host side needs to wrap it again:
 * the runtime, context and handle pointers and the host functions in id order. A copy is a
 * new WebAssembly instance with its own Memory whose pages are overwritten with these, so it
 * starts byte-for-byte equal to the template and shares nothing with it or other copies.
 * Wizer-style pre-initialisation, done at run time.
 */
export class StateSnapshot<S> {
  private constructor(
    private readonly pages: readonly (readonly [number, Uint8Array])[],
    /** The template's whole memory. */
    private readonly image: MemoryImage,
    private readonly size: number,
    readonly pointers: SnapshotPointers,
    private readonly refs: HostRefState<S>,
  ) {}

  /** Size of the template's memory: a copy's instance must start with exactly this much. */
  get heapBytes(): number {
    return this.size
  }

  /** Bytes copied into every restored state. */
  get bytes(): number {
    return this.pages.length * PAGE_BYTES
  }

  /**
   * Takes the snapshot of `template` (set up, never run), diffing its memory against
   * `reference`, an instance started the same way that ran nothing. With `pinnedBuild`, the
   * template's dead stack is given the reference's bytes first (`deadStackOf`), so what
   * set-up's calls left there is copied into no state. Undefined when the template cannot
   * be copied faithfully (a host function made without a maker, a reference of another size).
   */
  static take<S>(
    template: WasmInstance,
    reference: WasmInstance,
    runtime: QuickJSRuntime,
    makers: ReadonlyMap<unknown, HostMaker<S>>,
    pointers: SnapshotPointers,
    pinnedBuild = false,
  ): StateSnapshot<S> | undefined {
    const mine = template.heap.memory.buffer
    const fresh = reference.heap.memory.buffer
    // a copy starts with the template's size (growing it later would go behind Emscripten's back)
    if (mine.byteLength !== fresh.byteLength) return undefined
    const refs = HostRefState.of(runtime, makers)
    if (!refs) return undefined
    const a = Buffer.from(mine)
    const b = Buffer.from(fresh)
    const dead = pinnedBuild ? deadStackOf(template) : undefined
    if (dead) a.set(b.subarray(dead[0], dead[1]), dead[0])
    const image = MemoryImage.of(a)
    // the pages a new instance needs: those where the template differs from a fresh start
    const pages: [number, Uint8Array][] = []
    for (let at = 0; at < a.length; at += PAGE_BYTES) {
      if (a.compare(b, at, at + PAGE_BYTES, at, at + PAGE_BYTES) !== 0) pages.push([at, image.page(at)])
    }
    return new StateSnapshot(pages, image, mine.byteLength, pointers, refs)
  }

  /**
   * Makes the memory of a retired state's instance (never grown) equal to the template's,
   * byte for byte: every page is compared with the template's image and rewritten where it
   * differs, wherever the last state wrote. Pages nobody touched are only read. Returns the
   * number of pages rewritten.
   */
  reset(instance: WasmInstance): number {
    const rewritten = this.image.reset(Buffer.from(instance.heap.memory.buffer))
    instance.heap.restart(this.pointers.free)
    return rewritten
  }

  /**
   * Writes the template's pages into `instance` (fresh, nothing run in it; or `reset`, then
   * already equal to the template) and wraps its runtime and context; `state` receives the host functions, rebuilt under their ids.
   */
  restore(instance: WasmInstance, bind: (vm: RestoredVm) => S, reset = false): S {
    const memory = instance.heap.memory
    if (memory.buffer.byteLength !== this.size) throw new Error('snapshot: the new instance has another heap size')
    // a reset instance already holds the template's memory
    if (!reset) {
      const view = new Uint8Array(memory.buffer)
      for (const [at, page] of this.pages) view.set(page, at)
    }
    const { module } = instance
    const runtime = wrapRuntime(module, this.pointers.rt)
    const ctx = runtime.newContext({ contextPointer: this.pointers.ctx as unknown as JSContextPointer })
    const inner = ctx as unknown as ContextInternals
    if (this.pointers.global !== undefined) inner._global = inner.memory.staticHeapValueHandle(this.pointers.global)
    const state = bind({ runtime, ctx, adopt: (ptr) => inner.memory.heapValueHandle(ptr) })
    this.refs.install(runtime, state)
    return state
  }
}

/** Reads the pointers quickjs-emscripten keeps privately on a context (0.32). */
export function globalPointer(ctx: QuickJSContext): number | undefined {
  return (ctx as unknown as ContextInternals)._global?.value
}

/** The address of the context's JSContext struct in linear memory (a private field of 0.32). */
export function contextPointer(ctx: QuickJSContext): number {
  return (ctx as unknown as { ctx: { value: number } }).ctx.value
}

// --- internal ---

/** The stack below the stack pointer's top that `deadStackOf` treats as dead. */
const DEAD_STACK_BYTES = 1 << 20

/**
 * Byte offsets `[from, to)` of stack no call holds: at rest (no call into the instance
 * running, the stack pointer at its top) everything below the stack pointer is dead, and
 * set-up's calls left their frames there (~2 pages copied into every state). Only for the
 * pinned build, whose 5 MiB stack (wasm-layout.ts) holds this window with room to spare:
 * below the stack lie the module's data and bss, which are live.
 */
function deadStackOf(instance: WasmInstance): readonly [number, number] | undefined {
  const top = instance.stackTop
  if (top === undefined || top < DEAD_STACK_BYTES || instance.atRest?.() !== true) return undefined
  return [top - DEAD_STACK_BYTES, top]
}

interface ContextInternals {
  _global: QuickJSHandle | undefined
  readonly memory: { heapValueHandle(ptr: number): QuickJSHandle; staticHeapValueHandle(ptr: number): QuickJSHandle }
}

/** quickjs-emscripten's HostRefMap (0.32): ids in C memory, functions on the host side. */
interface HostRefMapInternals {
  nextId: number
  freelist: number[]
  groups: Map<number, Map<number, unknown>>
}

/** The host-reference table of a template: its ids, free list and which maker made each. */
class HostRefState<S> {
  private constructor(
    private readonly nextId: number,
    private readonly freelist: readonly number[],
    private readonly entries: readonly (readonly [group: number, id: number, make: HostMaker<S>])[],
  ) {}

  static of<S>(runtime: QuickJSRuntime, makers: ReadonlyMap<unknown, HostMaker<S>>): HostRefState<S> | undefined {
    const map = runtime.hostRefs as unknown as Partial<HostRefMapInternals>
    if (typeof map.nextId !== 'number' || !Array.isArray(map.freelist) || !(map.groups instanceof Map)) return undefined
    const entries: [number, number, HostMaker<S>][] = []
    for (const [group, ids] of map.groups) {
      for (const [id, fn] of ids) {
        const make = makers.get(fn)
        if (!make) return undefined
        entries.push([group, id, make])
      }
    }
    return new HostRefState(map.nextId, [...map.freelist], entries)
  }

  install(runtime: QuickJSRuntime, state: S): void {
    const map = runtime.hostRefs as unknown as HostRefMapInternals
    map.nextId = this.nextId
    map.freelist = [...this.freelist]
    map.groups = new Map()
    for (const [group, id, make] of this.entries) {
      let ids = map.groups.get(group)
      if (!ids) map.groups.set(group, (ids = new Map()))
      ids.set(id, make(state))
    }
  }
}

/** A runtime wrapper for a runtime that already exists in the instance's memory. */
function wrapRuntime(module: QuickJSWASMModule, rt: number): QuickJSRuntime {
  const ffi = module.getFFI() as unknown as { QTS_NewRuntime: () => number }
  const own = Object.hasOwn(ffi, 'QTS_NewRuntime')
  const create = ffi.QTS_NewRuntime
  ffi.QTS_NewRuntime = () => rt
  try {
    return module.newRuntime()
  } finally {
    // an FFI that inherits its functions (a recycled instance's) gets no own copy of this one
    if (own) ffi.QTS_NewRuntime = create
    else delete (ffi as Partial<typeof ffi>).QTS_NewRuntime
  }
}
