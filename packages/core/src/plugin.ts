import { LIMIT_NAMES, type LimitName } from '@polyhost/security'
import type {
  CompiledScript,
  EngineEnvironment,
  EnginePlugin,
  EngineStats,
  ExecutionRequest,
  ExecutionResult,
  ScriptEngine,
  SourceText,
} from './contracts.js'
import { ClosedError, EngineNotFoundError, InvalidArgumentError, PolyhostError } from './errors.js'
import { readingCaller } from './reading-caller.js'

const ENFORCEMENTS = new Set(['exact', 'approximate', 'none'])
// `source` is enforced by core for every engine, not declared by engines
const LIMITS = (Object.values(LIMIT_NAMES) as LimitName[]).filter((l) => l !== 'source')
const FLAGS = ['asyncBridges', 'modules', 'multipleReturns', 'undefinedValue'] as const

/** Why `value` is not a valid EnginePlugin, or undefined if it is. */
export function pluginProblem(value: unknown): string | undefined {
  const p = value as Partial<EnginePlugin> | null
  if (!p || typeof p !== 'object') return 'expected an object'
  if (typeof p.id !== 'string' || !p.id) return 'id must be a non-empty string'
  if (!Array.isArray(p.languages) || p.languages.length === 0 || !p.languages.every((l) => typeof l === 'string' && l)) {
    return 'languages must be a non-empty array of strings'
  }
  if (!Array.isArray(p.extensions) || !p.extensions.every((e) => typeof e === 'string' && /^\.[\w.-]+$/.test(e))) {
    return "extensions must be an array of strings starting with '.'"
  }
  if (typeof p.create !== 'function') return 'create must be a function'
  if (p.version !== undefined && typeof p.version !== 'string') return 'version must be a string'
  if (p.fileSource !== undefined && typeof p.fileSource !== 'function') return 'fileSource must be a function'
  const caps = p.capabilities as Partial<Record<string, unknown>> | undefined
  const limits = caps?.limits as Record<string, unknown> | undefined
  if (!limits || typeof limits !== 'object') return 'capabilities.limits is required'
  for (const l of LIMITS) {
    if (!ENFORCEMENTS.has(limits[l] as string)) return `capabilities.limits.${l} must be 'exact', 'approximate' or 'none'`
  }
  for (const flag of FLAGS) if (typeof caps?.[flag] !== 'boolean') return `capabilities.${flag} must be a boolean`
  const range = caps?.integerRange
  if (range !== undefined && !(Array.isArray(range) && range.length === 2 && range.every(Number.isFinite) && range[0] <= range[1])) {
    return 'capabilities.integerRange must be [min, max]'
  }
  return undefined
}

/**
 * A plugin as read once — each field (getter, Proxy trap) read one time, then checked —, or an
 * InvalidArgumentError naming it (`what`): `… could not be read (…)` when a read threw, `…: not
 * an engine plugin: …` when a field is wrong. `create` is called on the original plugin.
 */
export function readPlugin(value: unknown, what: string, name = what): EnginePlugin {
  const read = readingCaller(what, () => {
    if (!value || typeof value !== 'object') return value
    const p = value as Record<keyof EnginePlugin, unknown>
    const list = (v: unknown) => (Array.isArray(v) ? [...v] : v)
    const caps = p.capabilities as Record<string, unknown> | null | undefined
    const capabilities =
      caps && typeof caps === 'object'
        ? {
            ...caps,
            limits: caps.limits && typeof caps.limits === 'object' ? { ...caps.limits } : caps.limits,
            integerRange: list(caps.integerRange),
          }
        : caps
    const create = p.create
    const { id, version } = p
    const module = p.module && typeof p.module === 'object' ? { ...p.module } : p.module
    const call = (env: EngineEnvironment) => (create as EnginePlugin['create']).call(value, env)
    const fileSource = p.fileSource
    const readFile = (text: string) => (fileSource as (t: string) => string).call(value, text)
    return {
      id,
      languages: list(p.languages),
      extensions: list(p.extensions),
      capabilities,
      version,
      module,
      create: typeof create === 'function' ? call : create,
      ...(fileSource === undefined ? {} : { fileSource: typeof fileSource === 'function' ? readFile : fileSource }),
    }
  })
  assertPlugin(read, name)
  return read
}

/**
 * `createHost`'s `engines`, each awaited and read once (`readPlugin`). A plugin promise that
 * rejects with anything but a Polyhost error (loadEngine's EngineNotFoundError passes) is an
 * InvalidArgumentError naming its place.
 */
