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
  }
  readonly memory: { heapValueHandle(ptr: number): QuickJSHandle }
  readonly module: { readonly HEAPU8: Uint8Array }
}

/** Arguments the preallocated vector holds; longer calls take `callFunction`. */
const MAX_ARGS = 8
/** Below this length quickjs-emscripten's own string copy is as fast. */
const ENCODE_FROM = 1024
const encoder = new TextEncoder()

/**
 * The engine's hot paths into QuickJS without quickjs-emscripten's per-call overhead:
 * guest calls use one argument vector allocated per context instead of one malloc'd array
 * (and its Lifetime) per call, and long strings are encoded natively (`encodeInto`)
 * instead of by Emscripten's character loop.
 */
export class DirectFfi {
  private view: Int32Array | undefined

  private constructor(
    private readonly ctx: QuickJSContext,
    private readonly inner: ContextInternals,
    private readonly argv: number,
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
      typeof inner.memory?.heapValueHandle === 'function' &&
      inner.module?.HEAPU8 instanceof Uint8Array
    if (!ok) return undefined
    const argv = alloc._malloc(MAX_ARGS * 4)
    return argv === 0 ? undefined : new DirectFfi(ctx, inner as ContextInternals, argv, alloc)
  }

  /** Same contract as `ctx.callFunction(fn, undefined, ...args)`. */
  call(fn: QuickJSHandle, args: readonly QuickJSHandle[]): VmCallResult<QuickJSHandle> {
    if (args.length > MAX_ARGS) return this.ctx.callFunction(fn, this.ctx.undefined, ...args)
    const { ctx, ffi, memory, module } = this.inner
    const buffer = module.HEAPU8.buffer
    // the heap may have grown (a new buffer) since the last call
    if (this.view?.buffer !== buffer) this.view = new Int32Array(buffer)
    const base = this.argv >> 2
    for (let i = 0; i < args.length; i++) this.view[base + i] = (args[i] as QuickJSHandle).value as unknown as number
    const c = ctx.value
    const result = ffi.QTS_Call(c, fn.value as unknown as number, this.ctx.undefined.value as unknown as number, args.length, this.argv)
    const error = ffi.QTS_ResolveException(c, result)
    if (error) {
      ffi.QTS_FreeValuePointer(c, result)
      return { error: memory.heapValueHandle(error) }
    }
    return { value: memory.heapValueHandle(result) }
  }

  /**
   * Same as `ctx.newString(s)` for strings without NUL characters (a C string ends at the
   * first one; callers route those through JSON).
   */
  newString(s: string): QuickJSHandle {
    if (s.length < ENCODE_FROM) return this.ctx.newString(s)
    const { ctx, ffi, memory, module } = this.inner
    const size = Buffer.byteLength(s, 'utf8') + 1
    const ptr = this.alloc._malloc(size)
    if (ptr === 0) return this.ctx.newString(s)
    try {
      const heap = module.HEAPU8
      encoder.encodeInto(s, heap.subarray(ptr, ptr + size - 1))
      heap[ptr + size - 1] = 0
      return memory.heapValueHandle(ffi.QTS_NewString(ctx.value, ptr))
    } finally {
      this.alloc._free(ptr)
    }
  }

  dispose(): void {
    this.alloc._free(this.argv)
  }
}
