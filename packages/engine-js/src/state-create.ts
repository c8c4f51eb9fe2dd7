import type { QuickJSHandle } from 'quickjs-emscripten-core'
import { DirectFfi } from './direct-ffi.js'
import { entropy53 } from './entropy.js'
import { GUEST_SETUP } from './guest-setup.js'
import { scrubFree } from './heap-scrub.js'
import { HELPER_NAMES, type HelperName } from './helpers.js'
import type { InstanceRecycler } from './instance-recycler.js'
import { type CounterOffset, tickCounterOf } from './interrupt-counter.js'
import { JsState, type StateOptions } from './js-state.js'
import { knownRealms, learnRealm } from './known-realms.js'
import { guestConfigFor } from './sandbox-config.js'
import { type SnapshotStore, shapeOf } from './snapshot-store.js'
import { finishesPerState, finishSetup } from './state-finish.js'
import { contextPointer, globalPointer, type HostMaker, StateSnapshot } from './state-snapshot.js'
import { MAX_HEAP_BYTES, type WasmInstance } from './wasm.js'

/**
 * Bounds a state's setup (an init script that never ends). Generous: the debug build sets a
 * state up ~25 times slower than the release one (tens of seconds on a loaded machine).
 */
const SETUP_TIMEOUT_MS = 60_000

/**
 * Builds a state at its baseline under the environment's current policy and bridges: a
 * copy of the shape's snapshot when there is one (a new instance whose memory is
 * overwritten with the template's), else the whole set-up (guest script, bridges, init
 * script, lockdown), snapshotted when the store asks for it. Without a store every state
 * runs the whole set-up.
 */
export async function createState(opts: StateOptions, store?: SnapshotStore, recycler?: InstanceRecycler): Promise<JsState> {
  const shape = shapeOf(opts.env, opts.initScript)
  const snapshot = store?.get(shape)
  if (snapshot && store) return finished(await restore(snapshot, opts, store, recycler))
  const due = store?.due(shape) ?? false
  let made: Awaited<ReturnType<typeof setUpNew>>
  try {
    made = await setUpNew(opts, due)
  } catch (e) {
    if (due) store?.abandon(shape)
    throw e
  }
  const { state, reference } = made
  const taken = reference ? snapshotOf(state, reference) : undefined
  store?.record(shape, taken, due)
  if (!taken || !store) return finished(state)
  // the diff read every page of the template's memory, which makes all 16 MiB resident on
  // kernels that back a read of an untouched page with memory: a copy holds only its pages
  state.destroy()
  return finished(await restore(taken, opts, store, recycler))
}

/** A state set up or copied, its init script and lockdown run now if its shape runs them per state. */
function finished(state: JsState): JsState {
  if (!finishesPerState(state.opts)) return state
  try {
    finishSetup(state, SETUP_TIMEOUT_MS)
  } catch (e) {
    state.destroy()
    throw e
  }
  return state
}

// --- internal ---

/** A new instance, set up in full; with `reference`, a second one that runs nothing. */
async function setUpNew(opts: StateOptions, due: boolean): Promise<{ state: JsState; reference: WasmInstance | undefined }> {
  const instance = await instantiate(opts)
  const runtime = instance.module.newRuntime()
  let state: JsState | undefined
  try {
    const ctx = runtime.newContext()
    // found once per build, in a context that holds nothing yet
    if (!TICK_COUNTERS.has(opts.wasm.variantKey)) {
      TICK_COUNTERS.set(opts.wasm.variantKey, tickCounterOf(runtime, ctx, wordsOf(instance), opts.wasm.pinnedBuild))
    }
    state = new JsState(instance, runtime, ctx, opts, DirectFfi.for(ctx, instance.alloc))
    attachTickCounter(state)
    setup(state)
  } catch (e) {
    if (state) state.destroy()
    else runtime.dispose()
    throw e
  }
  // the reference for the snapshot's diff: an instance started the same way that ran nothing,
  // its memory as large as the template's (set-up may have grown it; the growth reads as zeros)
  const reference = due ? await instantiate(opts, instance.heap.size).catch(destroyAnd(state)) : undefined
  return { state, reference }
}

