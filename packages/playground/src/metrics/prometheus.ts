import type { ExecutionStats, Host, HostStats } from '@polyhost/core'
import { Counter, Gauge, Histogram, Registry } from 'prom-client'

/** Options of `HostMetrics`. */
export interface HostMetricsOptions {
  /** Where the metrics are registered; default a new Registry of their own. */
  readonly registry?: Registry
  /** Metric name prefix; default `polyhost_`. */
  readonly prefix?: string
  /**
   * Adds a `tenant` label to the per-execution metrics. Off by default: every tenant is a new
   * time series, so only turn it on for a bounded set of tenants.
   */
  readonly tenantLabel?: boolean
}

/** How one execution ended, as `observe` records it. */
export interface ExecutionOutcome {
  readonly engine: string
  readonly tenant?: string
  /** `ok`, or the failing error's `code` family: `error`, `limit`, `syntax`, `cancelled`. */
  readonly outcome: 'ok' | 'error' | 'limit' | 'syntax' | 'cancelled'
  /** The stats of a finished execution; absent for one that failed. */
  readonly stats?: ExecutionStats
  /** Wall time as measured by the caller, for failures (seconds). */
  readonly seconds: number
}

/**
 * Prometheus metrics of Polyhost hosts, on prom-client. Two sources:
 * - `host.stats()` of every tracked host, read at scrape time (summed over hosts): executions,
 *   failures, limit trips by kind, running executions, compile cache, pool sizes per engine;
 * - per-execution observations (`observe`): duration, instructions, memory and bridge-call
 *   histograms labelled `engine` and `outcome` (and `tenant` when enabled).
 * Names are stable: they are part of the package's contract (see README).
 */
export class HostMetrics {
  readonly registry: Registry
  private readonly hosts = new Set<() => Host | undefined>()
  /** Hosts passed to `track` themselves, so that a second `track(host)` adds nothing. */
  private readonly direct = new WeakSet<Host>()
  private readonly duration: Histogram<string>
  private readonly instructions: Histogram<string>
  private readonly memory: Histogram<string>
  private readonly bridgeCalls: Histogram<string>
  private readonly observed: Counter<string>
  private readonly tenantLabel: boolean

  constructor(options: HostMetricsOptions = {}) {
    const registry = (this.registry = options.registry ?? new Registry())
    const p = options.prefix ?? 'polyhost_'
    this.tenantLabel = options.tenantLabel === true
    const labels = this.tenantLabel ? ['engine', 'outcome', 'tenant'] : ['engine', 'outcome']
    const registers = [registry]
    this.duration = new Histogram({
      name: `${p}execution_duration_seconds`,
      help: 'Wall time of an execution',
      labelNames: labels,
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    })
    this.instructions = new Histogram({
      name: `${p}execution_instructions`,
      help: 'Instructions (Lua) or interrupt ticks (JS) an execution used',
      labelNames: labels,
      buckets: [1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8],
      registers,
    })
    this.memory = new Histogram({
      name: `${p}execution_memory_bytes`,
      help: 'Memory an execution used, as its engine accounts it',
      labelNames: labels,
      buckets: [1 << 10, 1 << 14, 1 << 17, 1 << 20, 1 << 22, 1 << 24, 1 << 26],
      registers,
    })
    this.bridgeCalls = new Histogram({
      name: `${p}execution_bridge_calls`,
      help: 'Bridge calls an execution made',
      labelNames: labels,
      buckets: [0, 1, 5, 10, 50, 100, 1000],
      registers,
    })
    this.observed = new Counter({
      name: `${p}observed_executions_total`,
      help: 'Executions observed, by outcome',
      labelNames: labels,
      registers,
    })
    this.statsMetrics(p, registry)
  }

  /**
   * Reads this host's `stats()` at every scrape (a function: the host may be created later).
   * Idempotent: a host tracked twice (an application's `track(host)`, then a playground given
   * the same metrics and host) is read once per scrape, however it was passed.
   */
  track(host: Host | (() => Host | undefined)): void {
    if (typeof host === 'function') this.hosts.add(host)
    else if (!this.direct.has(host)) {
      this.direct.add(host)
      this.hosts.add(() => host)
    }
  }

