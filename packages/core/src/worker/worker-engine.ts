import type { SecurityManager } from '@polyhost/security'
import type { BridgeRegistryView } from '../bridges.js'
import type {
  CompiledScript,
  EnginePlugin,
  EngineStats,
  ExecutionRequest,
  ExecutionResult,
  Logger,
  ScriptEngine,
  SourceText,
} from '../contracts.js'
import { InvalidArgumentError, isFatal } from '../errors.js'
import { logLineBytes } from '../log-bytes.js'
import type { ModuleRegistryView } from '../modules.js'
import type { ResolvedPoolOptions } from '../pool-types.js'
import type { ConverterRegistry } from '../values/converters.js'
import { readFailure } from '../values/guard.js'
import { crossableGlobals } from './crossable.js'
import { moduleRefOf } from './plugin-loader.js'
import { mirrorFatal } from './worker-crash.js'
import { type WorkerIsolationOptions, resolveWorkerOptions } from './options.js'
import { WorkerPool } from './worker-pool.js'
import { decodeError } from './wire-errors.js'

/** What `createHost` hands to worker isolation. */
export interface WorkerIsolationInit {
  readonly plugins: readonly EnginePlugin[]
  readonly workers: number | undefined
  readonly worker: WorkerIsolationOptions | undefined
  readonly pool: ResolvedPoolOptions
  readonly maxDepth: number
  readonly logger: Logger
  readonly bridges: BridgeRegistryView
  readonly modules: ModuleRegistryView
  readonly converters: ConverterRegistry
  /** The host's policy in force (it may change with `setPolicy`). */
  readonly security: () => SecurityManager
}

/**
 * Starts the worker threads for `isolation: 'worker'` and returns, per plugin, the
 * ScriptEngine the host uses in place of `plugin.create(env)`. The workers close when every
 * returned engine is closed.
 */
export async function startWorkerIsolation(init: WorkerIsolationInit): Promise<(plugin: EnginePlugin) => ScriptEngine> {
  const o = resolveWorkerOptions(init.workers, init.worker)
  const engines = init.plugins.map((p, i) => ({ id: p.id, module: moduleRefOf(p, `engines[${i}]`) }))
  const pool = await WorkerPool.start({
    // more workers than states could not all run something
    count: Math.min(o.count, init.pool.max),
    boot: { engines, pool: init.pool, maxDepth: init.maxDepth },
    sources: { bridges: init.bridges, modules: init.modules },
    security: init.security,
    resourceLimits: o.resourceLimits,
    killMarginMs: o.killMarginMs,
    logger: init.logger,
    // the host has drained (and cancelled what overran) before it closes its engines
    closeTimeoutMs: 1_000,
  })
  let open = init.plugins.length
  const release = () => (--open === 0 ? pool.close() : Promise.resolve())
  return (plugin) => new WorkerEngine(plugin, pool, init, release)
}

/**
 * The host-side face of an engine that runs in workers. `compile` syntax-checks on a worker
 * and returns a descriptor (workers keep their own compiled forms); `execute` sends the
 * script, globals and context once (structured clone) and rebuilds the result in the host's
 * Execution, so stats, logs and errors read as in inline mode.
 */
class WorkerEngine implements ScriptEngine {
  constructor(
    private readonly plugin: EnginePlugin,
    private readonly pool: WorkerPool,
    private readonly init: WorkerIsolationInit,
    private readonly release: () => Promise<void>,
  ) {}

  async compile(source: SourceText): Promise<CompiledScript> {
    const job = { engine: this.plugin.id, language: source.language, name: source.name, source: source.source, hash: source.hash }
    await this.pool.compile(job, this.init.security())
    return { engineId: this.plugin.id, language: source.language, name: source.name, hash: source.hash, source: source.source }
  }

  async execute(script: CompiledScript, request: ExecutionRequest): Promise<ExecutionResult> {
    const x = request.execution
    // bridge calls come back as worker messages: their handlers run in this caller's context
    x.keepCallerScope()
    let globals: Readonly<Record<string, unknown>>
    try {
      globals = crossableGlobals(request.globals, this.init.converters, this.init.maxDepth, x)
    } catch (e) {
      throw readFailure(e)
    }
    const job = {
      engine: this.plugin.id,
      language: script.language,
      name: script.name,
      source: script.source,
      hash: script.hash,
      globals,
      context: request.context,
      tenant: request.tenant,
      compileCacheHit: x.init.compileCacheHit,
    }
    let landed: Awaited<ReturnType<WorkerPool['run']>>
    try {
      landed = await this.pool.run(job, x)
    } catch (e) {
      if ((e as Error)?.name !== 'DataCloneError') throw e
      throw new InvalidArgumentError(
        `execute: globals must be plain data with isolation 'worker' (${(e as Error).message}); register a bridge for host functions`,
      )
    }
    const { done, late } = landed
    if (done.error) {
      const e = decodeError(done.error)
      if (isFatal(e)) mirrorFatal(x, e)
      throw e
    }
    x.instructions = done.instructions
    x.memoryBytes = done.memoryBytes
    x.logs.length = 0
    for (const entry of done.logs) x.logs.push(entry)
    let bytes = done.outputBytes
    for (const entry of late) {
      x.logs.push(entry)
      bytes += logLineBytes(entry.message)
    }
    x.outputBytes = bytes
    const r = x.result(done.value, done.values ?? [done.value])
    // the host's cache held the script, but the worker that ran it compiled it (restarted, or another worker)
    return done.compiled && r.stats.compileCacheHit ? { ...r, stats: { ...r.stats, compileCacheHit: false } } : r
  }

  stats(): EngineStats {
    return this.pool.stats(this.plugin.id)
  }

  close(): Promise<void> {
    return this.release()
  }
}
