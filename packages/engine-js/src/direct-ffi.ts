// Over 250 lines: one class, every call the engine makes into QuickJS around quickjs-emscripten (calls, strings, values, promises, jobs).
import type { QuickJSContext, QuickJSHandle, VmCallResult } from 'quickjs-emscripten-core'
import type { Allocator } from './heap-guard.js'

/**
 * The parts of a QuickJSContext (0.32) a direct call needs. They are protected members of
 * the class; `DirectFfi.for` checks that they are there and otherwise falls back to
 * `callFunction`, so a different quickjs-emscripten version is slower, never wrong.
 */
interface ContextInternals {
  readonly ctx: { readonly value: number }
  readonly ffi: {
    QTS_Call(ctx: number, fn: number, self: number, argc: number, argv: number): number
    QTS_ResolveException(ctx: number, ptr: number): number
    QTS_FreeValuePointer(ctx: number, ptr: number): void
    QTS_NewString(ctx: number, chars: number): number
    QTS_NewPromiseCapability(ctx: number, resolveFuncsOut: number): number
    QTS_ExecutePendingJob(rt: number, maxJobs: number, lastJobContextOut: number): number
    QTS_FreeValuePointerRuntime(rt: number, ptr: number): void
  }
  readonly memory: { heapValueHandle(ptr: number): QuickJSHandle }
  readonly module: { readonly HEAPU8: Uint8Array }
}

/** Arguments the preallocated vector holds; longer calls take `callFunction`. */
const MAX_ARGS = 8
/** Bytes of the per-context buffer short strings are encoded into (no malloc per string). */
const SCRATCH_BYTES = 1024
const encoder = new TextEncoder()
/** Returned by `simple` for a value that is not a number, boolean, null or undefined. */
export const NOT_SIMPLE: unique symbol = Symbol('not simple')
/** QuickJS's NaN-boxed value tags (wasm32 builds): a JSValue is 8 bytes, the tag its high word. */
const TAG_INT = 0
const TAG_BOOL = 1
const TAG_NULL = 2
const TAG_UNDEFINED = 3
const TAG_OBJECT = -1
const TAG_EXCEPTION = 6
/** High words in this window are tags (or NaN); any other high word is a boxed double. */
const TAG_WINDOW = 16

/**
 * The engine's hot paths into QuickJS without quickjs-emscripten's per-call overhead:
 * guest calls use one argument vector allocated per context instead of one malloc'd array
 * (and its Lifetime) per call, strings are encoded natively (`encodeInto`, short ones into
 * a per-context scratch buffer) instead of by Emscripten's character loop, and simple
 * values are read straight from memory.
 */
export class DirectFfi {
  private view: Int32Array | undefined
  /** Whether values were verified to have the NaN-boxed layout `simple` and `isObject` read. */
  private boxed = false

  private constructor(
    private readonly ctx: QuickJSContext,
    private readonly inner: ContextInternals,
    /** The argument vector and scratch buffer (a snapshot's copies adopt the same address). */
    readonly argv: number,
    private readonly alloc: Allocator,
  ) {}

  /** A direct caller for `ctx`, or undefined when its internals are not the expected ones. */
  static for(ctx: QuickJSContext, alloc: Allocator): DirectFfi | undefined {
    const inner = ctx as unknown as Partial<ContextInternals>
    const ok =
      typeof inner.ctx?.value === 'number' &&
      typeof inner.ffi?.QTS_Call === 'function' &&
      typeof inner.ffi.QTS_ResolveException === 'function' &&
      typeof inner.ffi.QTS_FreeValuePointer === 'function' &&
      typeof inner.ffi.QTS_NewString === 'function' &&
      typeof inner.ffi.QTS_NewPromiseCapability === 'function' &&
      typeof inner.ffi.QTS_ExecutePendingJob === 'function' &&
      typeof inner.ffi.QTS_FreeValuePointerRuntime === 'function' &&
      typeof inner.memory?.heapValueHandle === 'function' &&
      inner.module?.HEAPU8 instanceof Uint8Array
    if (!ok) return undefined
    // one block: the argument vector, then the scratch buffer for short strings
    const argv = alloc._malloc(MAX_ARGS * 4 + SCRATCH_BYTES)
    if (argv === 0) return undefined
    const direct = new DirectFfi(ctx, inner as ContextInternals, argv, alloc)
    direct.boxed = direct.layoutIsBoxed()
    return direct
  }

