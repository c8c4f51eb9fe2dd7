import { BridgeRegistry, SecurityManager } from '@polyhost/core'
import { Execution, type ResolvedLimits } from '@polyhost/core/engine'
import { fengari, type LuaState } from '../src/fengari-api.js'
import { luaText } from '../src/lua-strings.js'
import { reachableBytes } from '../src/memory-walk.js'
import { Meter } from '../src/meter.js'

/** An Execution outside any host, with `limits` over generous defaults. */
export function makeExecution(limits: Partial<ResolvedLimits> = {}): Execution {
  return new Execution({
    engine: 'lua',
    language: 'lua',
    scriptName: 'raw.lua',
    tenant: undefined,
    context: {},
    limits: {
      instructions: false,
      timeoutMs: 10_000,
      memoryBytes: false,
      stackDepth: false,
      bridgeCalls: false,
      outputBytes: false,
      sourceBytes: false,
      ...limits,
    },
    bridges: new BridgeRegistry(),
    security: SecurityManager.resolve('standard'),
    compileCacheHit: false,
  })
}

export interface RawRun {
  readonly ok: boolean
  readonly message: string | undefined
  readonly values: unknown[]
  readonly execution: Execution
  readonly L: LuaState
}

/**
 * Runs Lua on a plain guarded fengari state (every safe library open, no sandbox) with a
 * Meter attached: exercises the fengari guards without the engine around them.
 * `setup` may prepare globals on the main thread before the script starts; `ready` sees the
 * execution just before the script starts.
 */
export function runRaw(
  source: string,
  limits: Partial<ResolvedLimits> = {},
  setup?: (L: LuaState) => void,
  ready?: (execution: Execution) => void,
): RawRun {
  const f = fengari()
  const { lua, lauxlib, lib } = f
  const L = lauxlib.luaL_newstate()
  lua.lua_rawgeti(L, lua.LUA_REGISTRYINDEX, 2)
  lua.lua_pushjsfunction(L, lib.luaopen_base)
  lua.lua_callk(L, 0, 0, 0, null)
  for (const name of ['string', 'table', 'math', 'coroutine', 'utf8'] as const) {
    lua.lua_pushjsfunction(L, lib[`luaopen_${name}`])
    lua.lua_callk(L, 0, 1, 0, null)
    lua.lua_setfield(L, 1, name)
  }
  setup?.(L)
  lua.lua_settop(L, 0)
  const execution = makeExecution(limits)
  const meter = new Meter(f, execution, { g: L.l_G, baseline: reachableBytes(L.l_G), shared: new WeakSet() })
  const co = lua.lua_newthread(L)
  if (lauxlib.luaL_loadbufferx(co, new TextEncoder().encode(source), null, '=raw.lua', 't') !== lua.LUA_OK) {
    throw new Error(luaText(lua.lua_tolstring(co, -1)))
  }
  ready?.(execution)
  meter.hookThread(co)
  meter.attach()
  let status: number
  try {
    status = lua.lua_resume(co, L, 0)
  } catch (e) {
    // a trip leaves the state as the execution's fatal error, past every pcall (as runScript sees it)
    if (e === undefined || e !== execution.fatal) throw e
    return { ok: false, message: execution.fatal.message, values: [], execution, L }
  } finally {
    meter.detach()
  }
  const ok = status === lua.LUA_OK
  const values: unknown[] = []
  if (ok) {
    for (let i = 1; i <= lua.lua_gettop(co); i++) {
      const t = lua.lua_type(co, i)
      values.push(
        t === lua.LUA_TSTRING
          ? luaText(lua.lua_tolstring(co, i))
          : t === lua.LUA_TNUMBER
            ? lua.lua_tonumber(co, i)
            : t === lua.LUA_TBOOLEAN
              ? lua.lua_toboolean(co, i)
              : null,
      )
    }
  }
  return { ok, message: ok ? undefined : luaText(lua.lua_tolstring(co, -1)), values, execution, L }
}
