import {
  type ConversionGuard,
  hostErrorText,
  invalidArgument,
  invalidReturnValue,
  isFatal,
  sanitizeScriptMessage,
  type VisibleMethod,
} from '@polyhost/core/engine'
import { slot } from './converter.js'
import type { Fengari, LuaCFunction, LuaKFunction, LuaState, LuaTable } from './fengari-api.js'
import { FROZEN } from './guard-runtime.js'
import type { RunContext } from './run-context.js'

/** What the bridge functions use of a Lua state (LuaSandbox is one): its fengari, thread and current run. */
export interface BridgeHost {
  readonly f: Fengari
  readonly L: LuaState
  /** The run the thread `L` belongs to. */
  current(L: LuaState): RunContext
}

/**
 * Installs one frozen global table per bridge (`kv.get(...)`) holding only the methods the
 * policy lets scripts see; denied methods are absent. Returns the global names set.
 */
export function installBridges(state: BridgeHost, baseIdx: number, methods: readonly VisibleMethod[]): string[] {
  const { lua } = state.f
  const L = state.L
  const byBridge = new Map<string, VisibleMethod[]>()
  for (const m of methods) byBridge.set(m.bridge, [...(byBridge.get(m.bridge) ?? []), m])
  for (const [bridge, list] of byBridge) {
    lua.lua_createtable(L, 0, list.length)
    for (const m of list) {
      lua.lua_pushjsfunction(L, bridgeFunction(state, m.path))
      lua.lua_setfield(L, -2, m.method)
    }
    ;(slot(L, -1).value as LuaTable).polyhost = FROZEN
    lua.lua_setfield(L, baseIdx, bridge)
  }
  return [...byBridge.keys()]
}

/**
 * A bridge method as a Lua function. Arguments and results go through the state's
 * converter and core's `execution.callBridge` (counting, validation, handler). An async
 * handler suspends the script: the function yields to the runner, which awaits the
 * promise and resumes the script with the outcome (the call looks synchronous in Lua).
 * Errors are catchable Lua errors carrying only the bridge's message; fatal ones (a
 * limit, a cancellation) end the script.
 */
export function bridgeFunction(state: BridgeHost, path: string): LuaCFunction {
  const { lua } = state.f
  const resumeWith: LuaKFunction = (L) => {
    const run = state.current(L)
    const outcome = run.outcome
    run.outcome = undefined
    if (!outcome) return fail(state, L, new Error(`${path}: no result`))
    if (!outcome.ok) return fail(state, L, outcome.error)
    return pushResult(state, L, path, outcome.value)
  }
  return (L) => {
    const run = state.current(L)
    const n = lua.lua_gettop(L)
    // where the script cannot be suspended, an async handler is refused before it runs
    const where =
      L !== run.thread ? 'inside a coroutine' : lua.lua_isyieldable(L) ? undefined : 'inside a metamethod, iterator or sort comparator'
    const refusal = where && `an async bridge cannot be called ${where}; call it from the script's main flow`
    let out: unknown
    let failure: unknown
    try {
      const args = new Array<unknown>(n)
      const guard = run.converter.guard()
      for (let i = 0; i < n; i++) args[i] = readArgument(run, L, path, i, guard)
      out = run.execution.callBridge(path, args, refusal)
    } catch (e) {
      failure = e
    }
    if (failure !== undefined) return fail(state, L, failure, path)
    if (!(out instanceof Promise)) return pushResult(state, L, path, out)
    if (refusal) {
      // a plain function that returned a promise: it has run, but its result cannot be awaited here
      out.catch(() => undefined)
      return fail(state, L, new Error(`${path}: ${refusal}`))
    }
    run.pending = out
    lua.lua_settop(L, 0)
    return lua.lua_yieldk(L, 0, null, resumeWith)
  }
}

// --- internal ---

/** Argument `i` as a host value; one that cannot cross is the call's bad argument (a BridgeError). */
function readArgument(run: RunContext, L: LuaState, path: string, i: number, guard: ConversionGuard): unknown {
  try {
    return run.converter.read(L, i + 1, guard)
  } catch (e) {
    if (isFatal(e)) throw e
    const error = invalidArgument(path, i, e)
    run.execution.noteBridgeFailure(path, error)
    throw error
  }
}

function pushResult(state: BridgeHost, L: LuaState, path: string, value: unknown): number {
  const run = state.current(L)
  let failure: unknown
  state.f.lua.lua_settop(L, 0)
  try {
    run.converter.pushResult(L, value)
  } catch (e) {
    failure = e
  }
  if (failure === undefined) return 1
  if (isFatal(failure)) return fail(state, L, failure, `${path}: invalid return value`)
  // a result the script cannot receive is the execution's bridge failure (see Execution.noteBridgeFailure)
  const error = invalidReturnValue(path, failure)
  run.execution.noteBridgeFailure(path, error)
  return fail(state, L, error)
}

function fail(state: BridgeHost, L: LuaState, error: unknown, prefix?: string): never {
  const run = state.current(L)
  if (run.execution.fatal) return run.meter.stop(L, run.execution.fatal)
  const name = (error as { name?: string } | null)?.name
  const message = error instanceof Error ? hostErrorText(error) : sanitizeScriptMessage(String(error))
  // BridgeErrors already carry "kv.get: ..."; conversion errors get the call's name
  const text = prefix && name !== 'BridgeError' ? `${prefix}: ${message}` : message
  return run.meter.stop(L, new Error(text))
}
