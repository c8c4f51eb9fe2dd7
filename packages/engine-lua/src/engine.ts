import {
  type CompiledScript,
  type EngineEnvironment,
  type EngineStats,
  type ExecutionRequest,
  type ExecutionResult,
  InvalidArgumentError,
  type ModuleDefinition,
  type PooledRunOptions,
  runPooled,
  type ScriptEngine,
  ScriptSyntaxError,
  type SourceText,
  StatePool,
  type StateFactory,
} from '@polyhost/core/engine'
import { LuaCompiler, protoRetainedBytes } from './compiler.js'
import { fengari, type Fengari, type Proto } from './fengari-api.js'
import { LuaSandbox } from './lua-state.js'
import type { StateDeps } from './state-deps.js'
import { DEFAULT_TIME_SLICE_MS, type LuaEngineOptions } from './options.js'
import { runScript } from './runner.js'

/** A compiled Lua chunk: fengari's prototype, shared by every state of the engine. */
export interface LuaCompiledScript extends CompiledScript {
  readonly proto: Proto
}

/**
 * The Lua engine: one compiler state that parses each script once, and one StatePool of
 * sandboxed fengari states that run them.
 */
export class LuaEngine implements ScriptEngine {
  private readonly pool: StatePool<LuaSandbox>
  private readonly compiler: LuaCompiler
  private readonly modules = new WeakMap<ModuleDefinition, Proto | Error>()
  private readonly counters = { compiles: 0, executions: 0, discarded: 0 }
  private readonly sliceMs: number
  private readonly depthError: boolean
  private readonly readOnlyError: string | undefined
  private readonly pooled: PooledRunOptions<LuaSandbox> = {
    // a JS exception escaped fengari's internals: the state is not trusted further
    broken: (s) => s.run?.nativeError !== undefined,
    onDiscard: () => {
      this.counters.discarded++
    },
  }

  private constructor(f: Fengari, env: EngineEnvironment, options: LuaEngineOptions) {
    this.compiler = new LuaCompiler(f, () => env.security.policy.limits.timeoutMs)
    this.sliceMs = sliceOf(options)
    this.depthError = options.stackOverflow === 'error'
    this.readOnlyError = options.readOnlyError
    const deps: StateDeps = {
      f,
      env,
      compiler: this.compiler,
      init: options.init,
      nullSentinel: options.nullValue === 'sentinel',
      newState: { version: -1, bytes: 0 },
      moduleProto: (def) => this.moduleProto(def),
    }
    const factory: StateFactory<LuaSandbox> = {
      create: () => new LuaSandbox(deps),
      reset: (s) => s.reset(),
      validate: (s) => s.validate(),
      destroy: (s) => s.destroy(),
      checkout: (s) => s.refresh(env),
    }
    this.pool = new StatePool(factory, env.pool)
  }

  /** Loads the guarded fengari instance and pre-warms the pool. */
  static async create(env: EngineEnvironment, options: LuaEngineOptions = {}): Promise<LuaEngine> {
    const numbers = options.numbers ?? 'lua53'
    if (numbers !== 'lua53' && numbers !== 'lua51') {
      throw new InvalidArgumentError(`luaEngine: numbers must be 'lua53' or 'lua51' (got ${JSON.stringify(numbers)})`)
    }
    if (options.nullValue !== undefined && options.nullValue !== 'nil' && options.nullValue !== 'sentinel') {
      throw new InvalidArgumentError(`luaEngine: nullValue must be 'nil' or 'sentinel' (got ${JSON.stringify(options.nullValue)})`)
    }
    if (options.readOnlyError !== undefined && (typeof options.readOnlyError !== 'string' || options.readOnlyError === '')) {
      throw new InvalidArgumentError(`luaEngine: readOnlyError must be a non-empty string (got ${JSON.stringify(options.readOnlyError)})`)
    }
    if (options.stackOverflow !== undefined && options.stackOverflow !== 'limit' && options.stackOverflow !== 'error') {
      throw new InvalidArgumentError(`luaEngine: stackOverflow must be 'limit' or 'error' (got ${JSON.stringify(options.stackOverflow)})`)
    }
    // fengari's loading and the first state are synchronous: the other engines of the host
    // start first, so their asynchronous loading (QuickJS's imports and WASM compile) runs
    // beside it instead of after it
    await new Promise((resolve) => setImmediate(resolve))
    const engine = new LuaEngine(fengari(numbers), env, options)
    await engine.pool.start()
    return engine
  }

  async compile(source: SourceText): Promise<LuaCompiledScript> {
    this.counters.compiles++
    const proto = this.compiler.compile(source.source, source.name)
    const retainedBytes = protoRetainedBytes(proto, source.source)
    return { engineId: 'lua', language: source.language, name: source.name, hash: source.hash, source: source.source, proto, retainedBytes }
  }

  execute(script: CompiledScript, request: ExecutionRequest): Promise<ExecutionResult> {
    const input = {
      proto: (script as LuaCompiledScript).proto,
      name: script.name,
      compiler: this.compiler,
      sliceMs: this.sliceMs,
      depthError: this.depthError,
      readOnlyError: this.readOnlyError,
    }
    this.counters.executions++
    return runPooled(this.pool, request, (state) => runScript(state, input, request), this.pooled)
  }

  stats(): EngineStats {
    return { pool: this.pool.stats(), ...this.counters }
  }

  async close(): Promise<void> {
    await this.pool.close()
    this.compiler.close()
  }

  // --- internal ---

  private moduleProto(def: ModuleDefinition): Proto {
    let p = this.modules.get(def)
    if (!p) {
      try {
        p = this.compiler.compile(def.source, def.name)
      } catch (e) {
        // only a syntax error is a property of the source; a compile over its time budget may succeed later
        if (!(e instanceof ScriptSyntaxError)) throw e
        p = e
      }
      this.modules.set(def, p)
    }
    if (p instanceof Error) throw p
    return p
  }
}

/** The slice length in ms (0: no slicing); bad values are a clear error at engine creation. */
function sliceOf(options: LuaEngineOptions): number {
  const v = options.timeSliceMs ?? DEFAULT_TIME_SLICE_MS
  if (v === false) return 0
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) {
    throw new InvalidArgumentError(`luaEngine: timeSliceMs must be a finite number ≥ 0 or false, got ${String(v)}`)
  }
  return v
}
