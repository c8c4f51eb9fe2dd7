import {
  type EngineEnvironment,
  type Execution,
  type ExecutionRequest,
  InvalidArgumentError,
  type LogLevel,
  PolyhostError,
  readFailure,
} from '@polyhost/core'
import type { QuickJSContext, QuickJSHandle, QuickJSRuntime, VmCallResult } from 'quickjs-emscripten-core'
import type { JsCompiledScript } from './compiler.js'
import { Converter, type ConverterHost } from './converter.js'
import { DirectFfi, NOT_SIMPLE } from './direct-ffi.js'
import { GUEST_SETUP } from './guest-setup.js'
import { HELPER_NAMES, type HelperName } from './helpers.js'
import { interruptBudget, stackBytesFor, MAX_STACK_BYTES, TICKS_PER_INTERRUPT } from './limits.js'
import { guestConfigFor } from './sandbox-config.js'
import { GuestCalls } from './guest-calls.js'
import { GuestThrow } from './guest-throw.js'
import { ExpressionCache } from './expressions.js'
import { entropy53 } from './entropy.js'
import { ScriptModules } from './script-modules.js'
import { MAX_HEAP_BYTES, type WasmInstance, type WasmLoader } from './wasm.js'

/** Per-engine settings every state of it shares. */
export interface StateOptions {
  readonly env: EngineEnvironment
  readonly wasm: WasmLoader
  /** Runs once per state before lockdown; what it defines becomes part of the baseline. */
  readonly initScript?: string | undefined
  /** A state whose heap grew more than this above its baseline is destroyed at reset. */
  readonly retainHeapBytes: number
  /** Headroom of each instance's Memory maximum above the policy's memory limit. */
  readonly heapReserveBytes: number
  /** Debug variants: report allocations still live when a state is destroyed. */
  readonly onLeak?: ((message: string) => void) | undefined
}

/**
 * Bounds a state's setup (an init script that never ends). Generous: the debug build sets a
 * state up ~25 times slower than the release one (tens of seconds on a loaded machine).
 */
const SETUP_TIMEOUT_MS = 60_000
/**
 * Realm shapes (per process) whose intrinsics the walk and syntax probes find in full, shown
 * once by the discovery's factory calls (see guest-intrinsics): later states skip the calls.
 */
const KNOWN_REALMS = new Set<string>()

/**
 * One pooled QuickJS state: its own WASM instance (bounded memory), runtime and context,
 * sandboxed and locked down for the policy it was made under. Between executions only
 * what a script added to `globalThis` can differ from the baseline; `reset` removes it.
 */
export class JsState implements ConverterHost {
  execution: Execution | undefined
  /** A host-level failure happened inside QuickJS: never reuse. */
  broken = false
  ticks = 0
  readonly converter: Converter
  readonly calls: GuestCalls
  readonly fingerprint: string
  readonly bridgesVersion: number
  evalFn!: QuickJSHandle
  private helpers = {} as Record<HelperName, QuickJSHandle>
  private readonly direct: DirectFfi | undefined
  private tickBudget = Number.POSITIVE_INFINITY
  private stackBytes = MAX_STACK_BYTES
  private setupDeadline = Number.POSITIVE_INFINITY
  private runToken = 0
  private baseHeap = 0
  private checked = false
  private baseline = new Set<string>()
  private readonly expressions: ExpressionCache
  private readonly modules: ScriptModules

  private constructor(
    readonly instance: WasmInstance,
    readonly runtime: QuickJSRuntime,
    readonly ctx: QuickJSContext,
    private readonly opts: StateOptions,
  ) {
    const env = opts.env
    this.fingerprint = env.security.fingerprint
    this.bridgesVersion = env.bridges.version
    this.converter = new Converter(this)
    this.calls = new GuestCalls(this)
    this.direct = DirectFfi.for(ctx, instance.alloc)
    this.expressions = new ExpressionCache(ctx, (v) => this.call('freeze', v))
    this.modules = new ScriptModules(env.modules, () => ({ execution: this.execution, token: this.runToken }))
  }

