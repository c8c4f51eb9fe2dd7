import type { QuickJSEmscriptenModule, QuickJSFFI, QuickJSWASMModule } from 'quickjs-emscripten-core'
import type { Allocator, HeapGuard } from './heap-guard.js'

type Core = typeof import('quickjs-emscripten-core')

/** The wrappers one state holds over its instance (one set per state, cut off when it retires). */
export interface StateWrappers {
  readonly module: QuickJSWASMModule
  readonly alloc: Allocator
}

/** What a retired state leaves to the next state of its instance (nothing the old one holds). */
export interface Detached {
  readonly em: QuickJSEmscriptenModule
  readonly functions: object
}

/** The Emscripten module behind each view (private: a retired view cannot lead back to it). */
const MODULES = new WeakMap<object, QuickJSEmscriptenModule>()
/** The function set an FFI made here inherits. */
const FUNCTIONS = new WeakMap<QuickJSFFI, object>()

/**
 * Wraps an Emscripten module for one state: quickjs-emscripten's module wrapper over a view
 * of `em` whose `_malloc` refuses to return NULL (quickjs-emscripten writes a string or buffer
 * at the pointer it gets without checking it: at address 0, over QuickJS's static data), and
 * the engine's own allocator, which sees NULL (the heap guard probes free space with it).
 */
export function wrap(core: Core, em: QuickJSEmscriptenModule, ffi: QuickJSFFI): StateWrappers {
  const malloc = em._malloc.bind(em)
  const view = Object.create(em, {
    _malloc: {
      configurable: true,
      value: (size: number) => {
        const ptr = malloc(size)
        if (ptr === 0) throw new Error('quickjs: out of memory')
        return ptr
      },
    },
  }) as QuickJSEmscriptenModule
  MODULES.set(view, em)
  const module: QuickJSWASMModule = new core.QuickJSWASMModule(view, ffi)
  // the module's C-to-host calls read `callbacks` on the Emscripten object itself
  ;(em as unknown as { callbacks: unknown }).callbacks = (view as unknown as { callbacks: unknown }).callbacks
  return { module, alloc: { _malloc: malloc, _free: em._free.bind(em) } }
}

/** A new FFI object with the functions of `detached` (an FFI holds nothing of a state). */
export function ffiFor(detached: Detached): QuickJSFFI {
  const ffi = Object.create(detached.functions) as QuickJSFFI
  FUNCTIONS.set(ffi, detached.functions)
  return ffi
}

/**
 * Cuts a retiring state's wrappers off its instance: its module wrapper, Emscripten view, FFI
 * and allocator lose every property and throw on every use, and its heap guard stops working.
 * Returns what the next state of the instance is wrapped from.
 */
export function detach(w: StateWrappers & { readonly heap: HeapGuard }): Detached {
  const ffi = w.module.getFFI()
  const view = (w.module as unknown as { module: object }).module
  const em = MODULES.get(view)
  if (!em) throw new Error('quickjs: this instance was not wrapped for a state')
  const functions = FUNCTIONS.get(ffi) ?? Object.assign(Object.create(Object.getPrototypeOf(ffi) as object) as object, ffi)
  for (const o of [ffi, view, w.module, w.alloc]) retire(o)
  w.heap.retire()
  return { em, functions }
}

// --- internal ---

function retired(): never {
  throw new Error('quickjs: this state was retired; its instance now belongs to another state')
}

/** What a retired object inherits: every name it looks up is a function that throws. */
const RETIRED: object = new Proxy(Object.create(null) as object, { get: () => retired })

function retire(o: object): void {
  for (const key of Reflect.ownKeys(o)) {
    if (!Reflect.deleteProperty(o, key)) throw new Error(`quickjs: cannot retire ${String(key)}`)
  }
  Object.setPrototypeOf(o, RETIRED)
}
