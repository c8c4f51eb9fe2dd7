// host.d.ts declares [Symbol.asyncDispose]; the directive stays in the emitted .d.ts so an
// application type-checks it without raising its own `lib`
/// <reference lib="esnext.disposable" preserve="true" />
import { readFile } from 'node:fs/promises'
import { basename, extname } from 'node:path'
import { LIMIT_NAMES, type LimitName, type PolicyInput, SecurityManager } from '@polyhost/security'
import { BridgeRegistry } from './bridges.js'
import { type CacheStats, CompileCache, hashSource } from './compile-cache.js'
import type { CompiledScript, EnginePlugin, EngineStats, ExecutionResult, Logger } from './contracts.js'
import {
  CancelledError,
  ClosedError,
  EngineCrashedError,
  EngineNotFoundError,
  InvalidArgumentError,
  LimitExceededError,
  PolyhostError,
  ScriptSyntaxError,
} from './errors.js'
import { Execution } from './execution.js'
import { CLOSE_GRACE_MS, checkCapabilities, checkSource, checkStoppable, freezeContext, settledWithin } from './host-checks.js'
import { checkRequest, type CompileRequest, type ExecuteRequest, type HostOptions, type RunOptions } from './host-options.js'
import { ModuleRegistry } from './modules.js'
import { DeclaredGlobals } from './declared-globals.js'
import { generateTypings } from './typings/index.js'
import { assertPlugin, ManagedEngine } from './plugin.js'
import { type ResolvedPoolOptions, resolvePoolOptions } from './pool-types.js'
import { ConverterRegistry } from './values/converters.js'
import { DEFAULT_MAX_DEPTH } from './values/guard.js'

export interface HostStats {
  /** `execute` and `run` calls that ran or failed to compile. */
  readonly executions: number
  /** Of those, the ones that ended in an error (syntax errors included). */
  readonly failures: number
  readonly limitTrips: Readonly<Record<LimitName, number>>
  readonly running: number
  readonly cache: CacheStats
  readonly engines: Readonly<Record<string, EngineStats>>
}

/** A script compiled once and run many times (`host.compile`). */
export interface Script {
  readonly name: string
  readonly language: string
  readonly engine: string
  run(options?: RunOptions): Promise<ExecutionResult>
}

/**
 * Creates a host: checks the policy against every engine's capabilities, creates each
 * engine once and returns the Host that executes scripts on them.
 *
 * @example
 * const host = await createHost({ engines: [luaEngine(), jsEngine()], policy: 'standard' })
 * const r = await host.execute({ language: 'lua', source: 'return 1 + 1' })
 * await host.close()
 */
export async function createHost(options: HostOptions): Promise<Host> {
  if (!options || typeof options !== 'object') throw new InvalidArgumentError('createHost: options are required')
  if (!Array.isArray(options.engines) || options.engines.length === 0) {
    throw new InvalidArgumentError('createHost: engines must be a non-empty array of engine plugins')
  }
  if (options.isolation !== undefined && options.isolation !== 'inline' && options.isolation !== 'worker') {
    throw new InvalidArgumentError(`createHost: isolation '${String(options.isolation)}' is not available; use 'inline' or 'worker'`)
  }
  const maxDepth = options.maxDepth ?? DEFAULT_MAX_DEPTH
  if (!Number.isInteger(maxDepth) || maxDepth < 1) throw new InvalidArgumentError('createHost: maxDepth must be a positive integer')
  const plugins = await Promise.all(options.engines)
  for (const [i, p] of plugins.entries()) assertPlugin(p, `engines[${i}]`)
  const security = SecurityManager.resolve(options.policy, options.limits)
  const host = new Host(plugins, security, options, maxDepth)
  await host.start()
  return host
}

