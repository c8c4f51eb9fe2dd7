import { type BuiltinHost, raise } from './builtins.js'
import type { Fengari, LuaState } from './fengari-api.js'
import type { RunContext } from './run-context.js'

// JS code that Lua calls: host functions from `globals`, and the VM's native-error handler.

/**
 * Calls a host function the script got from `globals` (or inside a value): metered like a
 * bridge method (the execution is live, the call counts against `bridgeCalls`) and callable
 * only in the execution whose values it came with (`owner`).
 */
export function callHostFunction(
  host: BuiltinHost,
  L: LuaState,
  fn: (...args: unknown[]) => unknown,
  owner: RunContext | undefined,
): number {
  const run = host.current(L)
  if (run !== owner) return raise(host.f, L, 'host function called outside its execution')
  const { lua } = host.f
  const n = lua.lua_gettop(L)
  let failure: unknown
  try {
    run.execution.check()
    const guard = run.converter.guard()
    const args = Array.from({ length: n }, (_, i) => run.converter.read(L, i + 1, guard))
    const out = run.execution.callHost(fn, args)
    if (out instanceof Promise) {
      out.catch(() => undefined)
      throw new Error('host functions passed as values must be synchronous')
    }
    lua.lua_settop(L, 0)
    run.converter.pushResult(L, out)
    return 1
  } catch (e) {
    failure = e
  }
  return run.meter.stop(L, failure)
}

/**
 * A JS exception thrown inside fengari (by host code or the VM itself): recorded on the
 * run, so that the state is discarded, and raised in Lua as an error message.
 */
export function nativeError(f: Fengari, L: LuaState, run: RunContext | undefined): number {
  const e = f.lua.lua_touserdata(L, -1)
  if (run) run.nativeError = e
  const msg = e instanceof RangeError ? 'not enough memory' : `internal error: ${e instanceof Error ? e.message : String(e)}`
  f.lua.lua_pushstring(L, msg)
  return 1
}