export function readPlugins(engines: readonly unknown[]): Promise<EnginePlugin[]> {
  return Promise.all(
    engines.map((e, i) =>
      Promise.resolve(e).then(
        (p) => readPlugin(p, `createHost: engines[${i}]`, `engines[${i}]`),
        (err: unknown) => {
          if (err instanceof PolyhostError) throw err
          throw new InvalidArgumentError(
            `createHost: engines[${i}] could not be read (${err instanceof Error ? err.message : String(err)})`,
          )
        },
      ),
    ),
  )
}

/** Throws InvalidArgumentError unless `value` is an EnginePlugin. */
export function assertPlugin(value: unknown, what = 'engine'): asserts value is EnginePlugin {
  const problem = pluginProblem(value)
  if (problem) throw new InvalidArgumentError(`${what}: not an engine plugin: ${problem}`)
}

/**
 * Dynamically imports an engine package and returns its plugin: the default export, else a
 * named export that is a plugin, else a factory (the default export, or a named export whose
 * name ends in `Engine`, like `luaEngine`) called with `options`. Other exported functions are
 * never called.
 *
 * @example
 * const host = await createHost({ engines: [loadEngine('@polyhost/engine-lua')] })
 */
export async function loadEngine(specifier: string, options?: unknown): Promise<EnginePlugin> {
  if (typeof specifier !== 'string' || !specifier) throw new InvalidArgumentError('loadEngine: specifier must be a non-empty string')
  let mod: Record<string, unknown>
  try {
    mod = (await import(specifier)) as Record<string, unknown>
  } catch (e) {
    throw new EngineNotFoundError(`cannot load engine '${specifier}': ${(e as Error).message}`)
  }
  const named = Object.entries(mod).filter(([k]) => k !== 'default')
  for (const c of [mod.default, ...named.map(([, v]) => v)]) {
    if (!pluginProblem(c)) return c as EnginePlugin
  }
  const factories = [mod.default, ...named.filter(([k]) => /Engine$/.test(k)).map(([, v]) => v)].filter((c) => typeof c === 'function')
  const problems: string[] = []
  for (const f of factories) {
    let made: unknown
    try {
      made = await (f as (o?: unknown) => unknown)(options)
    } catch (e) {
      problems.push(`${(f as { name?: string }).name || 'default'}() threw: ${(e as Error)?.message ?? String(e)}`)
      continue
    }
    const problem = pluginProblem(made)
    if (!problem) return made as EnginePlugin
    problems.push(`${(f as { name?: string }).name || 'default'}() returned no plugin: ${problem}`)
  }
  const why = problems.length ? ` (${problems.join('; ')})` : ''
  throw new InvalidArgumentError(`'${specifier}' exports no engine plugin (a plugin object or a factory returning one)${why}`)
}

/**
 * Lifecycle guard around a ScriptEngine: closed once (concurrent and repeated `close()`
 * share one), and any use after close throws ClosedError. Engines need not re-implement it.
 * It also counts the compiles and executions the host asked for, so `stats()` reports them
 * the same way for every engine, inline or in worker threads.
 */
export class ManagedEngine implements ScriptEngine {
  private closing: Promise<void> | undefined
  private compiles = 0
  private executions = 0

  constructor(
    readonly plugin: EnginePlugin,
    private readonly inner: ScriptEngine,
  ) {}

  get closed(): boolean {
    return this.closing !== undefined
  }

  // not async functions: a wrapper promise per call is measurable on tiny scripts
  compile(source: SourceText): Promise<CompiledScript> {
    if (this.closing) return Promise.reject(this.closedError())
    this.compiles++
    try {
      return this.inner.compile(source)
    } catch (e) {
      return Promise.reject(e)
    }
  }

  execute(script: CompiledScript, request: ExecutionRequest): Promise<ExecutionResult> {
    if (this.closing) return Promise.reject(this.closedError())
    this.executions++
    try {
      return this.inner.execute(script, request)
    } catch (e) {
      return Promise.reject(e)
    }
  }

  /** The engine's stats, with `compiles` and `executions` as the host asked for them. */
  stats(): EngineStats {
    return { ...this.inner.stats(), compiles: this.compiles, executions: this.executions }
  }

  close(): Promise<void> {
    this.closing ??= Promise.resolve().then(() => this.inner.close())
    return this.closing
  }

  private closedError(): ClosedError {
    return new ClosedError(`engine '${this.plugin.id}' is closed`)
  }
}
