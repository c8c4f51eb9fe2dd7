// Over 250 lines: Host is the public API; each method is a thin entry that delegates to its module
// host.d.ts declares [Symbol.asyncDispose]; the directive stays in the emitted .d.ts so an
// application type-checks it without raising its own `lib`
/// <reference lib="esnext.disposable" preserve="true" />
import { basename } from 'node:path'
import { type PolicyInput, SecurityManager } from '@polyhost/security'
import { BridgeRegistry } from './bridges.js'
import { untilAborted } from './caller-signal.js'
import { CompileCache, hashSource } from './compile-cache.js'
import type { CompiledScript, EnginePlugin, ExecutionResult, Logger, SourceText } from './contracts.js'
import { DeclaredGlobals } from './declared-globals.js'
import { EngineRouter } from './engine-router.js'
import { startEngines } from './engine-start.js'
import { CancelledError, ClosedError, InvalidArgumentError } from './errors.js'
import type { Execution } from './execution.js'
import { CLOSE_GRACE_MS, checkCapabilities, checkHostOptions, checkPlugins, checkSource, checkStoppable } from './host-checks.js'
import type { CompileRequest, ExecuteFileOptions, ExecuteRequest, HostOptions, RunOptions } from './host-options.js'
import { checkRequest, checkRoute, type EngineRoute } from './host-options.js'
import { runScript } from './host-run.js'
import { RunningWork } from './host-work.js'
import { HostCounters, type HostStats } from './host-stats.js'
import { ModuleRegistry } from './modules.js'
import { type ManagedEngine, readPlugins } from './plugin.js'
import { type ResolvedPoolOptions, resolvePoolOptions } from './pool-types.js'
import { readingCaller } from './reading-caller.js'
import { type Compiled, compileScript, type Script } from './script.js'
import { readSourceFile } from './source-file.js'
import { generateTypings } from './typings/index.js'
import { ConverterRegistry } from './values/converters.js'

export type { HostStats, Script }

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
  const reading = <T>(read: () => T): T => readingCaller('createHost: the options', read)
  const maxDepth = reading(() => checkHostOptions(options))
  const plugins = await readPlugins(reading(() => [...options.engines]))
  const host = reading(() => new Host(plugins, SecurityManager.resolve(options.policy, options.limits), options, maxDepth))
  await host.start()
  return host
}

export class Host {
  readonly bridges = new BridgeRegistry()
  /** Modules scripts may `require`/`import`, in the languages of this host's engines. */
  readonly modules: ModuleRegistry
  readonly converters: ConverterRegistry
  private currentSecurity: SecurityManager
  private readonly engines = new EngineRouter()
  private readonly cache: CompileCache
  private readonly running = new RunningWork()
  /** Executions under way, so that a close past its drain timeout can cancel them. */
  private readonly live = new Set<Execution>()
  private readonly pool: ResolvedPoolOptions
  private closing: Promise<void> | undefined
  /** When closing: the drain deadline every execution is cancelled at (`performance.now()` clock). */
  private closeAt: number | undefined
  private readonly logger: Logger
  /** The globals and `context` shape declared in `createHost` (typed and checked per execution). */
  readonly declared: DeclaredGlobals
  private readonly counters = new HostCounters()

  /** @internal use `createHost` */
  constructor(
    private readonly plugins: readonly EnginePlugin[],
    security: SecurityManager,
    private readonly options: HostOptions,
    private readonly maxDepth: number,
  ) {
    this.currentSecurity = security
    // a worker's engines convert with the built-in types only: a custom type's functions cannot cross threads
    const refusal =
      "cannot be used with isolation 'worker': its functions cannot cross threads (pass plain data, or use isolation 'inline')"
    this.converters = new ConverterRegistry(undefined, options.isolation === 'worker' ? refusal : undefined)
    this.modules = new ModuleRegistry(plugins.flatMap((p) => p.languages))
    this.pool = resolvePoolOptions(options.pool)
    this.cache = new CompileCache(options.cache)
    this.logger = options.logger ?? { debug() {}, warn: console.warn, error: console.error }
    this.declared = new DeclaredGlobals(options.globals, options.context)
    checkPlugins(plugins, security.policy.limits)
    checkStoppable(security.policy.limits, options.isolation)
  }

  /** Whether `close()` was called: every later `execute`/`run` rejects with ClosedError. */
  get closed(): boolean {
    return this.closing !== undefined
  }

  /** The resolved policy in force. */
  get security(): SecurityManager {
    return this.currentSecurity
  }

  /** @internal */
  async start(): Promise<void> {
    const engines = await startEngines({
      plugins: this.plugins,
      options: this.options,
      pool: this.pool,
      maxDepth: this.maxDepth,
      logger: this.logger,
      bridges: this.bridges,
      modules: this.modules,
      converters: this.converters,
      security: () => this.currentSecurity,
    })
    for (const engine of engines) this.engines.add(engine)
  }

  /** Replaces the policy; compiled scripts and pooled states of the old policy are not reused. */
  setPolicy(policy: PolicyInput): void {
    this.assertOpen()
    // no policy is a mistake here, not a request for the default preset: that would loosen a strict host
    if (policy === undefined || policy === null)
      throw new InvalidArgumentError('setPolicy: a policy is required (a preset name or a policy)')
    const next = readingCaller('setPolicy: the policy', () => SecurityManager.resolve(policy, this.options.limits))
    for (const p of this.plugins) checkCapabilities(p, next.policy.limits)
    checkStoppable(next.policy.limits, this.options.isolation)
    this.currentSecurity = next
  }

