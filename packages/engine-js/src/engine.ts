import {
  ClosedError,
  type CompiledScript,
  type EngineEnvironment,
  type EngineStats,
  type ExecutionRequest,
  type ExecutionResult,
  type PooledRunOptions,
  runPooled,
  type ScriptEngine,
  type SourceText,
  StatePool,
  warmInBackground,
} from '@polyhost/core/engine'
import { Compiler, type JsCompiledScript } from './compiler.js'
import { InstanceRecycler } from './instance-recycler.js'
import type { JsState, StateOptions } from './js-state.js'
import { SnapshotStore } from './snapshot-store.js'
import { createState } from './state-create.js'
import { runScript } from './runner.js'
import type { WasmLoader } from './wasm.js'

/** Engine-level settings (from `jsEngine(options)`). */
export interface JsEngineSettings {
  readonly initScript?: string | undefined
  readonly retainHeapBytes: number
  readonly heapReserveBytes: number
  readonly onLeak?: ((message: string) => void) | undefined
  /** Start states from a snapshot of a set-up one (default true); false runs every set-up. */
  readonly snapshots?: boolean | undefined
  /** Start snapshot-made states in retired states' instances (default true). */
  readonly reuseInstances?: boolean | undefined
}

/**
 * The QuickJS ScriptEngine: a StatePool of JsStates (one WASM instance each), a compiler
 * instance for syntax checks, and the execution path (core's runPooled: states that hit a
 * limit, a fatal error or a host-level failure are discarded; the others are reset and reused).
 */
export class JsEngine implements ScriptEngine {
  private readonly pool: StatePool<JsState>
  private readonly compiler: Compiler
  private readonly snapshots: SnapshotStore | undefined
  private readonly recycler: InstanceRecycler | undefined
  private executions = 0
  private discarded = 0
  private readonly pooled: PooledRunOptions<JsState> = {
    // a host-level failure inside QuickJS (a trap, an unknown exception) marks the state broken
    broken: (s) => s.broken,
    onDiscard: () => {
      this.discarded++
    },
  }

  private constructor(env: EngineEnvironment, wasm: WasmLoader, settings: JsEngineSettings) {
    this.compiler = new Compiler(wasm, () => env.security.policy.limits.timeoutMs)
    this.snapshots = settings.snapshots === false ? undefined : SnapshotStore.shared(wasm.variantKey)
    this.recycler = this.snapshots && settings.reuseInstances !== false ? new InstanceRecycler(wasm) : undefined
    const opts: StateOptions = { env, wasm, ...settings }
    this.pool = new StatePool<JsState>(
      {
        create: () => createState(opts, this.snapshots, this.recycler),
        reset: (s) => s.reset(),
        validate: (s) => s.validate(),
        destroy: (s) => s.destroy(),
        // policy or bridges changed: a state is rebuilt rather than patched
        checkout: (s) => s.current(env),
      },
      env.pool,
    )
  }

  static async create(env: EngineEnvironment, wasm: WasmLoader, settings: JsEngineSettings): Promise<JsEngine> {
    const engine = new JsEngine(env, wasm, settings)
    await engine.pool.start(1)
    // the first state now (set-up errors fail createHost), the rest of `min` in the background;
    // a closed pool refuses (the host closed while warming): nothing to report then
    warmInBackground(engine.pool, (e) => {
      if (!(e instanceof ClosedError)) env.logger.warn(`js: pre-warming the state pool failed: ${(e as Error).message}`)
    })
    return engine
  }

  compile(source: SourceText): Promise<CompiledScript> {
    return this.compiler.compile(source)
  }

  execute(script: CompiledScript, request: ExecutionRequest): Promise<ExecutionResult> {
    this.executions++
    return runPooled(this.pool, request, (state) => runScript(state, script as JsCompiledScript, request), this.pooled)
  }

  stats(): EngineStats {
    return { pool: this.pool.stats(), executions: this.executions, discarded: this.discarded }
  }

  async close(): Promise<void> {
    // states the drain destroys are not taken back
    this.recycler?.close()
    await this.pool.close()
    this.compiler.close()
  }
}