  get converters() {
    return this.opts.env.converters
  }

  get maxDepth(): number {
    return this.opts.env.maxDepth
  }

  get token(): number {
    return this.runToken
  }

  /** Builds a state at its baseline under the environment's current policy and bridges. */
  static async create(opts: StateOptions): Promise<JsState> {
    const mem = opts.env.security.policy.limits.memoryBytes
    const printErr = (m: string) => opts.env.logger.debug(`quickjs: ${m}`)
    const instance = await opts.wasm.instantiate(
      mem === false ? MAX_HEAP_BYTES : mem + opts.heapReserveBytes + opts.retainHeapBytes,
      printErr,
    )
    const runtime = instance.module.newRuntime()
    let state: JsState | undefined
    try {
      state = new JsState(instance, runtime, runtime.newContext(), opts)
      state.setup()
      return state
    } catch (e) {
      if (state) state.destroy()
      else runtime.dispose()
      throw e
    }
  }

  /** Calls a guest helper; a guest exception becomes the execution's fatal error or a GuestThrow. */
  call(name: HelperName, ...args: QuickJSHandle[]): QuickJSHandle {
    const fn = this.helpers[name]
    const r = this.direct ? this.direct.call(fn, args) : this.ctx.callFunction(fn, this.ctx.undefined, args)
    if (!r.error) return r.value
    throw this.failure(r.error)
  }

  /** Turns a guest exception handle (disposed here) into the error the host should see. */
  failure(error: QuickJSHandle): Error {
    const ex = this.execution
    const memory = this.memoryTrip()
    if (ex?.fatal) {
      error.dispose()
      return ex.fatal
    }
    if (memory) {
      error.dispose()
      return memory
    }
    return new GuestThrow(this, error)
  }

  /** Records and returns the memory trip if the heap refused to grow during this execution. */
  memoryTrip(): Error | undefined {
    const ex = this.execution
    const heap = this.instance.heap
    if (!ex || !heap.tripped) return undefined
    const max = ex.limits.memoryBytes
    return ex.trip('memory', heap.attempted, max === false ? 0 : max)
  }

  /** A number, boolean, null or undefined read without calls into the VM, else NOT_SIMPLE. */
  simple(h: QuickJSHandle): unknown {
    return this.direct ? this.direct.simple(h) : NOT_SIMPLE
  }

  /** False when the value is known not to be an object (so not a promise either). */
  mayBeObject(h: QuickJSHandle): boolean {
    return this.direct?.isObject(h) ?? true
  }

  newString(s: string): QuickJSHandle {
    return this.direct ? this.direct.newString(s) : this.ctx.newString(s)
  }

  hostFunction(fn: (...args: unknown[]) => unknown): QuickJSHandle {
    return this.calls.hostFunction(fn)
  }