  /** Records one execution. */
  observe(o: ExecutionOutcome): void {
    const labels: Record<string, string> = { engine: o.engine, outcome: o.outcome }
    if (this.tenantLabel) labels.tenant = o.tenant ?? ''
    this.observed.inc(labels)
    this.duration.observe(labels, o.stats ? o.stats.durationMs / 1000 : o.seconds)
    if (o.stats) {
      this.instructions.observe(labels, o.stats.instructions)
      this.memory.observe(labels, o.stats.memoryBytes)
      this.bridgeCalls.observe(labels, o.stats.bridgeCalls)
    }
  }

  /** The Prometheus text exposition (`Content-Type`: `registry.contentType`). */
  metrics(): Promise<string> {
    return this.registry.metrics()
  }

  // --- internal ---

  private stats(): HostStats[] {
    // a Set: a host reached through several getters counts once
    const hosts = new Set<Host>()
    for (const get of this.hosts) {
      const h = get()
      if (h) hosts.add(h)
    }
    return [...hosts].map((h) => h.stats())
  }

  /** Metrics read from `host.stats()` when scraped; counters mirror the host's own totals. */
  private statsMetrics(p: string, registry: Registry): void {
    const self = this
    const registers = [registry]
    const total = (name: string, help: string, read: (s: HostStats) => number) =>
      new Counter({
        name: `${p}${name}`,
        help,
        registers,
        collect() {
          this.reset()
          this.inc(sum(self.stats(), read))
        },
      })
    total('executions_total', 'Executions the hosts ran or failed to compile', (s) => s.executions)
    total('execution_failures_total', 'Executions that ended in an error', (s) => s.failures)
    total('compile_cache_hits_total', 'Compile cache hits', (s) => s.cache.hits)
    total('compile_cache_misses_total', 'Compile cache misses', (s) => s.cache.misses)
    total('compile_cache_evictions_total', 'Compile cache evictions', (s) => s.cache.evictions)
    new Counter({
      name: `${p}limit_trips_total`,
      help: 'Executions stopped by a limit, by limit',
      labelNames: ['limit'],
      registers,
      collect() {
        this.reset()
        const trips: Record<string, number> = {}
        for (const s of self.stats()) for (const [k, v] of Object.entries(s.limitTrips)) trips[k] = (trips[k] ?? 0) + v
        for (const [limit, v] of Object.entries(trips)) this.inc({ limit }, v)
      },
    })
    new Gauge({
      name: `${p}running_executions`,
      help: 'Executions running now',
      registers,
      collect() {
        this.set(sum(self.stats(), (s) => s.running))
      },
    })
    new Gauge({
      name: `${p}compile_cache_entries`,
      help: 'Scripts in the compile cache',
      registers,
      collect() {
        this.set(sum(self.stats(), (s) => s.cache.size))
      },
    })
    new Gauge({
      name: `${p}pool_states`,
      help: 'Engine states in the pools, by engine and state',
      labelNames: ['engine', 'state'],
      registers,
      collect() {
        this.reset()
        for (const s of self.stats()) {
          for (const [engine, e] of Object.entries(s.engines)) {
            this.inc({ engine, state: 'active' }, e.pool?.active ?? 0)
            this.inc({ engine, state: 'idle' }, e.pool?.idle ?? 0)
          }
        }
      },
    })
    new Gauge({
      name: `${p}pool_waiting_acquires`,
      help: 'Executions waiting for a free engine state, by engine',
      labelNames: ['engine'],
      registers,
      collect() {
        this.reset()
        for (const s of self.stats()) for (const [engine, e] of Object.entries(s.engines)) this.inc({ engine }, e.pool?.waiting ?? 0)
      },
    })
  }
}

function sum(stats: readonly HostStats[], read: (s: HostStats) => number): number {
  return stats.reduce((n, s) => n + read(s), 0)
}