  /** A direct caller over `argv`, a block a snapshot's template allocated (see `for`). */
  static adopt(ctx: QuickJSContext, alloc: Allocator, argv: number): DirectFfi | undefined {
    const inner = ctx as unknown as ContextInternals
    const direct = new DirectFfi(ctx, inner, argv, alloc)
    direct.boxed = direct.layoutIsBoxed()
    return direct
  }

  /**
   * A number, boolean, null or undefined read straight from the value's memory, without the
   * two or three calls (`typeof` allocates a C string) of the regular path; NOT_SIMPLE for
   * anything else, or when the layout was not verified.
   */
  simple(h: QuickJSHandle): unknown {
    if (!this.boxed) return NOT_SIMPLE
    const view = this.words()
    const at = (h.value as unknown as number) >> 2
    const tag = view[at + 1] as number
    switch (tag) {
      case TAG_INT:
        return view[at]
      case TAG_BOOL:
        return view[at] !== 0
      case TAG_NULL:
        return null
      case TAG_UNDEFINED:
        return undefined
    }
    if (tag >= -TAG_WINDOW && tag < TAG_WINDOW) return NOT_SIMPLE
    return this.ctx.getNumber(h)
  }

  /** Whether the value is an object; undefined when the layout was not verified (ask the VM). */
  isObject(h: QuickJSHandle): boolean | undefined {
    if (!this.boxed) return undefined
    return this.words()[((h.value as unknown as number) >> 2) + 1] === TAG_OBJECT
  }

  /** Same contract as `ctx.callFunction(fn, undefined, ...args)`. */
  call(fn: QuickJSHandle, args: readonly QuickJSHandle[]): VmCallResult<QuickJSHandle> {
    if (args.length > MAX_ARGS) return this.ctx.callFunction(fn, this.ctx.undefined, ...args)
    const { ctx, ffi, memory } = this.inner
    const view = this.words()
    const base = this.argv >> 2
    for (let i = 0; i < args.length; i++) view[base + i] = (args[i] as QuickJSHandle).value as unknown as number
    const c = ctx.value
    const result = ffi.QTS_Call(c, fn.value as unknown as number, this.ctx.undefined.value as unknown as number, args.length, this.argv)
    // the C glue copies the result to the heap and returns NULL when that allocation fails
    if (result === 0) throw new Error('quickjs: out of memory')
    const error = ffi.QTS_ResolveException(c, result)
    if (error) {
      ffi.QTS_FreeValuePointer(c, result)
      return { error: memory.heapValueHandle(error) }
    }
    // ...and the copy of a pending exception likewise: the result is then the exception marker
    if (this.boxed && this.words()[(result >> 2) + 1] === TAG_EXCEPTION) {
      ffi.QTS_FreeValuePointer(c, result)
      throw new Error('quickjs: out of memory')
    }
    return { value: memory.heapValueHandle(result) }
  }

  /**
   * Same as `ctx.newString(s)` for strings without NUL characters (a C string ends at the
   * first one; callers route those through JSON).
   */
  newString(s: string): QuickJSHandle {
    const { ctx, ffi, memory, module } = this.inner
    // UTF-8 needs at most 3 bytes per UTF-16 unit: short strings always fit the scratch
    const short = s.length * 3 < SCRATCH_BYTES
    const size = short ? SCRATCH_BYTES : Buffer.byteLength(s, 'utf8') + 1
    const ptr = short ? this.argv + MAX_ARGS * 4 : this.alloc._malloc(size)
    if (ptr === 0) return this.ctx.newString(s)
    try {
      const heap = module.HEAPU8
      const { written } = encoder.encodeInto(s, heap.subarray(ptr, ptr + size - 1))
      heap[ptr + written] = 0
      return memory.heapValueHandle(ffi.QTS_NewString(ctx.value, ptr))
    } finally {
      if (!short) this.alloc._free(ptr)
    }
  }

