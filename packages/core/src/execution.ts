// Over 250 lines: one class, the bookkeeping every engine shares; its parts all read and set the one fatal error.
import { AsyncResource } from 'node:async_hooks'
import { setMaxListeners } from 'node:events'
import { LIMIT_NAMES, type LimitKey, type LimitName, MAX_TIMER_MS, type ResolvedLimits, type SecurityManager } from '@polyhost/security'
import { type BridgeRegistryView, type ExecutionCaller, tellCaller } from './bridges.js'
import { invokeBridge } from './bridge-call.js'
import type { ExecutionResult, LogEntry, LogLevel } from './execution-result.js'
import { CancelledError, isFatal, LimitExceededError } from './errors.js'
import { abortAtDeadline, raceAbort, whenAborted } from './caller-signal.js'
import { ExecutionClock } from './execution-clock.js'
import { logLineBytes } from './log-bytes.js'

export interface ExecutionInit {
  readonly engine: string
  readonly language: string
  readonly scriptName: string
  readonly tenant: string | undefined
  readonly context: Readonly<Record<string, unknown>>
  readonly limits: ResolvedLimits
  readonly bridges: BridgeRegistryView
  readonly security: SecurityManager
  readonly compileCacheHit: boolean
  /** The script's language has `undefined` apart from `null` (capabilities); false: only nil (Lua). */
  readonly undefinedValue?: boolean
  /** The caller's signal; its abort cancels the execution. */
  readonly signal?: AbortSignal | undefined
  /** The request's `caller`: its handlers' `ctx.caller`, told of bridge failures. */
  readonly caller?: ExecutionCaller | undefined
}

/**
 * Bookkeeping of one execution, shared by every engine: deadline and cancellation,
 * bridge calls and their count, captured logs with the output cap, usage counters.
 * Once a fatal error (a limit, a cancellation) is recorded, `fatal` holds it and
 * `signal` is aborted with it; engines must end the script and throw it.
 */
export class Execution extends ExecutionClock {
  /** A closing host's drain deadline (`cancelAfter`; Infinity: none). */
  private closeAt = Number.POSITIVE_INFINITY
  readonly logs: LogEntry[] = []
  bridgeCalls = 0
  outputBytes = 0
  /** Set by the engine: instructions executed (exact or approximate, per capabilities). */
  instructions = 0
  private memory = 0
  private fatalError: Error | undefined
  private lastBridgeFailure: { readonly path: string; readonly error: unknown } | undefined
  // The controller, its timer and the caller-signal listener cost several microseconds, more
  // than a small script: they are made on first use of `signal` (async waits, bridge ctx).
  // Synchronous code is bounded by `check()` and the engines' own deadline checks.
  private controller: AbortController | undefined
  private stopWatchingCaller: (() => void) | undefined
  private disposed = false
  /** The host is done with it (`end`): what still holds `signal` is a handler left running. */
  private ended = false
  /** The result was built: its logs belong to the caller now. */
  private delivered = false
  /** The caller's async context, for bridge calls that arrive from elsewhere (see keepCallerScope). */
  private callerScope: AsyncResource | undefined
  /** Told of the fatal error as it is recorded (see `whenFatal`). */
  private fatalHook: (() => void) | undefined

  /** Set by the engine: peak bytes accounted to this execution. */
  get memoryBytes(): number {
    return this.memory
  }

  set memoryBytes(bytes: number) {
    this.memory = bytes
    this.memoryChanged(bytes)
  }

  /** Told of every `memoryBytes` the engine sets (a worker's execution publishes it to the host). */
  protected memoryChanged(_bytes: number): void {}

  private setup: ExecutionInit

  constructor(init: ExecutionInit) {
    super(init.limits.timeoutMs)
    this.setup = init
    if (init.signal?.aborted) this.abort(new CancelledError('execution cancelled before it started'))
  }

  /**
   * Aborts (with the fatal error as reason) when the execution times out, trips a limit or is
   * cancelled by the caller — also while the script waits on async work.
   */
  get signal(): AbortSignal {
    return (this.controller ?? this.arm()).signal
  }