export class Host {
  readonly bridges = new BridgeRegistry()
  readonly modules = new ModuleRegistry()
  readonly converters = new ConverterRegistry()
  private currentSecurity: SecurityManager
  private readonly engines = new Map<string, ManagedEngine>()
  private readonly byLanguage = new Map<string, ManagedEngine>()
  private readonly byExtension = new Map<string, ManagedEngine>()
  private readonly cache: CompileCache
  private readonly running = new Set<Promise<unknown>>()
  /** Executions under way, so that a close past its drain timeout can cancel them. */
  private readonly live = new Set<Execution>()
  private readonly pool: ResolvedPoolOptions
  private closing: Promise<void> | undefined
  private readonly logger: Logger
  /** The globals and `context` shape declared in `createHost` (typed and checked per execution). */
  readonly declared: DeclaredGlobals
  private readonly counters = {
    executions: 0,
    failures: 0,
    trips: Object.fromEntries(Object.values(LIMIT_NAMES).map((l) => [l, 0])) as Record<LimitName, number>,
  }

  /** @internal use `createHost` */
  constructor(
    private readonly plugins: readonly EnginePlugin[],
    security: SecurityManager,
    private readonly options: HostOptions,
    private readonly maxDepth: number,
  ) {
    this.currentSecurity = security
    this.pool = resolvePoolOptions(options.pool)
    this.cache = new CompileCache(options.cache)
    this.logger = options.logger ?? { debug() {}, warn: console.warn, error: console.error }
    this.declared = new DeclaredGlobals(options.globals, options.context)
    const ids = new Set<string>()
    for (const p of plugins) {
      if (ids.has(p.id)) throw new InvalidArgumentError(`createHost: two engines have id '${p.id}'`)
      ids.add(p.id)
      checkCapabilities(p, security.policy.limits)
    }
    checkStoppable(security.policy.limits, options.isolation)
  }

  /** The resolved policy in force. */
  get security(): SecurityManager {
    return this.currentSecurity
  }

  /** @internal */
  async start(): Promise<void> {
    const pool = this.pool
    const host = this
    const logger = this.logger
    const created: ManagedEngine[] = []
    // isolation 'worker': engines run in worker threads; the host gets a forwarding engine per plugin
    // (loaded only then: an inline host never needs the worker machinery)
    const inWorkers =
      this.options.isolation === 'worker'
        ? await (await import('./worker/worker-engine.js')).startWorkerIsolation({
            plugins: this.plugins,
            workers: this.options.workers,
            worker: this.options.worker,
            pool,
            maxDepth: this.maxDepth,
            logger,
            bridges: this.bridges,
            modules: this.modules,
            converters: this.converters,
            security: () => host.currentSecurity,
          })
        : undefined
    try {
      for (const plugin of this.plugins) {
        const inner = inWorkers
          ? inWorkers(plugin)
          : await plugin.create({
              get security() {
                return host.currentSecurity
              },
              bridges: this.bridges,
              modules: this.modules,
              converters: this.converters,
              pool,
              maxDepth: this.maxDepth,
              logger,
            })
        const engine = new ManagedEngine(plugin, inner)
        created.push(engine)
        this.engines.set(plugin.id, engine)
        for (const l of plugin.languages) if (!this.byLanguage.has(l)) this.byLanguage.set(l, engine)
        for (const x of plugin.extensions) if (!this.byExtension.has(x.toLowerCase())) this.byExtension.set(x.toLowerCase(), engine)
      }
    } catch (e) {
      await Promise.allSettled(created.map((c) => c.close()))
      throw e
    }
  }

  /** Replaces the policy; compiled scripts and pooled states of the old policy are not reused. */
  setPolicy(policy: PolicyInput): void {
    this.assertOpen()
    const next = SecurityManager.resolve(policy, this.options.limits)
    for (const p of this.plugins) checkCapabilities(p, next.policy.limits)
    checkStoppable(next.policy.limits, this.options.isolation)
    this.currentSecurity = next
  }

