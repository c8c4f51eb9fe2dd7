// Over 250 lines: one class, a QuickJS state's lifecycle and the host interface its converter calls back into.
import type { EngineEnvironment, Execution, ExecutionRequest } from '@polyhost/core/engine'
import type { QuickJSContext, QuickJSHandle, QuickJSRuntime } from 'quickjs-emscripten-core'
import type { GuestDeferred } from './call-source.js'
import type { JsCompiledScript } from './compiler.js'
import { Converter, type ConverterHost } from './converter.js'
import { type DirectFfi, NOT_SIMPLE } from './direct-ffi.js'
import { guestArguments } from './begin-args.js'
import type { HelperName } from './helpers.js'
import { InterruptMeter } from './interrupt-meter.js'
import { MAX_STACK_BYTES, stackBytesFor } from './limits.js'
import { GuestCalls } from './guest-calls.js'
import { GuestThrow } from './guest-throw.js'
import { ExpressionCache } from './expressions.js'
import { ScriptModules } from './script-modules.js'
import type { HostMaker } from './state-snapshot.js'
import type { StateOptions } from './state-options.js'
import type { WasmInstance } from './wasm.js'
import { firstTouchMs } from '@polyhost/core/engine'

export type { StateOptions } from './state-options.js'

/**
 * One pooled QuickJS state: its own WASM instance (bounded memory), runtime and context,
 * sandboxed and locked down for the policy it was made under. Between executions only
 * what a script added to `globalThis` can differ from the baseline; `reset` removes it.
 */
export class JsState implements ConverterHost {
  execution: Execution | undefined
  /** A host-level failure happened inside QuickJS: never reuse. */
  broken = false
  readonly converter: Converter
  readonly calls: GuestCalls<JsState>
  readonly fingerprint: string
  readonly bridgesVersion: number
  evalFn!: QuickJSHandle
  /** Guest helpers by name (set by state-create once set-up or a restore made them). */
  helpers = {} as Record<HelperName, QuickJSHandle>
  /** Globals of the locked-down baseline: an execution may not replace them (copies of a snapshot share one set). */
  baseline: ReadonlySet<string> = new Set<string>()
  /** Heap size at the baseline; growth past `retainHeapBytes` above it retires the state. */
  baseHeap = 0
  /** Counts interrupts and stops runaway code (limits, set-up deadline). */
  readonly meter = new InterruptMeter()
  /** Which maker made each host function, so a snapshot can rebuild them for its copies. */
  readonly makers = new Map<unknown, HostMaker<JsState>>()
  stackBytes = MAX_STACK_BYTES
  /** Where the instance goes when the state retires at rest (a snapshot-made state's recycler). */
  retireTo: ((state: JsState) => void) | undefined
  private runToken = 0
  private checked = false
  /** The last run was an inert expression (`JsCompiledScript.inert`): it left the global object as it was. */
  private inertRun = false
  /**
   * Reset skipped the guest's part after an inert run: its scope of globals and its context
   * stay until the next begin replaces them, or an idle validation runs the guest reset.
   */
  private resetOwed = false
  private readonly expressions: ExpressionCache
  private readonly modules: ScriptModules