  /** What the execution was started with (its policy snapshot, limits, tenant...). */
  get init(): ExecutionInit {
    return this.setup
  }

  /**
   * Runs the rest of the execution under `security` (worker mode: a retry on a new worker
   * re-reads the policy in force). The limits and the deadline stay those it started with.
   */
  rebase(security: SecurityManager): void {
    this.setup = { ...this.setup, security }
  }

  get limits(): ResolvedLimits {
    return this.init.limits
  }

  /** The error that ends this execution whatever the script does, if any. */
  get fatal(): Error | undefined {
    return this.fatalError
  }

  /**
   * Throws the fatal error if one is recorded or the deadline has passed. Cheap. `now`: a
   * reading of `performance.now()` the caller has just taken and uses too.
   */
  check(now: number = performance.now()): void {
    if (this.fatalError) throw this.fatalError
    if (this.cancelledByCaller()) throw this.fatalError
    if (now > this.deadline) throw this.tripTimeout()
    if (now > this.closeAt) throw this.closed()
  }

  /**
   * A closing host's drain deadline: past it the execution is cancelled at its next check —
   * also when it only starts then (it waited for a state a script held), since the host's
   * drain timer cannot run while a script holds the thread.
   */
  cancelAfter(at: number): void {
    if (at < this.closeAt) this.closeAt = at
  }

  private closed(): Error {
    this.abort(new CancelledError('execution cancelled: the host closed'))
    return this.fatalError as Error
  }

  /** Records a timeout trip (for engines that notice the deadline in a hook). */
  override tripTimeout(): LimitExceededError {
    // tenths of a millisecond, rounded up: "51.2 > 50", never a rounded "50 > 50"
    return this.trip('timeout', Math.ceil((performance.now() - this.startedAt) * 10) / 10)
  }

  /**
   * Records a tripped limit and aborts the signal; engines throw the returned error. The
   * maximum is this execution's own limit; only a stack trip may state the bound the engine
   * really hit (`measuredMax`: QuickJS's stack is bounded in bytes, not frames).
   */
  trip(limit: LimitName, used: number, measuredMax?: number): LimitExceededError {
    if (this.fatalError instanceof LimitExceededError) return this.fatalError
    const configured = this.init.limits[LIMIT_KEYS[limit]]
    // a stack trip states the depth really hit; a limit the host left off (`false`) can still
    // be hit as a bound of the machine (a worker's heap): its caller says which
    const max = (limit === 'stack' || configured === false) && measuredMax !== undefined ? measuredMax : configured
    const e = new LimitExceededError(limit, used, max === false ? 0 : max)
    this.abort(e)
    return e
  }

  /**
   * The instruction and deadline check of every engine's hook (Lua's count hook, QuickJS's
   * interrupt handler): `instructions` over the limit trips `instructions`, a clock past
   * the deadline trips `timeout`, an aborted caller signal cancels. Returns the execution's
   * fatal error (a trip now or earlier, a cancellation), if any: the engine then stops the script. `now`: a clock read the
   * caller also uses.
   */
  overBudget(instructions: number, now: number = performance.now()): Error | undefined {
    if (!this.fatalError) {
      const max = this.init.limits.instructions
      // the caller's abort, also when nothing has listened to its signal (no wait armed one)
      if (this.cancelledByCaller()) return this.fatalError
      if (max !== false && instructions > max) this.trip('instructions', instructions)
      else if (now > this.deadline) this.tripTimeout()
      else if (now > this.closeAt) this.closed()
    }
    return this.fatalError
  }

  /** Records a cancellation if the caller's signal is aborted; true when it is. */
  private cancelledByCaller(): boolean {
    if (!this.init.signal?.aborted) return false
    this.abort(new CancelledError('execution cancelled'))
    return true
  }

  /** Ends the execution with a fatal error (first one wins). */
  abort(error: Error): void {
    if (this.fatalError) return
    this.fatalError = error
    // nothing can end it a second time: free the timer and the caller's listener now
    this.dispose()
    this.controller?.abort(error)
    this.fatalHook?.()
  }