  /** Runs a script once (compiled through the cache). */
  execute(request: ExecuteRequest): Promise<ExecutionResult> {
    // not an async function: a compile-cache hit runs without an extra frame and promise
    return this.track(() => {
      const req = checkRequest<ExecuteRequest>('execute', request)
      const name = req.name ?? `script${req.language ? `.${req.language}` : ''}`
      const engine = this.engines.pick(req.language, req.name)
      const lang = req.language ?? (engine.plugin.languages[0] as string)
      const failed = (e: unknown): never => {
        this.counters.compileFailed(e)
        throw e
      }
      let c: Promise<Compiled> | Compiled
      try {
        const limits = this.currentSecurity.limitsFor(req.limits)
        checkSource(req.source, limits)
        c = this.compileWith(engine, { language: lang, name, source: req.source, timeoutMs: limits.timeoutMs })
      } catch (e) {
        return failed(e)
      }
      // the caller's abort ends its wait for a compile (on a worker that may be restarting)
      if (c instanceof Promise)
        return untilAborted(c.then(undefined, failed), req.signal).then((r) => this.run(engine, r.script, r.hit, req, true))
      return this.run(engine, c.script, c.hit, req, true)
    })
  }

  /** Syntax-checks and caches a script; `run` executes it without re-parsing where possible. */
  compile(request: CompileRequest): Promise<Script> {
    return this.track(async () => {
      const req = checkRequest<CompileRequest>('compile', request)
      const engine = this.engines.pick(req.language, req.name)
      const lang = req.language ?? (engine.plugin.languages[0] as string)
      const security = () => this.currentSecurity
      const track = <T>(fn: () => Promise<T>) => this.track(fn)
      const host = { track, security, compile: this.compileWith.bind(this), run: this.run.bind(this) }
      return compileScript(host, engine, lang, req)
    })
  }

  /**
   * Reads a regular file (over the source limit: LimitExceededError('source'), unread) and runs it as its
   * engine's `fileSource` reads it, in the language its extension names, else `options.language`.
   */
  executeFile(path: string, options: ExecuteFileOptions = {}): Promise<ExecutionResult> {
    return this.track(async () => {
      if (typeof path !== 'string' || !path) throw new InvalidArgumentError('executeFile: path must be a non-empty string')
      const opts = checkRequest<ExecuteFileOptions>('executeFile', options)
      this.engines.checkFileLanguage(opts.language, path, 'executeFile')
      const { sourceBytes } = this.currentSecurity.limitsFor(opts.limits)
      const source = await readSourceFile(path, { maxBytes: sourceBytes, what: 'executeFile' })
      const fileSource = this.engines.pick(opts.language, basename(path)).plugin.fileSource
      return this.execute({ ...opts, source: fileSource ? fileSource(source) : source, name: basename(path) })
    })
  }

  /**
   * The id of the engine `request` would run on (as `stats.engine` and `Script.engine` name it),
   * routed as `execute` routes: by `language`, else by `name`'s extension. Nothing is compiled or
   * run. EngineNotFoundError (as `execute` gives) when no engine takes the request;
   * InvalidArgumentError for a `language` or `name` `execute` would refuse. Other fields are not read.
   */
  engineFor(request: EngineRoute): string {
    const { language, name } = checkRoute(request)
    return this.engines.pick(language, name).plugin.id
  }

  /** Every language a request may name, in the order engines were added (aliases included). */
  get languages(): readonly string[] {
    return this.engines.languages()
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
    return this.counters.stats(this.running.size, this.cache.stats(), this.engines.stats())
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
    // enforced by the executions themselves too: the timer below cannot fire while a script
    // holds the thread, and one that waited for its state would then start past the drain
    this.closeAt = performance.now() + this.pool.drainTimeoutMs
    for (const x of this.live) x.cancelAfter(this.closeAt)
    await this.running.settledWithin(this.pool.drainTimeoutMs)
    if (this.running.size > 0) {
      for (const x of this.live) x.abort(new CancelledError('execution cancelled: the host closed'))
      // a script that checks its deadline ends at once; a worker that does not answer is
      // terminated by its watchdog (kill margin) and settles its executions then
      await this.running.settledWithin(CLOSE_GRACE_MS)
    }
    const engines = this.engines.all()
    const results = await Promise.allSettled(engines.map((e) => e.close()))
    results.forEach((r, i) => {
      if (r.status === 'rejected') this.logger.error(`engine '${engines[i]?.plugin.id}' failed to close`, r.reason)
    })
    this.cache.clear()
  }

  /** Runs `fn` as work that `close()` waits for; refuses to start once closing. */
  private track<T>(fn: () => Promise<T>): Promise<T> {
    if (this.closing) return Promise.reject(new ClosedError('host is closed'))
    return this.running.run(fn)
  }

  private compileWith(engine: ManagedEngine, text: Omit<SourceText, 'hash'>): Promise<Compiled> | Compiled {
    const { language, name, source, timeoutMs } = text
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

  private run(engine: ManagedEngine, script: CompiledScript, hit: boolean, req: RunOptions, shared = false): Promise<ExecutionResult> {
    const { bridges, declared, counters, live, closeAt } = this
    return runScript({ security: this.currentSecurity, bridges, declared, counters, live, closeAt }, engine, script, hit, req, shared)
  }

  private assertOpen(): void {
    if (this.closing) throw new ClosedError('host is closed')
  }
}
