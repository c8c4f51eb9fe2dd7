import type { Execution } from '@polyhost/core/engine'
import type { QuickJSHandle, VmCallResult } from 'quickjs-emscripten-core'
import type { ConverterHost } from './converter.js'
import type { HostMaker } from './state-snapshot.js'

// What the guest calls (guest-calls.ts) need of their state, as interfaces: the state module
// builds its GuestCalls, so guest-calls.ts must not import it back.

/** What a host function made for the guest returns: a value handle or an error for the guest. */
export type CallResult = QuickJSHandle | VmCallResult<QuickJSHandle>

/** A guest promise and its resolving functions (three handles the holder disposes). */
export interface GuestDeferred {
  readonly promise: QuickJSHandle
  readonly resolve: QuickJSHandle
  readonly reject: QuickJSHandle
}

/** A state whose bridge globals call into its GuestCalls (the host makers of bridge methods receive it). */
export interface WithCalls {
  readonly calls: { callBridge(path: string, args: QuickJSHandle[]): CallResult }
}

/**
 * What the guest calls use of their state (a JsState): its context and helpers, converter,
 * running execution and run token. `S`: the state type host makers are given.
 */
export interface CallSource<S extends WithCalls> extends Pick<ConverterHost, 'ctx' | 'call'> {
  readonly converter: { toHost(handle: QuickJSHandle): unknown; toGuest(value: unknown): QuickJSHandle }
  readonly execution: Execution | undefined
  /** Changes for every execution: a host function or promise of an ended one must not reach the next. */
  readonly token: number
  /** Set on a host-level failure inside QuickJS: the state is never reused. */
  broken: boolean
  /** The execution's memory-limit error once an allocation failed (recorded as its fatal error). */
  memoryTrip(): Error | undefined
  /** A new guest promise with its resolving functions (read without a stale heap view). */
  newPromise(): GuestDeferred
  /** A function of the locked-down baseline, made by `make` (so a snapshot can rebuild it). */
  baseFunction(name: string, make: HostMaker<S>): QuickJSHandle
}
