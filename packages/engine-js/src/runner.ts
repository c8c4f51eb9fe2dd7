import {
  engineScriptName,
  EngineCrashedError,
  type Execution,
  type ExecutionRequest,
  type ExecutionResult,
  isFatal,
  PolyhostError,
} from '@polyhost/core/engine'
import type { QuickJSHandle } from 'quickjs-emscripten-core'
import { type JsCompiledScript, FLAG_ASYNC, FLAG_STRICT } from './compiler.js'
import { consume } from './consume.js'
import { GuestThrow } from './guest-throw.js'
import type { JsState } from './js-state.js'
import { hostStackTrip, stackTripFigures } from './limits.js'
import { runtimeError, type ScriptOrigin } from './script-errors.js'

/** Jobs run between checks of the clock and of the execution's fatal error. */
const JOB_BATCH = 256

/**
 * Runs one compiled script on a leased state: begin (limits, globals, context), evaluate,
 * drive promises to completion with bounded job loops, convert the value, end. Throws the
 * execution's fatal error (limits, cancellation) before anything else; a host-level failure
 * inside QuickJS marks the state broken. A classic script whose value is not a promise (the
 * usual case) completes synchronously: no turn of the microtask queue.
 */
export function runScript(state: JsState, script: JsCompiledScript, req: ExecutionRequest): ExecutionResult | Promise<ExecutionResult> {
  const ex = req.execution
  const origin: ScriptOrigin = {
    name: script.name,
    lineOffset: script.lineOffset,
    columnOffset: script.columnOffset,
    source: script.source,
  }
  // runPooled checked the execution just before handing the state over
  // QuickJS cannot be interrupted while it parses: a script known to parse for longer than
  // the time left is refused before it starts
  if (script.parseMs !== undefined && performance.now() + script.parseMs > ex.deadline) {
    throw ex.trip('timeout', Math.ceil(performance.now() - ex.startedAt + script.parseMs))
  }
  let handedOver = false
  try {
    let h: QuickJSHandle
    if (script.kind === 'classic') h = state.begin(ex, req, script) as QuickJSHandle
    else {
      state.begin(ex, req)
      h = evaluate(state, script)
    }
    const first = settled(state, h)
    if (script.kind === 'classic' && !(first instanceof Promise)) return finish(state, first, ex)
    handedOver = true
    return later(state, script, first, ex, origin)
  } catch (e) {
    throw translate(state, e, origin)
  } finally {
    if (!handedOver) state.end()
  }
}

// --- internal ---

/** The rest of a script that awaits (or an async / module one); ends the execution itself. */
async function later(
  state: JsState,
  script: JsCompiledScript,
  first: QuickJSHandle | Promise<QuickJSHandle>,
  ex: Execution,
  origin: ScriptOrigin,
): Promise<ExecutionResult> {
  try {
    let h = first instanceof Promise ? await first : first
    if (script.kind === 'async') h = h.consume((box) => state.ctx.getProp(box, 'value'))
    else if (script.kind === 'module') h = h.consume((ns) => state.ctx.getProp(ns, 'default'))
    const s = settled(state, h)
    return finish(state, s instanceof Promise ? await s : s, ex)
  } catch (e) {
    throw translate(state, e, origin)
  } finally {
    state.end()
  }
}

/**
 * A microtask checkpoint (jobs the script queued run before it counts as finished), then the
 * value. The deadline is checked once the value is converted, by `ex.result`.
 */
function finish(state: JsState, h: QuickJSHandle, ex: Execution): ExecutionResult {
  try {
    drain(state)
  } catch (e) {
    h.dispose()
    throw e
  }
  const value = consume(h, (v) => state.converter.toHost(v))
  const memory = state.memoryTrip()
  if (memory) throw memory
  state.recordUsage()
  return ex.result(value)
}

function evaluate(state: JsState, script: JsCompiledScript): QuickJSHandle {
  const { ctx } = state
  const flags = script.kind === 'module' ? { type: 'module' as const } : FLAG_STRICT | FLAG_ASYNC
  const r = ctx.evalCode(script.body, engineScriptName(script.name), flags)
  if (r.error) throw state.failure(r.error)
  return r.value
}

