import type { SecurityManager } from '@polyhost/security'
import type { BridgeRegistry } from './bridges.js'
import type { EnginePlugin, Logger } from './contracts.js'
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
 * over the worker threads, each in its lifecycle guard. If one fails, those already created
 * are closed and the error propagates.
 */
export async function startEngines(s: EngineStart): Promise<ManagedEngine[]> {
  const created: ManagedEngine[] = []
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
  try {
    for (const plugin of s.plugins) {
      const inner = inWorkers
        ? inWorkers(plugin)
        : await plugin.create({
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
      created.push(new ManagedEngine(plugin, inner))
    }
  } catch (e) {
    await Promise.allSettled(created.map((c) => c.close()))
    throw e
  }
  return created
}
