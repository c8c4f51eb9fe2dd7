import { LIMIT_NAMES, type LimitName } from '@polyhost/security'
import type { CompiledScript, EnginePlugin, EngineStats, ExecutionRequest, ExecutionResult, ScriptEngine, SourceText } from './contracts.js'
import { ClosedError, EngineNotFoundError, InvalidArgumentError } from './errors.js'

const ENFORCEMENTS = new Set(['exact', 'approximate', 'none'])
const LIMITS = Object.values(LIMIT_NAMES) as LimitName[]

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
  const limits = p.capabilities?.limits as Record<string, unknown> | undefined
  if (!limits || typeof limits !== 'object') return 'capabilities.limits is required'
  for (const l of LIMITS) {
    if (!ENFORCEMENTS.has(limits[l] as string)) return `capabilities.limits.${l} must be 'exact', 'approximate' or 'none'`
  }
  return undefined
}

/** Throws InvalidArgumentError unless `value` is an EnginePlugin. */
export function assertPlugin(value: unknown, what = 'engine'): asserts value is EnginePlugin {
  const problem = pluginProblem(value)
  if (problem) throw new InvalidArgumentError(`${what}: not an engine plugin: ${problem}`)
}

/**
 * Dynamically imports an engine package and returns its plugin: the default export or the
 * first export that is a plugin, or a factory returning one (called with `options`).
 *
 * @example
 * const host = await createHost({ engines: [await loadEngine('@polyhost/engine-lua')] })
 */
export async function loadEngine(specifier: string, options?: unknown): Promise<EnginePlugin> {
  if (typeof specifier !== 'string' || !specifier) throw new InvalidArgumentError('loadEngine: specifier must be a non-empty string')
  let mod: Record<string, unknown>
  try {
    mod = (await import(specifier)) as Record<string, unknown>
  } catch (e) {
    throw new EngineNotFoundError(`cannot load engine '${specifier}': ${(e as Error).message}`)
  }
  const candidates = [mod.default, ...Object.values(mod)]
  for (const c of candidates) {
    if (!pluginProblem(c)) return c as EnginePlugin
  }
  for (const c of candidates) {
    if (typeof c !== 'function') continue
    let made: unknown
    try {
      made = (c as (o?: unknown) => unknown)(options)
    } catch {
      continue
    }
    if (!pluginProblem(made)) return made as EnginePlugin
  }
  throw new InvalidArgumentError(`'${specifier}' exports no engine plugin (a plugin object or a factory returning one)`)
}

/**
 * Lifecycle guard around a ScriptEngine: closed once (concurrent and repeated `close()`
 * share one), and any use after close throws ClosedError. Engines need not re-implement it.
 */
export class ManagedEngine implements ScriptEngine {
  private closing: Promise<void> | undefined

  constructor(
    readonly plugin: EnginePlugin,
    private readonly inner: ScriptEngine,
  ) {}

  get closed(): boolean {
    return this.closing !== undefined
  }

  compile(source: SourceText): Promise<CompiledScript> {
    this.assertOpen()
    return this.inner.compile(source)
  }

  execute(script: CompiledScript, request: ExecutionRequest): Promise<ExecutionResult> {
    this.assertOpen()
    return this.inner.execute(script, request)
  }

  stats(): EngineStats {
    return this.inner.stats()
  }

  close(): Promise<void> {
    this.closing ??= this.inner.close()
    return this.closing
  }

  private assertOpen(): void {
    if (this.closing) throw new ClosedError(`engine '${this.plugin.id}' is closed`)
  }
}
