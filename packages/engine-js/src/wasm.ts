import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import type {
  EmscriptenModuleLoader,
  QuickJSEmscriptenModule,
  QuickJSFFI,
  QuickJSSyncVariant,
  QuickJSWASMModule,
} from 'quickjs-emscripten-core'
import { type Allocator, HeapGuard, PAGE } from './heap-guard.js'
import { type StackPointerInfo, stackPointerOf } from './stack-pointer.js'
import { type Detached, ffiFor, wrap } from './state-wrappers.js'
import { shrinkMemoryImport } from './wasm-layout.js'

/** How the engine obtains QuickJS: a sync variant and, optionally, its compiled wasm. */
export interface WasmOptions {
  /** A quickjs-emscripten *sync* variant. Default: `@jitl/quickjs-wasmfile-release-sync`. */
  readonly variant?: QuickJSSyncVariant
  /**
   * The variant's compiled `.wasm`, shared by every state. Default: compiled once from the
   * default variant's file; with a custom variant and no module, each state loads its own.
   */
  readonly wasmModule?: WebAssembly.Module | (() => Promise<WebAssembly.Module>)
}

/** One QuickJS WASM instance with its own bounded memory. */
export interface WasmInstance {
  readonly module: QuickJSWASMModule
  readonly heap: HeapGuard
  readonly alloc: Allocator
  /**
   * Whether no call into the instance is running (its stack pointer is where it starts);
   * undefined when the module's stack pointer is unknown (not a module compiled here).
   */
  readonly atRest?: (() => boolean) | undefined
  /** The stack pointer's initial value (the stack's top, which it grows down from), when known. */
  readonly stackTop?: number | undefined
  /** The `maxBytes` the instance was made for (its Memory maximum is that, rounded to pages). */
  readonly budget: number
}

type Core = typeof import('quickjs-emscripten-core')

/** Stands for the default variant, which this module loads itself. */
const DEFAULT_VARIANT = Object.freeze({ variant: '@jitl/quickjs-wasmfile-release-sync' })
/** QuickJS builds declare 256 initial pages (16 MiB): a module not compiled here starts so. */
const DECLARED_PAGES = 256
/** 2 GiB: the most a wasm32 Emscripten heap addresses. */
export const MAX_HEAP_BYTES = 32_768 * PAGE

/**
 * Loads quickjs-emscripten lazily (on the first state) and instantiates one WASM module per
 * state, each with its own `WebAssembly.Memory` whose growth a HeapGuard controls. One
 * module per state makes the memory limit a real cap and lets a broken or over-limit state
 * be dropped whole; the compiled `WebAssembly.Module` is shared, and each memory starts at the
 * module's static layout plus 1 MiB (see `shrinkMemoryImport`).
 */
export class WasmLoader {
  private loaded: Promise<Loaded> | undefined
  /** What `loaded` resolved to, for the synchronous `rewrap`. */
  private ready: Loaded | undefined

  constructor(private readonly options: WasmOptions = {}) {}

  /** Whether this loader runs the QuickJS build the package pins and loads by default. */
  get pinnedBuild(): boolean {
    return this.options.variant === undefined
  }

  /** Identifies the variant: loaders of one variant lay out their memory alike. */
  get variantKey(): object {
    return this.options.variant ?? DEFAULT_VARIANT
  }

  /**
   * Creates a fresh instance whose heap can never exceed `maxBytes`. `printErr` receives
   * Emscripten's own diagnostics (e.g. an abort while a broken instance is torn down).
   * `initialBytes` (a snapshot's size) starts the memory larger than the module needs.
   */
  async instantiate(maxBytes: number, printErr?: (message: string) => void, initialBytes = 0): Promise<WasmInstance> {
    const { core, loader, ffi, wasm } = await this.load()
    const initial = Math.max(wasm ? initialPagesOf(wasm) : DECLARED_PAGES, Math.ceil(initialBytes / PAGE))
    const limit = Math.min(MAX_HEAP_BYTES, Math.max(initial * PAGE, Math.ceil(maxBytes / PAGE) * PAGE))
    const memory = new WebAssembly.Memory({ initial, maximum: limit / PAGE })
    // the guard must own `memory.grow` before the module allocates anything
    const heap = new HeapGuard(memory, limit)
    let exports: WebAssembly.Instance['exports'] | undefined
    // the variant's Emscripten loader, called directly: quickjs-emscripten's own path
    // (newVariant + newQuickJSWASMModuleFromVariant) re-imports three modules per instance
    const em = await loader({
      wasmMemory: memory,
      ...(printErr ? { printErr } : {}),
      // synchronous instantiation of the shared compiled module: the asynchronous one waits
      // behind V8's background compile tasks (~50 ms idle for a second instance at start-up)
      ...(wasm ? { instantiateWasm: instantiateSync(wasm, (e) => (exports = e)) } : {}),
    } as Parameters<EmscriptenModuleLoader<QuickJSEmscriptenModule>>[0])
    em.type = 'sync'
    if (typeof em._malloc !== 'function' || typeof em._free !== 'function') {
      throw new Error('quickjs-emscripten module does not expose malloc/free; the memory limit cannot be enforced')
    }
    const wrapped = wrap(core, em, new ffi(em))
    heap.probing = !wrapped.module.getFFI().QTS_BuildIsSanitizeLeak()
    return { ...wrapped, heap, atRest: atRestOf(wasm, exports), stackTop: wasm && STACK_POINTERS.get(wasm)?.initial, budget: maxBytes }
  }