/** `h` itself when it is not a promise, its value when it has settled, else a wait for it. */
function settled(state: JsState, h: QuickJSHandle): QuickJSHandle | Promise<QuickJSHandle> {
  if (!state.mayBeObject(h) || promiseState(state, h) === 'not a promise') return h
  return settle(state, h)
}

/** Waits for a guest promise (returns other values as they are); disposes `h` when it is one. */
async function settle(state: JsState, h: QuickJSHandle): Promise<QuickJSHandle> {
  const { ctx } = state
  for (;;) {
    const st = ctx.getPromiseState(h)
    if (st.type === 'fulfilled') {
      if (st.notAPromise) return h
      h.dispose()
      return st.value
    }
    if (st.type === 'rejected') {
      h.dispose()
      throw state.failure(st.error)
    }
    try {
      drain(state)
    } catch (e) {
      h.dispose()
      throw e
    }
    if (promiseState(state, h) !== 'pending') continue
    if (state.calls.inflight === 0 && !state.runtime.hasPendingJob()) {
      h.dispose()
      throw new GuestDeadlock()
    }
    await state.calls.settled()
  }
}

/** What `h` is as a promise; the value or reason the query returned is disposed. */
function promiseState(state: JsState, h: QuickJSHandle): 'not a promise' | 'pending' | 'settled' {
  const st = state.ctx.getPromiseState(h)
  if (st.type === 'pending') return 'pending'
  if (st.type === 'rejected') st.error.dispose()
  else if (st.notAPromise) return 'not a promise'
  else st.value.dispose()
  return 'settled'
}

/**
 * Runs pending jobs in batches; the interrupt handler stops runaway jobs, this stops floods.
 * With no job pending (the usual case) there is nothing to check: the caller checks next.
 */
function drain(state: JsState): void {
  if (!state.runtime.hasPendingJob()) return
  do {
    throwIfOver(state)
    const r = state.executePendingJobs(JOB_BATCH)
    if (r.error) {
      // an exception escaping a job (an interrupt, usually): the script cannot observe it
      const err = state.failure(r.error)
      if (!(err instanceof GuestThrow)) throw err
    }
  } while (state.runtime.hasPendingJob())
  throwIfOver(state)
}

function throwIfOver(state: JsState): void {
  const trip = state.memoryTrip()
  if (trip) throw trip
  state.execution?.check()
}

class GuestDeadlock extends Error {}

function translate(state: JsState, e: unknown, origin: ScriptOrigin): unknown {
  const ex = state.execution
  if (ex?.fatal) return ex.fatal
  const memory = state.memoryTrip()
  if (memory) return memory
  // a script that overran its deadline in a call nothing could interrupt, then failed: the
  // timeout, as after a return (ex.result), not its error
  const late = ex && lateTrip(ex)
  if (e instanceof GuestThrow) {
    const internal = e.internal
    if (internal === 'memory' && ex) return ex.trip('memory', numberOr(ex.limits.memoryBytes) + 1)
    if (late) return late
    if (internal === 'stack' && ex) return ex.trip('stack', ...stackTripFigures(ex.limits, e.info.stack))
    return runtimeError(e.info, origin, e.thrown)
  }
  if (e instanceof GuestDeadlock) {
    return late ?? runtimeError({ error: true, name: 'Error', message: 'the script awaits a promise that can never settle' }, origin)
  }
  if (isFatal(e)) return e
  if (e instanceof PolyhostError) return late ?? e
  // anything else came out of QuickJS itself: the state cannot be trusted any more
  state.broken = true
  if (e instanceof RangeError && ex) return hostStackTrip(ex)
  return new EngineCrashedError(`QuickJS failed: ${e instanceof Error ? e.message : String(e)}`, { cause: e })
}

/** The execution's timeout (or cancellation) if its deadline has passed, else undefined. */
function lateTrip(ex: Execution): unknown {
  try {
    ex.check()
    return undefined
  } catch (e) {
    return e
  }
}

function numberOr(v: number | false): number {
  return v === false ? 0 : v
}