  /**
   * Calls `fn` when a fatal error is recorded (a limit, a cancellation, the host closing), as
   * the signal's abort would, without arming the signal (an AbortController and its listener
   * cost more than a tiny script): worker mode tells the worker. One hook at a time; `off`
   * removes `fn` if it is still the one.
   */
  whenFatal(fn: () => void, off = false): void {
    if (!off) this.fatalHook = fn
    else if (this.fatalHook === fn) this.fatalHook = undefined
  }

  /**
   * Captures a log line; over `outputBytes` the execution fails with LimitExceededError.
   * After the result was built (a handler still running, say) the line is dropped: it must
   * not change a result the caller already holds.
   */
  log(level: LogLevel, message: string): void {
    if (this.delivered) return
    this.check()
    this.outputBytes += logLineBytes(message)
    const max = this.init.limits.outputBytes
    if (max !== false && this.outputBytes > max) throw this.trip('output', this.outputBytes)
    this.logs.push({ level, message, at: Date.now() })
  }

  /**
   * Calls a bridge method for the script: counts it, validates the arguments, runs the
   * handler. Returns the value, or a Promise for async handlers (settled no later than
   * this execution's abort). Throws BridgeError (script-catchable) or a fatal error.
   * `refuseAsync`: where the script cannot wait (a Lua coroutine, say): a handler declared
   * `async` is refused with this reason before it runs, not after its side effects.
   */
  callBridge(path: string, args: readonly unknown[], refuseAsync?: string): unknown {
    this.countCall()
    let out: unknown
    try {
      out = this.callerScope
        ? this.callerScope.runInAsyncScope(invokeBridge, undefined, this, path, args, refuseAsync)
        : invokeBridge(this, path, args, refuseAsync)
    } catch (e) {
      throw this.bridgeFailed(path, e)
    }
    if (!(out instanceof Promise)) return out
    return this.race(out).catch((e: unknown) => {
      throw this.bridgeFailed(path, e)
    })
  }

  /**
   * A fatal error a handler threw (a host stopping the script: bridge-call.ts lets through
   * only this execution's own or a new one) ends the execution: recorded here, no `pcall` or
   * `catch` in the script can swallow it. Anything else is a failure the script may catch.
   */
  private bridgeFailed(path: string, e: unknown): unknown {
    if (isFatal(e)) this.abort(e as Error)
    else this.noteBridgeFailure(path, e)
    return e
  }

  /**
   * Records a bridge call that failed into the script (bad arguments, a throwing handler, a
   * result the script cannot receive): if the script lets that error escape, the host reports
   * it as the BridgeError it is (see `bridgeFailure`). Fatal errors are not bridge failures.
   */
  noteBridgeFailure(path: string, error: unknown): void {
    if (isFatal(error)) return
    this.lastBridgeFailure = { path, error }
    if (this.setup.caller !== undefined) tellCaller(this.setup.caller, path, error)
  }

  /** The last bridge call that failed into the script, if any. */
  get bridgeFailure(): { readonly path: string; readonly error: unknown } | undefined {
    return this.lastBridgeFailure
  }

  /**
   * Called where `host.execute` was called (synchronously, in the caller's async context) by
   * engines whose bridge calls arrive from another thread's messages: handlers then run in the
   * caller's context as they do inline, so its AsyncLocalStorage (and tracing context) reach
   * them. Inline engines need not: their handlers are called within the execution.
   */
  keepCallerScope(): void {
    this.callerScope ??= new AsyncResource('PolyhostExecution')
  }

  /**
   * Calls a host function the script was handed (in `globals`, or inside a value) the way a
   * bridge method is called: the execution must be live and the call counts against
   * `bridgeCalls`. Returns what `fn` returns (a Promise as it is: whether the script can wait
   * for it is the engine's to decide); throws what `fn` throws, or a fatal error.
   */
  callHost(fn: (...args: unknown[]) => unknown, args: readonly unknown[]): unknown {
    this.countCall()
    return fn(...args)
  }

