import type {
  CompiledScript,
  EngineCapabilities,
  EngineEnvironment,
  EngineFactory,
  EngineStats,
  ExecutionRequest,
  ExecutionResult,
  ScriptEngine,
  SourceText,
} from '../contracts.js'
import { ScriptRuntimeError } from '../errors.js'
import { StatePool } from '../pool.js'
import { runPooled } from '../pooled-run.js'
import { type FakeProgram, parseFakeScript } from './fake-language.js'
import { FakeInterpreter, FakeScriptError } from './fake-interpreter.js'
import { type FakeState, FakeStateFactory } from './fake-state.js'
import { FakeConverter, freezeDeep, type FValue } from './fake-values.js'

/**
 * What the fake engine enforces, honestly: memory counts only what FakeScript allocates; the
 * stack holds the policy's depth up to a 2,000-frame safety net, so it is approximate above that.
 */
export const FAKE_CAPABILITIES: EngineCapabilities = {
  limits: { instructions: 'exact', timeout: 'exact', memory: 'approximate', stack: 'approximate', bridgeCalls: 'exact', output: 'exact' },
  asyncBridges: true,
  modules: true,
  multipleReturns: true,
  // deliberately unlike Lua's int32 and JS's doubles, so tests read the range from here
  integerRange: [-(2 ** 40), 2 ** 40 - 1],
  undefinedValue: false,
}

export interface FakeEngineOptions {
  /** Plugin id (default `'fake'`); the language is always `'fake'`. */
  readonly id?: string
  /**
   * Declares less than the fake can do (e.g. `{ asyncBridges: false }`); the engine then
   * behaves as declared, so tests can check capability-driven behaviour.
   */
  readonly capabilities?: Partial<EngineCapabilities>
}

interface FakeCompiled extends CompiledScript {
  readonly program: FakeProgram
}

/**
 * An in-memory engine for FakeScript (see `fake-language.ts`) built only from core parts —
 * StatePool, Execution, ConversionGuard, setSafe, custom types — so core's tests and the
 * conformance kit run without Lua or JS.
 *
 * @example
 * const host = await createHost({ engines: [fakeEngine()] })
 * await host.execute({ language: 'fake', source: '["return", ["get", "x"]]', globals: { x: 1 } })
 */
export const fakeEngine: EngineFactory<FakeEngineOptions> = (options = {}) => {
  const capabilities: EngineCapabilities = { ...FAKE_CAPABILITIES, ...options.capabilities }
  return {
    id: options.id ?? 'fake',
    languages: ['fake'],
    extensions: ['.fake'],
    capabilities,
    version: '1',
    create: (env) => FakeEngine.create(env, capabilities, options.id ?? 'fake'),
  }
}

/** The ScriptEngine behind `fakeEngine()`. */
export class FakeEngine implements ScriptEngine {
  private constructor(
    private readonly env: EngineEnvironment,
    private readonly capabilities: EngineCapabilities,
    private readonly id: string,
    private readonly pool: StatePool<FakeState>,
  ) {}

  private discarded = 0
  private readonly pooled = {
    onDiscard: () => {
      this.discarded++
    },
  }

  static async create(env: EngineEnvironment, capabilities: EngineCapabilities, id: string): Promise<FakeEngine> {
    const pool = new StatePool(new FakeStateFactory(env), env.pool)
    await pool.start()
    return new FakeEngine(env, capabilities, id, pool)
  }

  async compile(source: SourceText): Promise<CompiledScript> {
    const program = parseFakeScript(source.source, source.name)
    const compiled: FakeCompiled = {
      engineId: this.id,
      language: source.language,
      name: source.name,
      hash: source.hash,
      source: source.source,
      program,
    }
    return compiled
  }

  execute(script: CompiledScript, request: ExecutionRequest): Promise<ExecutionResult> {
    return runPooled(this.pool, request, (state) => this.run(state, script as FakeCompiled, request), this.pooled)
  }

  stats(): EngineStats {
    return { pool: this.pool.stats(), discarded: this.discarded }
  }

  close(): Promise<void> {
    return this.pool.close()
  }

  // --- internal ---

  private async run(state: FakeState, script: FakeCompiled, request: ExecutionRequest): Promise<ExecutionResult> {
    const execution = request.execution
    try {
      const converter = new FakeConverter(this.env.converters, this.env.maxDepth, this.capabilities.integerRange, execution)
      const scope = new Map<string, FValue>()
      for (const [name, value] of Object.entries(request.globals)) scope.set(name, converter.toVM(value, name))
      scope.set('context', freezeDeep(converter.toVM(request.context, 'context')))
      state.current = { execution, converter }
      const interpreter = new FakeInterpreter({
        execution,
        env: this.env,
        capabilities: this.capabilities,
        converter,
        language: script.language,
        scope,
        base: state.base,
      })
      const values = await interpreter.run(script.program)
      state.current = undefined
      const out = values.map((v) => converter.toHost(v))
      return execution.result(out[0], out)
    } catch (e) {
      // a script error leaves the state sound: it leaves as a (non-fatal) ScriptRuntimeError
      throw e instanceof FakeScriptError ? this.runtimeError(e, script.name) : e
    }
  }

  private runtimeError(e: FakeScriptError, name: string): ScriptRuntimeError {
    let thrown: unknown = e.message
    try {
      thrown = new FakeConverter(this.env.converters, this.env.maxDepth, this.capabilities.integerRange).toHost(e.value)
    } catch {
      // an unconvertible thrown value is reported by its message only
    }
    return new ScriptRuntimeError(`${name}:${e.line}: ${e.message}`, name, e.line, 1, `  at ${name}:${e.line}`, thrown)
  }
}
