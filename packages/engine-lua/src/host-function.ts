import { invalidArgument, invalidReturnValue, isFatal } from '@polyhost/core/engine'
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
  // named as the JavaScript engine names it in the errors of its arguments and result
  const name = fn.name || 'function'
  let failure: unknown
  try {
    run.execution.check()
    const guard = run.converter.guard()
    const args = Array.from({ length: n }, (_, i) =>
      crossing(
        run,
        name,
        () => run.converter.read(L, i + 1, guard),
        (e) => invalidArgument(name, i, e),
      ),
    )
    const out = run.execution.callHost(fn, args)
    if (out instanceof Promise) {
      out.catch(() => undefined)
      throw new Error('host functions passed as values must be synchronous')
    }
    lua.lua_settop(L, 0)
    crossing(
      run,
      name,
      () => run.converter.pushResult(L, out),
      (e) => invalidReturnValue(name, e),
    )
    return 1
  } catch (e) {
    failure = e
  }
  return run.meter.stop(L, failure)
}

/**
 * Runs one conversion of a host function's call. A value that cannot cross (an argument, a
 * result holding a function) is the call's BridgeError, as a bridge method's is (`maker:
 * invalid return value: $.inner: …`): uncaught, the host reports it as that BridgeError.
 */
function crossing<T>(run: RunContext, name: string, convert: () => T, wrap: (failure: unknown) => Error): T {
  try {
    return convert()
  } catch (e) {
    if (isFatal(e)) throw e
    const error = wrap(e)
    run.execution.noteBridgeFailure(name, error)
    throw error
  }
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