  /**
   * Same as `ctx.newPromise()` without its stale view: quickjs-emscripten makes an Int32Array
   * over the heap for the two resolving functions *before* the call that writes them, and
   * reads it after; once that call grew the heap, the view's buffer is detached and the read
   * throws (`Cannot perform %TypedArray%.prototype.values on a detached ArrayBuffer`, thousands
   * of concurrent async bridge calls). The out-pointers are read here from a view made after.
   */
  newPromise(): { promise: QuickJSHandle; resolve: QuickJSHandle; reject: QuickJSHandle } {
    const { ctx, ffi, memory } = this.inner
    const out = this.alloc._malloc(8)
    if (out === 0) throw new Error('quickjs: out of memory')
    try {
      const promise = memory.heapValueHandle(ffi.QTS_NewPromiseCapability(ctx.value, out))
      const view = this.words()
      return {
        promise,
        resolve: memory.heapValueHandle(view[out >> 2] as number),
        reject: memory.heapValueHandle(view[(out >> 2) + 1] as number),
      }
    } finally {
      this.alloc._free(out)
    }
  }

  /**
   * Same as `runtime.executePendingJobs(max)` for a runtime whose only context is this one,
   * without its stale view: quickjs-emscripten reads the context of the last job from a view
   * made before the jobs ran (and grew the heap); a detached view reads `undefined`, which it
   * then takes for a context pointer. The result is the count of jobs run, or the exception
   * handle of the job that threw.
   */
  executePendingJobs(rt: number, max: number): { value: number; error?: undefined } | { error: QuickJSHandle } {
    const { ctx, ffi, memory } = this.inner
    const out = this.alloc._malloc(4)
    if (out === 0) throw new Error('quickjs: out of memory')
    let value: number
    let last: number
    try {
      this.words()[out >> 2] = 0
      value = ffi.QTS_ExecutePendingJob(rt, max, out)
      last = this.words()[out >> 2] as number
    } finally {
      this.alloc._free(out)
    }
    if (last === 0) {
      ffi.QTS_FreeValuePointerRuntime(rt, value)
      return { value: 0 }
    }
    if (last !== ctx.value) throw new Error('quickjs: a job ran in an unknown context')
    const h = memory.heapValueHandle(value)
    const n = this.boxed ? this.simple(h) : this.ctx.typeof(h) === 'number' ? this.ctx.getNumber(h) : NOT_SIMPLE
    if (typeof n === 'number') {
      h.dispose()
      return { value: n }
    }
    return { error: h }
  }

  dispose(): void {
    this.alloc._free(this.argv)
  }

  // --- internal ---

  /** The heap as 32-bit words; the heap may have grown (a new buffer) since the last use. */
  private words(): Int32Array {
    const buffer = this.inner.module.HEAPU8.buffer
    if (this.view?.buffer !== buffer) this.view = new Int32Array(buffer)
    return this.view
  }

  /** Reads known values the way `simple` would and compares them with the VM's own answers. */
  private layoutIsBoxed(): boolean {
    const { ctx } = this
    this.boxed = true
    try {
      const seven = ctx.evalCode('7')
      if (seven.error) {
        seven.error.dispose()
        return false
      }
      const ok = seven.value.consume((h) => this.simple(h) === 7 && this.isObject(h) === false)
      const float = ctx.newNumber(-1.5).consume((h) => this.simple(h) === -1.5)
      return (
        ok &&
        float &&
        this.simple(ctx.true) === true &&
        this.simple(ctx.false) === false &&
        this.simple(ctx.null) === null &&
        this.simple(ctx.undefined) === undefined &&
        this.simple(ctx.global) === NOT_SIMPLE &&
        this.isObject(ctx.global) === true
      )
    } catch {
      return false
    } finally {
      this.boxed = false
    }
  }
}
