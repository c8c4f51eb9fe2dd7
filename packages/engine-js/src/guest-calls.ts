// Over 250 lines: one class holds every call from the guest into the host (bridges, host functions, console, async results) and the error each may send back
import {
  ConversionError,
  hostErrorText,
  invalidArgument,
  invalidReturnValue,
  isFatal,
  type LogLevel,
  sanitizeScriptMessage,
  type VisibleMethod,
} from '@polyhost/core/engine'
import type { QuickJSHandle, VmCallResult } from 'quickjs-emscripten-core'
import type { CallResult, CallSource, GuestDeferred, WithCalls } from './call-source.js'
import { consume } from './consume.js'
import { readGuestString } from './converter.js'
import { hostStackTrip, isHostStackOverflow } from './limits.js'
import type { HostMaker } from './state-snapshot.js'

/**
 * Host calls that may nest (each converting its arguments runs guest getters that call the
 * host again). V8's stack ran out at 130-175 such levels on a 984 KiB main-thread stack.
 */
export const MAX_HOST_NESTING = 64

/**
 * Everything that calls from the guest into the host: bridge methods, host functions passed
 * in globals, and the promises async handlers return. Host callbacks never throw into
 * quickjs-emscripten (which would copy host details into the guest): failures become guest
 * errors carrying only the message the script may see.
 */
export class GuestCalls<S extends WithCalls> {
  /** Host promises the script waits for, each with the guest stack of its call (or undefined). */
  private readonly pending = new Map<GuestDeferred, QuickJSHandle | undefined>()
  private waiters: (() => void)[] = []
  /** Host calls of the running execution still converting their arguments (see tooDeep). */
  private nesting = 0

  constructor(private readonly state: CallSource<S>) {}

  /** Host promises the current execution is still waiting for. */
  get inflight(): number {
    return this.pending.size
  }

  /** Resolves when a host promise settles (or at once if none is pending). */
  settled(): Promise<void> {
    if (this.pending.size === 0) return Promise.resolve()
    return new Promise((resolve) => this.waiters.push(resolve))
  }

  /** Installs one frozen global object per bridge with the methods the policy allows. */
  installBridges(methods: readonly VisibleMethod[]): void {
    const { ctx } = this.state
    const byBridge = new Map<string, VisibleMethod[]>()
    for (const m of methods) byBridge.set(m.bridge, [...(byBridge.get(m.bridge) ?? []), m])
    for (const [name, list] of byBridge) {
      const obj = ctx.newObject()
      try {
        for (const m of list) {
          const path = m.path
          this.state.baseFunction(m.method, bridgeMethod<S>(path)).consume((fn) => ctx.setProp(obj, m.method, fn))
        }
        consume(ctx.newString(name), (n) => this.state.call('install', n, obj).dispose())
      } catch (e) {
        throw new Error(`bridge '${name}' cannot be installed (does it clash with a JavaScript global?): ${(e as Error).message}`)
      } finally {
        obj.dispose()
      }
    }
  }

  /** A guest function calling `fn` (for host functions passed in globals or values). */
  hostFunction(fn: (...args: unknown[]) => unknown): QuickJSHandle {
    const token = this.state.token
    return this.state.ctx.newFunction(fn.name || 'hostFunction', (...args) => {
      const ex = this.state.execution
      if (!ex || token !== this.state.token) return { error: this.newError('Error', 'host function called outside its execution') }
      const refused = this.fatalError() ?? this.tooDeep()
      if (refused) return refused
      this.nesting++
      let out: unknown
      try {
        ex.check()
        const values = args.map((a, i) => this.argument(`${fn.name || 'function'}`, a, i))
        // reading the arguments may have failed an allocation: the values cannot be trusted
        const late = this.fatalError()
        if (late) return late
        out = ex.callHost(fn, values)
      } catch (e) {
        return { error: this.guestError(e) }
      } finally {
        this.nesting--
      }
      return this.result(fn.name || 'function', out instanceof Promise ? ex.race(out) : out)
    })
  }