  /** Use `createState` (state-create.ts): this wires a runtime and context already made. */
  constructor(
    readonly instance: WasmInstance,
    readonly runtime: QuickJSRuntime,
    readonly ctx: QuickJSContext,
    readonly opts: StateOptions,
    readonly direct: DirectFfi | undefined,
  ) {
    const env = opts.env
    this.fingerprint = env.security.fingerprint
    this.bridgesVersion = env.bridges.version
    this.converter = new Converter(this)
    this.calls = new GuestCalls(this)
    this.expressions = new ExpressionCache(ctx, (v) => this.call('freeze', v))
    this.modules = new ScriptModules(env.modules, () => ({ execution: this.execution, token: this.runToken }))
    // a failed allocation ends the execution now: QuickJS's C glue and quickjs-emscripten turn
    // a NULL into undefined or 0 and carry on, so no later host call may run on such a value
    instance.heap.onTrip = () => {
      if (this.memoryTrip()) this.meter.pollSoon()
    }
    // a heap growth after the deadline is refused with the timeout recorded: the allocation
    // fails, and the trip above then reports that timeout (the first limit recorded); so is
    // one whose new pages' first touch could not end by the deadline, with the time it would
    // have ended at (one builtin filling one large block has no tick until it is done)
    instance.heap.overdue = (bytes) => {
      const ex = this.execution
      if (!ex) return false
      const now = performance.now()
      if (now > ex.deadline) {
        ex.tripTimeout()
        return true
      }
      const touchedBy = now + firstTouchMs(bytes)
      if (touchedBy <= ex.deadline) return false
      ex.trip('timeout', Math.ceil((touchedBy - ex.startedAt) * 10) / 10)
      return true
    }
    runtime.setMaxStackSize(this.stackBytes)
    runtime.setInterruptHandler(() => this.meter.interrupt(this.execution, this))
    runtime.setModuleLoader(
      (name) => this.modules.load(name),
      (_base, requested) => this.modules.normalize(requested),
    )
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
    return ex.trip('memory', heap.attempted)
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

  newPromise(): GuestDeferred {
    if (this.direct) return this.direct.newPromise()
    // a build without the direct calls: quickjs-emscripten's own, whose view may be stale (see DirectFfi.newPromise)
    const d = this.ctx.newPromise() as unknown as { handle: QuickJSHandle; resolveHandle: QuickJSHandle; rejectHandle: QuickJSHandle }
    return { promise: d.handle, resolve: d.resolveHandle, reject: d.rejectHandle }
  }

  /** Runs up to `max` pending jobs: their count, or the exception a job threw. */
  executePendingJobs(max: number): { value: number; error?: undefined } | { error: QuickJSHandle } {
    const rt = (this.runtime as unknown as { rt?: { value?: unknown } }).rt?.value
    if (this.direct && typeof rt === 'number') return this.direct.executePendingJobs(rt, max)
    const r = this.runtime.executePendingJobs(max)
    return r.error ? { error: r.error } : { value: r.value }
  }

  hostFunction(fn: (...args: unknown[]) => unknown): QuickJSHandle {
    return this.calls.hostFunction(fn)
  }

  /**
   * A host function that belongs to the state's baseline (log, entropy, bridge methods):
   * made by `make` so that a copy restored from a snapshot gets its own, bound to itself.
   */
  baseFunction(name: string, make: HostMaker<JsState>): QuickJSHandle {
    const fn = make(this)
    this.makers.set(fn, make)
    return this.ctx.newFunction(name, fn as (...args: QuickJSHandle[]) => QuickJSHandle | undefined)
  }

  /**
   * Starts an execution: limits, context, globals, determinism. With a classic script the
   * same guest call also runs it (its compiled expression, or the source through indirect
   * eval), saving a boundary crossing; the result handle is returned.
   */
  begin(ex: Execution, req: ExecutionRequest, script?: JsCompiledScript): QuickJSHandle | undefined {
    this.execution = ex
    this.runToken++
    this.checked = false
    this.inertRun = false
    this.resetOwed = false
    const limits = ex.limits
    this.meter.start()
    const stack = stackBytesFor(limits)
    if (stack !== this.stackBytes) this.runtime.setMaxStackSize((this.stackBytes = stack))
    this.instance.heap.begin(limits.memoryBytes, this.instance.alloc)
    const args = guestArguments(this, ex, req)
    const { ctx } = this
    try {
      if (script === undefined) {
        this.call('begin', ...args).dispose()
        return undefined
      }
      const fn = this.expressions.get(script)
      if (fn) {
        this.inertRun = script.inert === true
        return this.call('run', ...args, fn)
      }
      args.push(ctx.newString(script.body))
      return this.call('run', ...args)
    } finally {
      for (const h of args) h.dispose()
    }
  }

  /** The execution's instructions and memory so far into its stats (its result reads them). */
  recordUsage(): void {
    const ex = this.execution
    if (!ex) return
    ex.instructions = this.meter.instructions
    ex.memoryBytes = Math.max(ex.memoryBytes, this.instance.heap.used)
  }

  /** Ends the execution: usage into its stats, pending host promises dropped, ballast freed. */
  end(): void {
    const heap = this.instance.heap
    this.recordUsage()
    this.execution = undefined
    this.converter.clear()
    this.calls.dropPending()
    heap.end(this.instance.alloc)
  }

  /**
   * Back to the baseline, or throws (the pool then destroys the state). A state whose engine
   * has an `initScript` is never reused: what that script defined can hold state lockdown
   * cannot freeze (closure variables, Map or Set entries, private fields, a Date's time,
   * buffer bytes), so the next execution gets a new state, made from the snapshot in a
   * recycled instance whose whole memory is rewritten to the template's (`InstanceRecycler`).
   */
  reset(): void {
    if (this.broken) throw new Error('state is broken')
    if (this.opts.initScript) throw new Error('a state that ran an initScript serves one execution')
    // a job left by the last execution must never run during the next one
    if (this.runtime.hasPendingJob()) throw new Error('pending jobs left over')
    // an inert expression only read: the next begin replaces the scope and context it leaves
    this.resetOwed = this.inertRun
    this.inertRun = false
    if (!this.resetOwed && !this.guestReset()) throw new Error('baseline changed')
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
      if (this.resetOwed) {
        this.resetOwed = false
        if (!this.guestReset()) return false
      }
      return this.call('check').consume((h) => this.isTrue(h))
    } catch {
      return false
    }
  }

  /** Whether the state still matches the environment (policy and bridges). */
  current(env: EngineEnvironment): boolean {
    return !this.broken && this.fingerprint === env.security.fingerprint && this.bridgesVersion === env.bridges.version
  }

  /**
   * Drops the state. Freed inside the VM only when leaks are to be reported (`onLeak`):
   * otherwise instance and memory are dropped whole (freeing was a tenth of a new state), or
   * handed to the recycler when the state retires at rest (its wrappers stop working).
   */
  destroy(): void {
    // at rest: no execution running (a drain past its timeout destroys busy states)
    const atRest = this.execution === undefined && !this.broken
    this.execution = undefined
    this.calls.dropPending()
    if (!this.opts.onLeak) {
      if (atRest) this.retireTo?.(this)
      this.retireTo = undefined
      return
    }
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

  /** The guest's reset: the baseline back as the global object's prototype, additions deleted. */
  private guestReset(): boolean {
    return this.call('reset').consume((h) => this.isTrue(h))
  }

  private isTrue(h: QuickJSHandle): boolean {
    const v = this.simple(h)
    return v === NOT_SIMPLE ? this.ctx.sameValue(h, this.ctx.true) : v === true
  }
}
