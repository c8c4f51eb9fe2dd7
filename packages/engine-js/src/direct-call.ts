import type { QuickJSContext, QuickJSHandle, VmCallResult } from 'quickjs-emscripten-core'
import type { Allocator } from './heap-guard.js'

/**
 * The parts of a QuickJSContext (0.32) a direct call needs. They are protected members of
 * the class; `DirectCall.for` checks that they are there and otherwise falls back to
 * `callFunction`, so a different quickjs-emscripten version is slower, never wrong.
 */
interface ContextInternals {
  readonly ctx: { readonly value: number }
  readonly ffi: {
    QTS_Call(ctx: number, fn: number, self: number, argc: number, argv: number): number
    QTS_ResolveException(ctx: number, ptr: number): number
    QTS_FreeValuePointer(ctx: number, ptr: number): void
  }
  readonly memory: { heapValueHandle(ptr: number): QuickJSHandle }
  readonly module: { readonly HEAPU8: Uint8Array }
}

/** Arguments the preallocated vector holds; longer calls take `callFunction`. */
const MAX_ARGS = 8

/**
 * Calls guest functions with one argument vector allocated per context instead of one
 * malloc'd array (and its Lifetime) per call, which is most of quickjs-emscripten's
 * `callFunction` cost for the engine's short helper calls.
 */
export class DirectCall {
  private view: Int32Array | undefined

  private constructor(
    private readonly ctx: QuickJSContext,
    private readonly inner: ContextInternals,
    private readonly argv: number,
    private readonly alloc: Allocator,
  ) {}

  /** A direct caller for `ctx`, or undefined when its internals are not the expected ones. */
  static for(ctx: QuickJSContext, alloc: Allocator): DirectCall | undefined {
    const inner = ctx as unknown as Partial<ContextInternals>
    const ok =
      typeof inner.ctx?.value === 'number' &&
      typeof inner.ffi?.QTS_Call === 'function' &&
      typeof inner.ffi.QTS_ResolveException === 'function' &&
      typeof inner.ffi.QTS_FreeValuePointer === 'function' &&
      typeof inner.memory?.heapValueHandle === 'function' &&
      inner.module?.HEAPU8 instanceof Uint8Array
    if (!ok) return undefined
    const argv = alloc._malloc(MAX_ARGS * 4)
    return argv === 0 ? undefined : new DirectCall(ctx, inner as ContextInternals, argv, alloc)
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

  dispose(): void {
    this.alloc._free(this.argv)
  }
}