  /** Runs a script once (compiled through the cache). */
  execute(request: ExecuteRequest): Promise<ExecutionResult> {
    return this.track(async () => {
      const req = checkRequest<ExecuteRequest>('execute', request)
      const name = req.name ?? `script${req.language ? `.${req.language}` : ''}`
      const engine = this.pick(req.language, req.name)
      const lang = req.language ?? (engine.plugin.languages[0] as string)
      let compiled: Awaited<ReturnType<Host['compileWith']>>
      try {
        const limits = this.currentSecurity.limitsFor(req.limits)
        checkSource(req.source, limits)
        const c = this.compileWith(engine, lang, name, req.source, limits.timeoutMs)
        compiled = c instanceof Promise ? await c : c
      } catch (e) {
        this.compileFailed(e)
      }
      return this.run(engine, compiled.script, compiled.hit, req)
    })
  }

  /** Syntax-checks and caches a script; `run` executes it without re-parsing where possible. */
  compile(request: CompileRequest): Promise<Script> {
    return this.track(async () => {
      const req = checkRequest<CompileRequest>('compile', request)
      const engine = this.pick(req.language, req.name)
      const lang = req.language ?? (engine.plugin.languages[0] as string)
      const name = req.name ?? `script.${lang}`
      let compiled: { script: CompiledScript; fingerprint: string } | undefined
      const get = async () => {
        // the compiled form stays valid while the policy does; after setPolicy, compile again
        if (compiled?.fingerprint === this.currentSecurity.fingerprint) return { script: compiled.script, hit: true }
        const fingerprint = this.currentSecurity.fingerprint
        const limits = this.currentSecurity.policy.limits
        checkSource(req.source, limits)
        const r = await this.compileWith(engine, lang, name, req.source, limits.timeoutMs)
        compiled = { script: r.script, fingerprint }
        return r
      }
      await get()
      return {
        name,
        language: lang,
        engine: engine.plugin.id,
        run: (options: RunOptions = {}) =>
          this.track(async () => {
            const opts = checkRequest<RunOptions>('run', options)
            const { script, hit } = await get()
            // a run may tighten the source limit below the compiled script's size
            if (opts.limits !== undefined) checkSource(req.source, this.currentSecurity.limitsFor(opts.limits))
            return this.run(engine, script, hit, opts)
          }),
      }
    })
  }

  /** Reads a file and executes it; the language comes from its extension. */
  async executeFile(path: string, options: RunOptions = {}): Promise<ExecutionResult> {
    this.assertOpen()
    if (typeof path !== 'string' || !path) throw new InvalidArgumentError('executeFile: path must be a non-empty string')
    const opts = checkRequest<RunOptions>('run', options)
    let source: string
    try {
      source = await readFile(path, 'utf8')
    } catch (e) {
      throw new InvalidArgumentError(`executeFile: cannot read '${path}': ${(e as Error).message}`, { cause: e })
    }
    return this.execute({ ...opts, source, name: basename(path) })
  }

  /** Typings for script authors: a `.d.ts` (`'js'`) or lua-language-server annotations (`'lua'`). */
  typings(language: string): string {
    const { bridges, modules, declared } = this
    return generateTypings(
      { bridges, modules, security: this.currentSecurity, globals: declared.globals, context: declared.context },
      language,
    )
  }

  stats(): HostStats {
    const engines: Record<string, EngineStats> = {}
    for (const [id, e] of this.engines) engines[id] = e.stats()
    return {
      executions: this.counters.executions,
      failures: this.counters.failures,
      limitTrips: { ...this.counters.trips },
      running: this.running.size,
      cache: this.cache.stats(),
      engines,
    }
  }

  /**
   * Graceful, and bounded: refuses new work, lets running executions finish for up to
   * `pool.drainTimeoutMs`, then cancels what is still running (CancelledError; in worker mode a
   * thread that does not stop is terminated) and closes every engine once. Repeated calls share
   * one close.
   */
  close(): Promise<void> {
    this.closing ??= this.shutdown()
    return this.closing
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close()
  }

  // --- internal ---