  /** A `console.*` call of the running execution. */
  log(level: QuickJSHandle, message: QuickJSHandle): VmCallResult<QuickJSHandle> | undefined {
    const ex = this.state.execution
    if (!ex) return undefined
    const fatal = this.fatalError()
    if (fatal) return fatal
    try {
      const text = readGuestString(this.state, message)
      const late = this.fatalError()
      if (late) return late
      ex.log(this.state.ctx.getString(level) as LogLevel, text)
      return undefined
    } catch (e) {
      return { error: this.guestError(e) }
    }
  }

  /** Drops host promises of the ended execution: their results never enter the VM. */
  dropPending(): void {
    if (this.pending.size === 0) return
    for (const [d, site] of this.pending) {
      disposeDeferred(d)
      site?.dispose()
    }
    this.pending.clear()
    this.wake()
  }

  /** A guest error (never a host stack) for a host-side failure. */
  guestError(e: unknown): QuickJSHandle {
    // a trap inside a nested VM call leaves the runtime inconsistent
    if (e instanceof WebAssembly.RuntimeError) this.state.broken = true
    // the host's stack ran out under nested calls (getters calling host functions calling
    // getters): a stack limit the script may not catch, as a guest stack overflow is
    const ex = this.state.execution
    if (ex && !ex.fatal && isHostStackOverflow(e)) hostStackTrip(ex)
    // host code's text (a handler, a host function, a getter) reaches the script sanitised
    const message = e instanceof Error ? hostErrorText(e) : sanitizeScriptMessage(String(e))
    // a failed allocation (a host value into a full heap) ends the execution
    this.state.memoryTrip()
    if (this.state.execution?.fatal) return this.safeError(message)
    try {
      return this.newError(e instanceof ConversionError ? 'TypeError' : 'Error', message)
    } catch {
      return this.safeError(message)
    }
  }

  /**
   * The error for a call made after the execution's fatal error. It is built without running
   * guest code: the interrupt must land in the script's own frames, where it is uncatchable,
   * not in a nested helper call whose failure would reach the script as a catchable error.
   */
  fatalError(): VmCallResult<QuickJSHandle> | undefined {
    const fatal = this.state.execution?.fatal
    return fatal ? { error: this.safeError(fatal.message) } : undefined
  }

  /** A bridge method called by the guest (the host function behind each bridge global). */
  callBridge(path: string, args: QuickJSHandle[]): CallResult {
    const ex = this.state.execution
    if (!ex) return { error: this.newError('Error', `${path} is not available outside an execution`) }
    const refused = this.fatalError() ?? this.tooDeep()
    if (refused) return refused
    this.nesting++
    let out: unknown
    try {
      const values = args.map((a, i) => this.argument(path, a, i))
      // reading the arguments may have failed an allocation: the values cannot be trusted
      const late = this.fatalError()
      if (late) return late
      out = ex.callBridge(path, values)
    } catch (e) {
      return { error: this.guestError(e) }
    } finally {
      this.nesting--
    }
    return this.result(path, out)
  }
  // --- internal ---

  /**
   * The stack limit for a host call made while MAX_HOST_NESTING others are still converting
   * their arguments (guest getters calling the host again). A fixed depth, so the host's own
   * stack never runs out: where V8's RangeError struck depended on which frames V8 had
   * optimised, and some places passed it to the script as an error it could catch.
   */
  private tooDeep(): VmCallResult<QuickJSHandle> | undefined {
    const ex = this.state.execution
    if (this.nesting < MAX_HOST_NESTING || !ex) return undefined
    hostStackTrip(ex)
    return this.fatalError()
  }

  private argument(path: string, handle: QuickJSHandle, i: number): unknown {
    try {
      return this.state.converter.toHost(handle)
    } catch (e) {
      if (!(e instanceof ConversionError)) throw e
      // a bad argument: uncaught, the host gets it as the BridgeError it is (as from Lua)
      const error = invalidArgument(path, i, e)
      this.state.execution?.noteBridgeFailure(path, error)
      throw error
    }
  }

  private result(path: string, out: unknown): CallResult {
    if (out instanceof Promise) return this.deferred(path, out)
    try {
      const h = this.state.converter.toGuest(out)
      // an allocation failed while the value was built: it cannot be trusted
      const late = this.fatalError()
      if (late) h.dispose()
      return late ?? h
    } catch (e) {
      return { error: this.guestError(this.noted(path, invalidReturn(path, e))) }
    }
  }