  /**
   * The instance of a retired state (`detach`ed) behind new wrappers — module, Emscripten
   * view, FFI object, allocator, heap guard — for the next state: nothing the old state's
   * wrappers hold reaches the new state.
   */
  rewrap(old: WasmInstance, detached: Detached): WasmInstance {
    const { core } = this.ready!
    return {
      ...wrap(core, detached.em, ffiFor(detached)),
      heap: old.heap.successor(),
      atRest: old.atRest,
      stackTop: old.stackTop,
      budget: old.budget,
    }
  }

  // --- internal ---

  private load(): Promise<Loaded> {
    this.loaded ??= (async (): Promise<Loaded> => {
      // all pieces at once: the file read and compile start now and run beside the imports
      // (and beside another engine's synchronous start-up), not after them
      const custom = this.options.variant
      const m = this.options.wasmModule
      const variant: Promise<QuickJSSyncVariant> = custom
        ? Promise.resolve(custom)
        : import('@jitl/quickjs-wasmfile-release-sync').then((v) => v.default as unknown as QuickJSSyncVariant)
      const wasm = custom ? (typeof m === 'function' ? m() : m) : compileOnce('@jitl/quickjs-wasmfile-release-sync/wasm', true)
      const [core, compiled, [loader, ffi]] = await Promise.all([
        import('quickjs-emscripten-core'),
        wasm,
        variant.then((v) => Promise.all([v.importModuleLoader().then(unwrap), v.importFFI()])),
      ])
      this.ready = { core, loader, ffi, wasm: compiled }
      return this.ready
    })()
    return this.loaded
  }
}

/**
 * Compiles a variant's `.wasm` file given its package export (`<pkg>/wasm`), once per
 * process: every engine (every host) of the process shares the compiled module.
 */
export function compileWasm(specifier: string): Promise<WebAssembly.Module> {
  return compileOnce(specifier, false)
}

// --- internal ---

/**
 * Compiles once per specifier; with `shrink`, the module's memory import is lowered to its
 * static layout: only for the pinned release build, whose layout is known (the debug,
 * leak-sanitizer build traps while it starts in a memory of that size).
 */
function compileOnce(specifier: string, shrink: boolean): Promise<WebAssembly.Module> {
  const key = `${shrink ? 'shrunk:' : ''}${specifier}`
  let compiled = COMPILED.get(key)
  if (!compiled) {
    compiled = (async () => {
      // read synchronously (~0.5 MB, once per process) so the background compile starts in
      // this call, not one I/O round later
      const path = createRequire(import.meta.url).resolve(specifier)
      const bytes = readFileSync(path)
      const layout = shrink ? shrinkMemoryImport(bytes) : undefined
      const sp = stackPointerOf(bytes)
      const module = await WebAssembly.compile(bytes)
      if (layout) INITIAL_PAGES.set(module, layout.initialPages)
      if (sp) STACK_POINTERS.set(module, sp)
      return module
    })()
    // a failed compile is not kept: the next engine tries again
    compiled.catch(() => COMPILED.delete(key))
    COMPILED.set(key, compiled)
  }
  return compiled
}

/** Compiled modules by specifier (a module is immutable and safe to instantiate anywhere). */
const COMPILED = new Map<string, Promise<WebAssembly.Module>>()
/** Pages a memory for a module compiled here starts with (its import minimum was lowered). */
const INITIAL_PAGES = new WeakMap<WebAssembly.Module, number>()
/** The stack pointer of a module compiled here, when it has the expected layout. */
const STACK_POINTERS = new WeakMap<WebAssembly.Module, StackPointerInfo>()

/** Reads whether an instance of `wasm` is at rest, when its stack pointer is known. */
function atRestOf(wasm: WebAssembly.Module | undefined, exports: WebAssembly.Instance['exports'] | undefined): (() => boolean) | undefined {
  const sp = wasm && STACK_POINTERS.get(wasm)
  const read = sp && exports?.[sp.exportName]
  if (!sp || typeof read !== 'function') return undefined
  return () => (read as () => number)() >>> 0 === sp.initial
}

interface Loaded {
  core: Core
  loader: EmscriptenModuleLoader<QuickJSEmscriptenModule>
  ffi: FfiClass
  wasm: WebAssembly.Module | undefined
}

type FfiClass = new (module: QuickJSEmscriptenModule) => QuickJSFFI

/** Initial pages of a memory for `wasm`: lowered for modules compiled here, else as built. */
function initialPagesOf(wasm: WebAssembly.Module): number {
  return INITIAL_PAGES.get(wasm) ?? DECLARED_PAGES
}

type Loader = EmscriptenModuleLoader<QuickJSEmscriptenModule>

/** A variant's module loader behind up to two `default`s (as quickjs-emscripten unwraps it). */
function unwrap(m: Loader | { default: Loader } | { default: { default: Loader } }): Loader {
  let v: unknown = m
  for (let i = 0; i < 2 && typeof v !== 'function' && v && typeof v === 'object' && 'default' in v; i++) v = v.default
  return v as Loader
}

/** Emscripten's `instantiateWasm` hook: instantiates `wasm` at once and hands it over. */
function instantiateSync(wasm: WebAssembly.Module, made: (exports: WebAssembly.Instance['exports']) => void) {
  return (imports: WebAssembly.Imports, receive: (instance: WebAssembly.Instance, module: WebAssembly.Module) => void) => {
    const instance = new WebAssembly.Instance(wasm, imports)
    made(instance.exports)
    receive(instance, wasm)
    return instance.exports
  }
}
