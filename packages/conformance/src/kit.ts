import {
  type CacheOptions,
  createHost,
  type EngineCapabilities,
  type EnginePlugin,
  type ExecutionResult,
  type Host,
  type HostOptions,
  type LimitName,
  type Limits,
  type PolicyInput,
  type PoolOptions,
  type PoolStats,
  type RunOptions,
} from '@polyhost/core'
import type { ScriptEngine } from '@polyhost/core/engine'
import type { EngineSnippets } from './snippets.js'
import type { ExpectFunction } from './test-runner.js'

/** Host options the kit passes through: everything but the engines (the kit's own). */
export type ConformanceHostOptions = Omit<HostOptions, 'engines'>

/** What a test may choose about its host; everything else is the kit's small default. */
export interface HostSetup {
  readonly policy?: PolicyInput
  /** Merged over the kit's defaults; limits the engine marks `none` are always `false`. */
  readonly limits?: Limits
  readonly pool?: PoolOptions
  readonly maxDepth?: number
  readonly cache?: CacheOptions | false
}

/** Totals of one area (one `describe`), checked by its last test. */
export interface LeakLedger {
  hosts: number
  closed: number
  created: number
  destroyed: number
  readonly problems: string[]
}

const MiB = 1024 * 1024
/** Limit keys as configured → names as in capabilities. */
const LIMIT_NAMES: Readonly<Record<keyof Limits, LimitName>> = {
  instructions: 'instructions',
  timeoutMs: 'timeout',
  memoryBytes: 'memory',
  stackDepth: 'stack',
  bridgeCalls: 'bridgeCalls',
  outputBytes: 'output',
  sourceBytes: 'source',
}
const DEFAULT_LIMITS: Required<Limits> = {
  instructions: 50_000_000,
  timeoutMs: 10_000,
  memoryBytes: 64 * MiB,
  stackDepth: 100,
  bridgeCalls: 1_000,
  outputBytes: 64 * 1024,
  sourceBytes: 4 * MiB,
}
const DEFAULT_POOL: PoolOptions = {
  min: 0,
  max: 2,
  acquireTimeoutMs: 10_000,
  healthCheckIntervalMs: 0,
  idleTimeoutMs: 0,
  drainTimeoutMs: 5_000,
}

/**
 * Per-test context: makes fresh hosts on the engine under test (counting its compiles),
 * runs snippets, and on dispose proves every state was returned and destroyed.
 */
export class TestKit {
  private engineCompiles = 0
  private readonly hosts: Host[] = []
  private defaultHost: Host | undefined
  private counter = 0
  private extension: string | undefined

  constructor(
    private readonly makePlugin: () => EnginePlugin,
    readonly s: EngineSnippets,
    readonly expect: ExpectFunction,
    readonly caps: EngineCapabilities,
    readonly engineId: string,
    private readonly ledger: LeakLedger,
    /** Passed to every `createHost` (isolation, workers...); see `ConformanceOptions.hostOptions`. */
    readonly hostOptions: ConformanceHostOptions = {},
  ) {}

  /** The language scripts are written in. */
  get language(): string {
    return this.s.language
  }

  /** `'inline'` or `'worker'`: where this test's engines run. */
  get isolation(): 'inline' | 'worker' {
    return this.hostOptions.isolation ?? 'inline'
  }

  /**
   * Compiles this test's hosts asked for (compile-cache misses). Inline, the kit counts the
   * engine's own `compile` calls; in worker mode engines are made inside the workers, out of
   * the kit's reach, so it reads the hosts' `stats().cache.misses` (each miss is one
   * compile unless two executions of one script start together, which the kit's cache
   * tests never do).
   */
  get compiles(): number {
    if (this.isolation === 'inline') return this.engineCompiles
    return this.hosts.reduce((n, h) => n + h.stats().cache.misses, 0)
  }