  /** Settles like `p`, or rejects with the fatal error as soon as the execution ends. */
  race<T>(p: Promise<T>): Promise<T> {
    // an ended execution's signal aborts at its deadline without a fatal error (see `end`)
    return raceAbort(
      p,
      this.fatalError,
      () => this.signal,
      () => this.fatalError ?? this.signal.reason,
    )
  }

  /** Builds the result; throws the fatal error instead if one was recorded. */
  result(value: unknown, values: readonly unknown[] = [value]): ExecutionResult {
    const now = performance.now()
    this.check(now)
    this.delivered = true
    return {
      value,
      values,
      logs: this.logs,
      stats: {
        durationMs: now - this.startedAt,
        instructions: this.instructions,
        memoryBytes: this.memoryBytes,
        bridgeCalls: this.bridgeCalls,
        outputBytes: this.outputBytes,
        compileCacheHit: this.init.compileCacheHit,
        engine: this.init.engine,
      },
    }
  }

  /** Whether an error means the state that ran the script must be discarded. */
  mustDiscard(error: unknown): boolean {
    return this.fatalError !== undefined || isFatal(error)
  }

  /**
   * Called by the host once the execution is over (a result or an error). A handler the
   * script started and did not await may still be running: its `ctx.signal` still aborts at
   * the deadline (LimitExceededError('timeout')), so the time limit bounds it like an awaited
   * one. That timer does not keep the process alive.
   */
  end(): void {
    this.dispose()
    this.ended = true
    if (this.controller && !this.controller.signal.aborted) this.boundLeftRunning()
  }

  /** Stops the timer and detaches from the caller's signal. Called by the host; idempotent. */
  dispose(): void {
    this.disposed = true
    if (this.timer) clearTimeout(this.timer)
    this.stopWatchingCaller?.()
    this.timer = undefined
    this.stopWatchingCaller = undefined
  }

  // --- internal ---

  /** Every call out of the script (bridge method or host function) passes here. */
  private countCall(): void {
    this.check()
    this.bridgeCalls++
    const max = this.init.limits.bridgeCalls
    if (max !== false && this.bridgeCalls > max) throw this.trip('bridgeCalls', this.bridgeCalls)
  }

  protected override timerWanted(): boolean {
    return this.controller !== undefined && !this.disposed && !this.fatalError
  }

  private arm(): AbortController {
    const c = new AbortController()
    // every pending bridge call (and any handler) listens here: a script's Promise.all over
    // a dozen calls is no leak, and must not print Node's MaxListenersExceededWarning on the
    // host's stderr. The listeners are bounded by `bridgeCalls` and go with the execution.
    setMaxListeners(0, c.signal)
    this.controller = c
    if (this.fatalError) {
      c.abort(this.fatalError)
      return c
    }
    if (this.disposed) {
      if (this.ended) this.boundLeftRunning()
      return c
    }
    this.startTimer()
    const caller = this.init.signal
    if (caller) this.stopWatchingCaller = whenAborted(caller, () => this.abort(new CancelledError('execution cancelled')))
    return c
  }

  /** The deadline timer of an ended execution's signal, for handlers still running (see `end`). */
  private boundLeftRunning(): void {
    const c = this.controller
    const max = this.init.limits.timeoutMs
    if (!c || c.signal.aborted || max === false || this.fatalError || this.deadline === Number.POSITIVE_INFINITY) return
    const left = Math.min(Math.max(0, this.deadline - performance.now()) + 1, MAX_TIMER_MS)
    // it holds the controller, not the execution (its logs, context): a busy host keeps no
    // finished executions alive for their remaining time
    setTimeout(abortAtDeadline, left, c, this.startedAt, max).unref?.()
  }
}

/** The limit key (`timeoutMs`) of each reported limit name (`timeout`). */
const LIMIT_KEYS = Object.fromEntries(Object.entries(LIMIT_NAMES).map(([key, name]) => [name, key])) as Record<LimitName, LimitKey>