  /**
   * Starts an execution: limits, context, globals, determinism. With a classic script the
   * same guest call also runs it (its compiled expression, or the source through indirect
   * eval), saving a boundary crossing; the result handle is returned.
   */
  begin(ex: Execution, req: ExecutionRequest, script?: JsCompiledScript): QuickJSHandle | undefined {
    this.execution = ex
    this.runToken++
    this.ticks = 0
    this.checked = false
    const limits = ex.limits
    this.tickBudget = interruptBudget(limits)
    const stack = stackBytesFor(limits)
    if (stack !== this.stackBytes) this.runtime.setMaxStackSize((this.stackBytes = stack))
    this.instance.heap.begin(limits.memoryBytes, this.instance.alloc)
    let names: string[]
    try {
      names = Object.keys(req.globals)
    } catch (e) {
      throw readFailure(e)
    }
    for (const k of names) {
      if (this.baseline.has(k)) throw new InvalidArgumentError(`execute: globals: '${k}' would replace a built-in global`)
    }
    const { ctx } = this
    const args: QuickJSHandle[] = []
    try {
      args.push(names.length > 0 ? this.converter.toGuestOrJson(req.globals) : ctx.undefined)
      args.push(Object.keys(req.context).length > 0 ? this.converter.toGuestOrJson(req.context) : ctx.undefined)
    } catch (e) {
      for (const h of args) h.dispose()
      // a getter or Proxy trap of the caller's data threw; the state is not trusted further
      if (!(e instanceof PolyhostError)) this.broken = true
      throw readFailure(e)
    }
    try {
      const d = ex.init.security.policy.determinism
      args.push(d.time === 'frozen' ? ctx.newNumber(d.now ?? ex.startedAtEpoch) : ctx.undefined)
      args.push(d.random === 'seeded' ? ctx.newNumber(d.seed) : ctx.undefined)
      if (script === undefined) {
        this.call('begin', ...args).dispose()
        return undefined
      }
      const fn = this.expressions.get(script)
      if (fn) return this.call('run', ...args, fn)
      args.push(ctx.newString(script.body))
      return this.call('run', ...args)
    } finally {
      for (const h of args) h.dispose()
    }
  }

  /** Ends the execution: usage into its stats, pending host promises dropped, ballast freed. */
  end(): void {
    const ex = this.execution
    const heap = this.instance.heap
    if (ex) {
      ex.instructions = this.ticks * TICKS_PER_INTERRUPT
      ex.memoryBytes = Math.max(ex.memoryBytes, heap.used)
    }
    this.execution = undefined
    this.converter.clear()
    this.calls.dropPending()
    heap.end(this.instance.alloc)
  }

  /** Back to the baseline, or throws (the pool then destroys the state). */
  reset(): void {
    if (this.broken) throw new Error('state is broken')
    // a job left by the last execution must never run during the next one
    if (this.runtime.hasPendingJob()) throw new Error('pending jobs left over')
    if (!this.call('reset').consume((h) => this.isTrue(h))) throw new Error('baseline changed')
    const heap = this.instance.heap
    if (heap.grew) {
      heap.measure(this.instance.alloc)
      if (heap.size - this.baseHeap > this.opts.retainHeapBytes) throw new Error('heap grew past the retained size')
    }
    if (this.modules.exhausted) throw new Error('too many module instances')
    this.checked = true
  }

  /** Cheap after a reset (which already checked); otherwise asks the guest. */
  validate(): boolean {
    if (this.broken) return false
    if (this.checked) {
      this.checked = false
      return true
    }
    try {
      return this.call('check').consume((h) => this.isTrue(h))
    } catch {
      return false
    }
  }

  /** Whether the state still matches the environment (policy and bridges). */
  current(env: EngineEnvironment): boolean {
    return !this.broken && this.fingerprint === env.security.fingerprint && this.bridgesVersion === env.bridges.version
  }

  destroy(): void {
    this.execution = undefined
    this.calls.dropPending()
    try {
      this.expressions.clear()
      for (const h of Object.values(this.helpers)) if (h.alive) h.dispose()
      if (this.evalFn?.alive) this.evalFn.dispose()
      this.ctx.dispose()
      this.runtime.dispose()
      this.direct?.dispose()
      if (this.opts.onLeak && this.instance.module.getFFI().QTS_RecoverableLeakCheck()) this.opts.onLeak('QuickJS heap leak detected')
    } catch (e) {
      // a broken instance is dropped whole; for a healthy one this is a handle leak
      if (!this.broken) this.opts.onLeak?.(`state disposal failed: ${(e as Error).message}`)
    }
  }

  // --- internal ---

