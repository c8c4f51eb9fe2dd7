import { createRequire } from 'node:module'
import type { CustomizeVariantOptions, QuickJSSyncVariant, QuickJSWASMModule } from 'quickjs-emscripten-core'
import { type Allocator, HeapGuard, PAGE } from './heap-guard.js'

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
}

type Core = typeof import('quickjs-emscripten-core')

/** Stands for the default variant, which this module loads itself. */
const DEFAULT_VARIANT = Object.freeze({ variant: '@jitl/quickjs-wasmfile-release-sync' })
/** The wasm declares 256 initial pages (16 MiB); memories may not start smaller. */
const INITIAL_PAGES = 256
/** 2 GiB: the most a wasm32 Emscripten heap addresses. */
export const MAX_HEAP_BYTES = 32_768 * PAGE

/**
 * Loads quickjs-emscripten lazily (on the first state) and instantiates one WASM module per
 * state, each with its own `WebAssembly.Memory` whose growth a HeapGuard controls. One
 * module per state makes the memory limit a real cap and lets a broken or over-limit state
 * be dropped whole; the compiled `WebAssembly.Module` is shared, so an instance costs a few
 * milliseconds and about 200 KiB of touched memory.
 */
export class WasmLoader {
  private loaded: Promise<{ core: Core; variant: QuickJSSyncVariant; wasm: WebAssembly.Module | undefined }> | undefined

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
   */
  async instantiate(maxBytes: number, printErr?: (message: string) => void): Promise<WasmInstance> {
    const { core, variant, wasm } = await this.load()
    const limit = Math.min(MAX_HEAP_BYTES, Math.max(INITIAL_PAGES * PAGE, Math.ceil(maxBytes / PAGE) * PAGE))
    const memory = new WebAssembly.Memory({ initial: INITIAL_PAGES, maximum: limit / PAGE })
    // the guard must own `memory.grow` before the module allocates anything
    const heap = new HeapGuard(memory, limit)
    const emscriptenModule = {
      ...(printErr ? { printErr } : {}),
      // synchronous instantiation of the shared compiled module: the asynchronous one waits
      // behind V8's background compile tasks (~50 ms idle for a second instance at start-up)
      ...(wasm ? { instantiateWasm: instantiateSync(wasm) } : {}),
    } as CustomizeVariantOptions['emscriptenModule']
    const custom = core.newVariant(variant, { wasmMemory: memory, emscriptenModule })
    const module = await core.newQuickJSWASMModuleFromVariant(custom)
    heap.probing = !module.getFFI().QTS_BuildIsSanitizeLeak()
    return { module, heap, alloc: allocatorOf(module) }
  }

  // --- internal ---

  private load() {
    this.loaded ??= (async () => {
      const core = await import('quickjs-emscripten-core')
      if (this.options.variant) {
        const m = this.options.wasmModule
        const wasm = typeof m === 'function' ? await m() : m
        return { core, variant: this.options.variant, wasm }
      }
      const variant = (await import('@jitl/quickjs-wasmfile-release-sync')).default as unknown as QuickJSSyncVariant
      return { core, variant, wasm: await compileWasm('@jitl/quickjs-wasmfile-release-sync/wasm') }
    })()
    return this.loaded
  }
}

/**
 * Compiles a variant's `.wasm` file given its package export (`<pkg>/wasm`), once per
 * process: every engine (every host) of the process shares the compiled module.
 */
export function compileWasm(specifier: string): Promise<WebAssembly.Module> {
  let compiled = COMPILED.get(specifier)
  if (!compiled) {
    compiled = (async () => {
      const { readFile } = await import('node:fs/promises')
      const path = createRequire(import.meta.url).resolve(specifier)
      return WebAssembly.compile(await readFile(path))
    })()
    // a failed compile is not kept: the next engine tries again
    compiled.catch(() => COMPILED.delete(specifier))
    COMPILED.set(specifier, compiled)
  }
  return compiled
}

/** Compiled modules by specifier (a module is immutable and safe to instantiate anywhere). */
const COMPILED = new Map<string, Promise<WebAssembly.Module>>()

/** Emscripten's `instantiateWasm` hook: instantiates `wasm` at once and hands it over. */
function instantiateSync(wasm: WebAssembly.Module) {
  return (imports: WebAssembly.Imports, receive: (instance: WebAssembly.Instance, module: WebAssembly.Module) => void) => {
    const instance = new WebAssembly.Instance(wasm, imports)
    receive(instance, wasm)
    return instance.exports
  }
}

function allocatorOf(module: QuickJSWASMModule): Allocator {
  // quickjs-emscripten keeps the Emscripten module (with malloc/free) on a private field.
  const em = (module as unknown as { module?: Partial<Allocator> }).module
  if (typeof em?._malloc !== 'function' || typeof em._free !== 'function') {
    throw new Error('quickjs-emscripten module does not expose malloc/free; the memory limit cannot be enforced')
  }
  return { _malloc: em._malloc.bind(em), _free: em._free.bind(em) }
}