// Host function makers live at module level: a snapshot keeps its makers, and a closure made
// inside set-up would keep set-up's scope (the template's context, instance and memory).
const LOG: HostMaker<JsState> = (s) => (level, message) => s.calls.log(level, message)
const ENTROPY: HostMaker<JsState> = (s) => () => s.ctx.newNumber(entropy53())
// called with no argument: check at the next call or branch; with a number of milliseconds of
// uninterruptible work: 1 when it fits before the deadline, else 0 (the timeout recorded)
const POLL: HostMaker<JsState> = (s) => (ms?: QuickJSHandle) => {
  if (ms === undefined) return s.meter.pollSoon()
  return s.meter.afford(s.execution, s.ctx.getNumber(ms)) ? s.ctx.newNumber(1) : s.ctx.newNumber(0)
}
// whether a number of milliseconds fits before the deadline (1 or 0), recording nothing
const FITS: HostMaker<JsState> = (s) => (ms: QuickJSHandle) =>
  s.meter.fits(s.execution, s.ctx.getNumber(ms)) ? s.ctx.newNumber(1) : s.ctx.newNumber(0)

/**
 * A state at the snapshot's baseline: in the instance of a retired state when the recycler
 * has one of the same size and budget (its memory reset to this template's), else in a new one.
 */
async function restore(
  snapshot: StateSnapshot<JsState>,
  opts: StateOptions,
  store: SnapshotStore,
  recycler: InstanceRecycler | undefined,
): Promise<JsState> {
  const reused = recycler?.take(snapshot, maxBytesOf(opts))
  const instance = reused ?? (await instantiate(opts, snapshot.heapBytes))
  const state = snapshot.restore(instance, (vm) => adopt(instance, vm, snapshot, opts), reused !== undefined)
  if (recycler) state.retireTo = (s) => recycler.put(snapshot, s.instance)
  store.restored++
  return state
}

function instantiate(opts: StateOptions, initialBytes?: number): Promise<WasmInstance> {
  const printErr = (m: string) => opts.env.logger.debug(`quickjs: ${m}`)
  return opts.wasm.instantiate(maxBytesOf(opts), printErr, initialBytes)
}

/** The Memory maximum of a state's instance: the policy's memory limit and the reserves. */
function maxBytesOf(opts: StateOptions): number {
  const mem = opts.env.security.policy.limits.memoryBytes
  return mem === false ? MAX_HEAP_BYTES : mem + opts.heapReserveBytes + opts.retainHeapBytes
}

function destroyAnd(state: JsState): (e: unknown) => never {
  return (e) => {
    state.destroy()
    throw e
  }
}

function setup(state: JsState): void {
  const { ctx, opts } = state
  const security = opts.env.security
  state.meter.setupDeadline = performance.now() + SETUP_TIMEOUT_MS
  state.evalFn = ctx.getProp(ctx.global, 'eval')
  const setupFn = ctx.unwrapResult(ctx.evalCode(GUEST_SETUP, '<setup>', { type: 'global' }))
  const log = state.baseFunction('log', LOG)
  const entropy = state.baseFunction('entropy', ENTROPY)
  const poll = state.baseFunction('poll', POLL)
  const fits = state.baseFunction('fits', FITS)
  const config = ctx.newString(JSON.stringify({ ...guestConfigFor(security), knownRealms: knownRealms(opts.wasm.pinnedBuild) }))
  let helpers: QuickJSHandle
  try {
    helpers = ctx.unwrapResult(ctx.callFunction(setupFn, ctx.undefined, config, log, entropy, poll, fits))
  } finally {
    // also when the setup failed (its deadline): the state is destroyed with no handle left
    for (const h of [setupFn, log, config, entropy, poll, fits]) h.dispose()
  }
  for (const name of HELPER_NAMES) state.helpers[name] = ctx.getProp(helpers, name)
  helpers.dispose()
  // promise reactions queued by the discovery of intrinsics: none may be left for a script
  state.executePendingJobs(-1).error?.dispose()
  reportRealm(state)
  state.calls.installBridges(opts.env.bridges.visible(security))
  if (!finishesPerState(opts)) finishSetup(state, SETUP_TIMEOUT_MS)
}

