import type { EngineFactory } from '@polyhost/core/engine'
import { JS_CAPABILITIES, JS_ENGINE_VERSION } from './capabilities.js'
import { JsEngine } from './engine.js'
import { checkJsEngineOptions } from './engine-options.js'
import { type WasmOptions, WasmLoader } from './wasm.js'

/** Options of `jsEngine()`. */
export interface JsEngineOptions extends WasmOptions {
  /**
   * Script run once in every state before lockdown, as strict code; the globals it defines
   * become part of the frozen baseline every execution sees. It runs under the policy's time
   * limit (`timeoutMs`; 60 s when that is false): a failure rejects `createHost` with a
   * ScriptSyntaxError, ScriptRuntimeError or LimitExceededError('timeout') for `init.js`.
   */
  readonly initScript?: string
  /**
   * A state whose heap grew more than this above its baseline (the memory stays with the
   * instance) is replaced instead of reused. Default 16 MiB.
   */
  readonly retainHeapBytes?: number
  /**
   * Headroom of each state's `WebAssembly.Memory` maximum above the policy's memory limit
   * (the engine's own baseline lives there). Default 32 MiB; debug variants with a leak
   * sanitizer need far more.
   */
  readonly heapReserveBytes?: number
  /**
   * Called when a destroyed state still had QuickJS allocations or handles alive. Use with
   * a debug variant (`@jitl/quickjs-wasmfile-debug-sync`) in tests.
   */
  readonly onLeak?: (message: string) => void
  /**
   * Start new states from a snapshot of a set-up one instead of running set-up and lockdown
   * again (default true). The first state of each policy runs the whole set-up; the second
   * is snapshotted; later ones copy its memory into their own new WASM instance.
   */
  readonly snapshots?: boolean
  /**
   * Start a snapshot-made state in the WASM instance of a retired one when one is idle, its
   * whole memory reset to the template's first (default true; see the package README). With
   * false every such state gets a new instance and memory.
   */
  readonly reuseInstances?: boolean
}

/**
 * The JavaScript engine plugin: QuickJS (quickjs-emscripten, release-sync by default) with
 * one WASM instance per pooled state. QuickJS loads on the first `create`.
 *
 * @example
 * const host = await createHost({ engines: [jsEngine()] })
 * const r = await host.execute({ language: 'js', source: 'a + b', globals: { a: 1, b: 2 } })
 * r.value // 3
 */
export const jsEngine: EngineFactory<JsEngineOptions> = (options = {}) => {
  const wasm = new WasmLoader(options)
  return {
    id: 'js',
    languages: ['js', 'javascript'],
    extensions: ['.js', '.mjs'],
    capabilities: JS_CAPABILITIES,
    version: JS_ENGINE_VERSION,
    module: { specifier: import.meta.url, export: 'jsEngine', options },
    create: (env) => {
      // checked here, as engine-lua checks its options: createHost rejects with the error
      checkJsEngineOptions(options)
      return JsEngine.create(env, wasm, {
        initScript: options.initScript,
        retainHeapBytes: options.retainHeapBytes ?? 16 << 20,
        heapReserveBytes: options.heapReserveBytes ?? 32 << 20,
        onLeak: options.onLeak,
        snapshots: options.snapshots,
        reuseInstances: options.reuseInstances,
      })
    },
  }
}