  private async shutdown(): Promise<void> {
    await settledWithin(this.running, this.pool.drainTimeoutMs)
    if (this.running.size > 0) {
      for (const x of this.live) x.abort(new CancelledError('execution cancelled: the host closed'))
      // a script that checks its deadline ends at once; a worker that does not answer is
      // terminated by its watchdog (kill margin) and settles its executions then
      await settledWithin(this.running, CLOSE_GRACE_MS)
    }
    const engines = [...this.engines.values()]
    const results = await Promise.allSettled(engines.map((e) => e.close()))
    results.forEach((r, i) => {
      if (r.status === 'rejected') this.logger.error(`engine '${engines[i]?.plugin.id}' failed to close`, r.reason)
    })
    this.cache.clear()
  }

  /** Runs `fn` as work that `close()` waits for; refuses to start once closing. */
  private track<T>(fn: () => Promise<T>): Promise<T> {
    if (this.closing) return Promise.reject(new ClosedError('host is closed'))
    const p = fn()
    this.running.add(p)
    const done = () => this.running.delete(p)
    p.then(done, done)
    return p
  }

  private pick(language: string | undefined, name: string | undefined): ManagedEngine {
    if (language !== undefined) {
      const e = this.byLanguage.get(language)
      if (!e) throw new EngineNotFoundError(`no engine for language '${language}' (have: ${[...this.byLanguage.keys()].join(', ')})`)
      return e
    }
    const ext = name ? extname(name).toLowerCase() : ''
    const e = ext ? this.byExtension.get(ext) : undefined
    if (!e) {
      throw new EngineNotFoundError(
        ext
          ? `no engine for extension '${ext}' (have: ${[...this.byExtension.keys()].join(', ')})`
          : 'language is required when name has no known extension',
      )
    }
    return e
  }

  /** A script that does not compile (or is over the source limit) is a failed execution; other errors pass through. */
  private compileFailed(e: unknown): never {
    if (e instanceof ScriptSyntaxError || e instanceof LimitExceededError) {
      this.counters.executions++
      this.counters.failures++
      if (e instanceof LimitExceededError) this.counters.trips[e.limit]++
    }
    throw e
  }

  private compileWith(engine: ManagedEngine, language: string, name: string, source: string, timeoutMs: number | false) {
    const hash = hashSource(source)
    const key = this.cache.keyOf({
      engineId: engine.plugin.id,
      engineVersion: engine.plugin.version ?? '0',
      policyFingerprint: this.currentSecurity.fingerprint,
      hash,
      name,
    })
    return this.cache.lookup(key) ?? this.cache.getOrCompile(key, () => engine.compile({ language, name, source, hash, timeoutMs }))
  }

  private async run(
    engine: ManagedEngine,
    script: Parameters<ManagedEngine['execute']>[0],
    hit: boolean,
    req: RunOptions,
  ): Promise<ExecutionResult> {
    const security = this.currentSecurity
    const limits = security.limitsFor(req.limits)
    // the policy's own limits were checked against every plugin when it was set
    if (req.limits !== undefined) checkCapabilities(engine.plugin, limits)
    if (!this.declared.empty) this.declared.check(req.globals, req.context)
    const context = freezeContext(req.context)
    const tenant = req.tenant ?? (typeof context.tenant === 'string' ? context.tenant : undefined)
    const execution = new Execution({
      engine: engine.plugin.id,
      language: script.language,
      scriptName: script.name,
      tenant,
      context,
      limits,
      bridges: this.bridges,
      security,
      compileCacheHit: hit,
      signal: req.signal,
    })
    this.counters.executions++
    this.live.add(execution)
    try {
      const result = await engine.execute(script, { globals: req.globals ?? {}, context, tenant, execution })
      // an engine that swallowed a fatal error must not turn it into a success
      if (execution.fatal) throw execution.fatal
      return result
    } catch (e) {
      this.counters.failures++
      const err = execution.fatal ?? e
      if (err instanceof LimitExceededError) this.counters.trips[err.limit]++
      if (err instanceof PolyhostError) throw err
      throw new EngineCrashedError(`engine '${engine.plugin.id}' failed: ${(err as Error)?.message ?? String(err)}`, { cause: err })
    } finally {
      this.live.delete(execution)
      execution.dispose()
    }
  }

  private assertOpen(): void {
    if (this.closing) throw new ClosedError('host is closed')
  }
}