/** The snapshot of a state just set up (never run), or undefined if it cannot be copied. */
function snapshotOf(state: JsState, reference: WasmInstance): StateSnapshot<JsState> | undefined {
  // a snapshot copies linear memory only: the sanitizer build's glue keeps state of its own
  // in JS (emulated mmap and files), which a copy would not have (its copies report leaks)
  if (!state.instance.heap.probing) return undefined
  // set-up's garbage and the free-heap probe's headers lie in freed blocks: zeroed, those pages
  // equal a fresh instance's, so no copy takes them (each copied page is resident in every copy)
  scrubFree(state.instance.heap, state.instance.alloc)
  const helpers: Record<string, number> = {}
  for (const name of HELPER_NAMES) helpers[name] = state.helpers[name].value
  const pointers = {
    rt: (state.runtime as unknown as { rt: { value: number } }).rt.value,
    ctx: contextPointer(state.ctx),
    global: globalPointer(state.ctx),
    evalFn: state.evalFn.value,
    helpers,
    argv: state.direct?.argv,
    baseline: new Set(state.baseline),
    baseHeap: state.baseHeap,
    free: state.instance.heap.free,
  }
  return StateSnapshot.take(state.instance, reference, state.runtime, state.makers, pointers, state.opts.wasm.pinnedBuild)
}

/** Wraps a restored copy as a JsState at the template's baseline (no guest code runs). */
function adopt(
  instance: WasmInstance,
  vm: { runtime: JsState['runtime']; ctx: JsState['ctx']; adopt(ptr: number): QuickJSHandle },
  snapshot: StateSnapshot<JsState>,
  opts: StateOptions,
): JsState {
  const p = snapshot.pointers
  const direct = p.argv === undefined ? undefined : DirectFfi.adopt(vm.ctx, instance.alloc, p.argv)
  const state = new JsState(instance, vm.runtime, vm.ctx, opts, direct)
  attachTickCounter(state)
  state.evalFn = vm.adopt(p.evalFn)
  for (const name of HELPER_NAMES) state.helpers[name as HelperName] = vm.adopt(p.helpers[name]!)
  state.baseline = p.baseline
  state.baseHeap = p.baseHeap
  instance.heap.free = p.free
  return state
}

/** The tick counter's offset in the context struct, per build (undefined: not found, QuickJS's own budget). */
const TICK_COUNTERS = new WeakMap<object, CounterOffset | undefined>()

/** Gives the state's meter its context's tick counter, when the build's offset is known. */
function attachTickCounter(state: JsState): void {
  const offset = TICK_COUNTERS.get(state.opts.wasm.variantKey)
  if (offset !== undefined) state.meter.useCounter({ at: contextPointer(state.ctx) + offset, words: wordsOf(state.instance) })
}

/** The instance's linear memory as 32-bit words, a new view only after the memory grew. */
function wordsOf(instance: WasmInstance): () => Int32Array {
  let view: Int32Array | undefined
  return () => {
    const buffer = instance.heap.memory.buffer
    if (view?.buffer !== buffer) view = new Int32Array(buffer)
    return view
  }
}

/** Reports the state's discovery of intrinsics, so later states may skip its factory calls. */
function reportRealm(state: JsState): void {
  const json = state.call('intrinsicsJson').consume((h) => state.ctx.getString(h))
  const r = JSON.parse(json) as { signature: string; full: boolean; extra: number }
  learnRealm(r)
  if (r.extra > 0) state.opts.env.logger.debug(`quickjs: ${r.extra} intrinsics found only by calls; every state keeps calling`)
}
