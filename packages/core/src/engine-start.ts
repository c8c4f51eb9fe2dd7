import type { SecurityManager } from '@polyhost/security'
import type { BridgeRegistry } from './bridges.js'
import type { EngineEnvironment, EnginePlugin, Logger, ScriptEngine } from './contracts.js'
import { InvalidArgumentError, PolyhostError } from './errors.js'
import type { HostOptions } from './host-options.js'
import type { ModuleRegistry } from './modules.js'
import { ManagedEngine } from './plugin.js'
import type { ResolvedPoolOptions } from './pool-types.js'
import type { ConverterRegistry } from './values/converters.js'

/** What a host hands its engines when it creates them. */
export interface EngineStart {
  readonly plugins: readonly EnginePlugin[]
  readonly options: Pick<HostOptions, 'isolation' | 'workers' | 'worker'>
  readonly pool: ResolvedPoolOptions
  readonly maxDepth: number
  readonly logger: Logger
  readonly bridges: BridgeRegistry
  readonly modules: ModuleRegistry
  readonly converters: ConverterRegistry
  /** The policy in force, read at each use (`setPolicy` replaces it). */
  readonly security: () => SecurityManager
}

/**
 * Creates each plugin's engine once, inline or (isolation 'worker') as a forwarding engine
 * over the worker threads, each in its lifecycle guard, all concurrently (in plugin order in
 * the result). If one fails, the others are closed once created and its error propagates.
 */
export async function startEngines(s: EngineStart): Promise<ManagedEngine[]> {
  // (the worker machinery is loaded only then: an inline host never needs it)
  const inWorkers =
    s.options.isolation === 'worker'
      ? await (await import('./worker/worker-engine.js')).startWorkerIsolation({
          plugins: s.plugins,
          workers: s.options.workers,
          worker: s.options.worker,
          pool: s.pool,
          maxDepth: s.maxDepth,
          logger: s.logger,
          bridges: s.bridges,
          modules: s.modules,
          converters: s.converters,
          security: s.security,
        })
      : undefined
  // all at once: one engine's start-up waits on I/O and background compilation (QuickJS's
  // WASM) while another's runs on the main thread (fengari's loading)
  const settled = await Promise.allSettled(
    s.plugins.map(async (plugin, i) => {
      const inner = inWorkers
        ? inWorkers(plugin)
        : await createEngine(plugin, i, {
            get security() {
              return s.security()
            },
            bridges: s.bridges,
            modules: s.modules,
            converters: s.converters,
            pool: s.pool,
            maxDepth: s.maxDepth,
            logger: s.logger,
          })
      return new ManagedEngine(plugin, inner)
    }),
  )
  const created = settled.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []))
  const failed = settled.find((r) => r.status === 'rejected')
  if (failed) {
    await Promise.allSettled(created.map((c) => c.close()))
    throw failed.reason
  }
  return created
}

/** `plugin.create(env)`; what it throws that is no Polyhost error is an InvalidArgumentError naming the plugin. */
async function createEngine(plugin: EnginePlugin, i: number, env: EngineEnvironment): Promise<ScriptEngine> {
  try {
    return await plugin.create(env)
  } catch (e) {
    if (e instanceof PolyhostError) throw e
    const text = e instanceof Error ? e.message : String(e)
    throw new InvalidArgumentError(`createHost: engines[${i}] ('${plugin.id}') could not be created (${text})`, { cause: e })
  }
}