  private deferred(path: string, p: Promise<unknown>): QuickJSHandle {
    const d = this.state.newPromise()
    const token = this.state.token
    this.pending.set(d, this.callSite())
    const settle = (ok: boolean, value: unknown) => {
      const site = this.pending.get(d)
      if (!this.pending.delete(d)) return
      try {
        if (token === this.state.token && this.state.execution && !this.state.execution.fatal) {
          let h: QuickJSHandle
          try {
            h = ok ? this.state.converter.toGuest(value) : this.guestError(value)
          } catch (e) {
            ok = false
            h = this.guestError(this.noted(path, invalidReturn(path, e)))
          }
          // an allocation failed while the value was built: the script gets nothing more
          if (this.state.execution.fatal) {
            h.dispose()
            return
          }
          if (!ok && site) {
            // the failure carries the stack of the call, so an uncaught one has the script's position
            this.state.ctx.setProp(h, 'stack', site)
          }
          try {
            this.settleGuest(ok ? d.resolve : d.reject, h)
          } finally {
            h.dispose()
          }
        }
      } catch {
        this.state.broken = true
      } finally {
        site?.dispose()
        disposeDeferred(d)
        this.wake()
      }
    }
    p.then(
      (v) => settle(true, v),
      (e) => settle(false, e),
    )
    // quickjs-emscripten disposes the returned handle after copying it into the VM
    return d.promise
  }

  /** Calls a guest promise's resolve or reject function with `h`; throws if the call fails. */
  private settleGuest(fn: QuickJSHandle, h: QuickJSHandle): void {
    const { ctx } = this.state
    const r = ctx.callFunction(fn, ctx.undefined, h)
    if (r.error) {
      r.error.dispose()
      throw new Error('settling a guest promise failed')
    }
    r.value.dispose()
  }

  /** The guest stack of the running call (a string handle), or undefined if it cannot be read. */
  private callSite(): QuickJSHandle | undefined {
    try {
      return this.state.call('stackHere')
    } catch {
      return undefined
    }
  }

  /** Records a result the script cannot receive as the execution's bridge failure (see Execution.noteBridgeFailure). */
  private noted(path: string, error: unknown): unknown {
    this.state.execution?.noteBridgeFailure(path, error)
    return error
  }

  /**
   * A plain error, or undefined when the heap cannot hold one: a host function must never
   * throw into quickjs-emscripten (it prints the error on the host's stderr and hands the
   * script `undefined` as a successful result). The execution's fatal error stops the script
   * at its next check point either way.
   */
  private safeError(message: string): QuickJSHandle {
    try {
      return this.plainError(message)
    } catch {
      return this.state.ctx.undefined
    }
  }

  private plainError(message: string): QuickJSHandle {
    const { ctx } = this.state
    const h = ctx.newError()
    ctx.newString(message).consume((m) => ctx.defineProp(h, 'message', { value: m, configurable: true, enumerable: false }))
    return h
  }

  private newError(type: string, message: string): QuickJSHandle {
    const { ctx } = this.state
    return consume(ctx.newString(type), (t) => consume(ctx.newString(message), (m) => this.state.call('error', t, m)))
  }

  private wake(): void {
    const w = this.waiters
    this.waiters = []
    for (const f of w) f()
  }
}

function disposeDeferred(d: GuestDeferred): void {
  for (const h of [d.promise, d.resolve, d.reject]) if (h.alive) h.dispose()
}

/** A result the script cannot receive (as the Lua engine words it): `kv.get: invalid return value: …`. */
function invalidReturn(path: string, e: unknown): unknown {
  return isFatal(e) ? e : invalidReturnValue(path, e)
}

/**
 * A bridge method's host function maker. Made here, outside any method, so that it holds
 * the path alone: a snapshot keeps its makers, and a closure made in `installBridges` would
 * keep that call's scope (the template state's context, instance and memory) alive with it.
 */
function bridgeMethod<S extends WithCalls>(path: string): HostMaker<S> {
  return (s) =>
    (...args) =>
      s.calls.callBridge(path, args)
}