  private setup(): void {
    const { ctx, runtime, opts } = this
    const security = opts.env.security
    runtime.setMaxStackSize(this.stackBytes)
    runtime.setInterruptHandler(() => this.interrupt())
    runtime.setModuleLoader(
      (name) => this.modules.load(name),
      (_base, requested) => this.modules.normalize(requested),
    )
    this.setupDeadline = performance.now() + SETUP_TIMEOUT_MS
    this.evalFn = ctx.getProp(ctx.global, 'eval')
    const setupFn = ctx.unwrapResult(ctx.evalCode(GUEST_SETUP, '<setup>', { type: 'global' }))
    const log = ctx.newFunction('log', (level, message) => this.onLog(level, message))
    const entropy = ctx.newFunction('entropy', () => ctx.newNumber(entropy53()))
    const guestConfig = guestConfigFor(security)
    const config = ctx.newString(JSON.stringify({ ...guestConfig, knownRealms: [...KNOWN_REALMS] }))
    let helpers: QuickJSHandle
    try {
      helpers = ctx.unwrapResult(ctx.callFunction(setupFn, ctx.undefined, config, log, entropy))
    } finally {
      // also when the setup failed (its deadline): the state is destroyed with no handle left
      for (const h of [setupFn, log, config, entropy]) h.dispose()
    }
    for (const name of HELPER_NAMES) this.helpers[name] = ctx.getProp(helpers, name)
    helpers.dispose()
    // promise reactions queued by the discovery of intrinsics: none may be left for a script
    runtime.executePendingJobs().dispose()
    this.learnRealm()
    this.calls.installBridges(opts.env.bridges.visible(security))
    if (opts.initScript) this.runInit(opts.initScript)
    this.call('lockdown').dispose()
    this.baseline = new Set(JSON.parse(this.call('baselineJson').consume((h) => ctx.getString(h))) as string[])
    this.setupDeadline = Number.POSITIVE_INFINITY
    this.instance.heap.measure(this.instance.alloc)
    this.baseHeap = this.instance.heap.size
  }

  /** Remembers a realm shape whose discovery found nothing beyond its walk and probes. */
  private learnRealm(): void {
    const json = this.call('intrinsicsJson').consume((h) => this.ctx.getString(h))
    const r = JSON.parse(json) as { signature: string; full: boolean; extra: number }
    if (!r.full) return
    if (r.extra === 0) KNOWN_REALMS.add(r.signature)
    else this.opts.env.logger.debug(`quickjs: ${r.extra} intrinsics found only by calls; every state keeps calling`)
  }

  private isTrue(h: QuickJSHandle): boolean {
    const v = this.simple(h)
    return v === NOT_SIMPLE ? this.ctx.sameValue(h, this.ctx.true) : v === true
  }

  private runInit(source: string): void {
    const r = this.ctx
      .newString(`'use strict';void 0;\n${source}`)
      .consume((s) => this.ctx.callFunction(this.evalFn, this.ctx.undefined, s))
    if (r.error) {
      const info = new GuestThrow(this, r.error).info
      throw new Error(`initScript failed: ${info.error ? `${info.name}: ` : ''}${info.message}`)
    }
    r.value.dispose()
  }

  private interrupt(): boolean {
    const ex = this.execution
    if (!ex) return performance.now() > this.setupDeadline
    this.ticks++
    if (ex.fatal) return true
    if (this.memoryTrip()) return true
    if (this.ticks > this.tickBudget) {
      const max = ex.limits.instructions
      ex.trip('instructions', this.ticks * TICKS_PER_INTERRUPT, max === false ? 0 : max)
      return true
    }
    if (performance.now() > ex.deadline) {
      ex.tripTimeout()
      return true
    }
    return false
  }

  private onLog(level: QuickJSHandle, message: QuickJSHandle): VmCallResult<QuickJSHandle> | undefined {
    const ex = this.execution
    if (!ex) return undefined
    const fatal = this.calls.fatalError()
    if (fatal) return fatal
    try {
      ex.log(this.ctx.getString(level) as LogLevel, this.ctx.getString(message))
      return undefined
    } catch (e) {
      return { error: this.calls.guestError(e) }
    }
  }
}