  /** A fresh host on the engine under test; closed and checked when the test ends. */
  async host(setup: HostSetup = {}): Promise<Host> {
    const base = this.hostOptions
    const limits: Record<string, number | false> = { ...DEFAULT_LIMITS, ...base.limits, ...setup.limits }
    for (const [key, name] of Object.entries(LIMIT_NAMES)) if (this.caps.limits[name] === 'none') limits[key] = false
    const maxDepth = setup.maxDepth ?? base.maxDepth
    const cache = setup.cache ?? base.cache
    const host = await createHost({
      ...base,
      engines: [this.counting(this.makePlugin())],
      policy: setup.policy ?? base.policy ?? 'standard',
      limits,
      pool: { ...DEFAULT_POOL, ...base.pool, ...setup.pool },
      ...(maxDepth === undefined ? {} : { maxDepth }),
      ...(cache === undefined ? {} : { cache }),
    })
    this.hosts.push(host)
    this.ledger.hosts++
    return host
  }

  /** A script name with the engine's extension (`case3.lua`). */
  name(base = 'case'): string {
    this.extension ??= this.s.extension ?? this.makePlugin().extensions[0] ?? ''
    return `${base}${++this.counter}${this.extension}`
  }

  /** Executes `source` on `host` in the engine's language. */
  run(host: Host, source: string, options: RunOptions & { name?: string } = {}): Promise<ExecutionResult> {
    const { name, ...rest } = options
    return host.execute({ language: this.s.language, source, name: name ?? this.name(), ...rest })
  }

  /** Runs `source` on this test's default host and returns its result value. */
  async value(source: string, options: RunOptions = {}): Promise<unknown> {
    this.defaultHost ??= await this.host()
    return (await this.run(this.defaultHost, source, options)).value
  }

  /** The engine pool's stats on `host`. */
  pool(host: Host): PoolStats {
    const stats = host.stats().engines[this.engineId]?.pool
    if (!stats) throw new Error(`host.stats().engines['${this.engineId}'].pool is missing`)
    return stats
  }

  /** Waits (up to 3 s) until no state is leased and nobody waits, and returns the stats. */
  async settled(host: Host): Promise<PoolStats> {
    const until = performance.now() + 3_000
    let stats = this.pool(host)
    while ((stats.active !== 0 || stats.waiting !== 0) && performance.now() < until) {
      await new Promise((r) => setTimeout(r, 5))
      stats = this.pool(host)
    }
    return stats
  }

  /**
   * States thrown away on `host` once it settled: those the pool quarantined, plus in worker
   * mode each worker the watchdog terminated (its states die with it; a runaway that ignores
   * the deadline on a loaded machine ends this way instead of being released).
   */
  async discarded(host: Host): Promise<number> {
    const { quarantined } = await this.settled(host)
    const restarts = host.stats().engines[this.engineId]?.workerRestarts
    return quarantined + (typeof restarts === 'number' ? restarts : 0)
  }

  /** Closes every host of the test; returns what leaked (empty when clean). */
  async dispose(): Promise<string[]> {
    const problems: string[] = []
    for (const host of this.hosts) {
      const before = await this.settled(host)
      if (before.active !== 0 || before.waiting !== 0) {
        problems.push(`states not returned after the test: active ${before.active}, waiting ${before.waiting}`)
      }
      await host.close()
      this.ledger.closed++
      const after = this.pool(host)
      this.ledger.created += after.created
      this.ledger.destroyed += after.destroyed
      if (after.size !== 0 || after.created !== after.destroyed) {
        problems.push(`after close: size ${after.size}, created ${after.created}, destroyed ${after.destroyed}`)
      }
    }
    this.ledger.problems.push(...problems)
    return problems
  }

  // --- internal ---

  /**
   * Wraps a plugin so the kit can count compiles (compile-cache tests). The wrapper keeps
   * `module`: worker mode re-creates the plugin from it in each worker (the count then comes
   * from the cache stats, see `compiles`).
   */
  private counting(plugin: EnginePlugin): EnginePlugin {
    const kit = this
    return {
      id: plugin.id,
      languages: plugin.languages,
      extensions: plugin.extensions,
      capabilities: plugin.capabilities,
      ...(plugin.version === undefined ? {} : { version: plugin.version }),
      ...(plugin.module === undefined ? {} : { module: plugin.module }),
      async create(env) {
        const inner: ScriptEngine = await plugin.create(env)
        return {
          compile: (source) => {
            kit.engineCompiles++
            return inner.compile(source)
          },
          execute: (script, request) => inner.execute(script, request),
          stats: () => inner.stats(),
          close: () => inner.close(),
        }
      },
    }
  }
}
