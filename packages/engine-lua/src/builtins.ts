import { LOG_LINE_BYTES } from '@polyhost/core'
import type { Fengari, LuaCFunction, LuaState, LuaTable } from './fengari-api.js'
import { luaText } from './lua-strings.js'
import { cint } from './lua51-integers.js'
import type { RunContext } from './run-context.js'
import { T_TABLE } from './value-tags.js'

/** What the engine-provided functions need from their state. */
export interface BuiltinHost {
  readonly f: Fengari
  /** The running execution, if any (none while the init script runs). */
  readonly run?: RunContext | undefined
  /** The running execution; raises a Lua error when none is (cannot happen for script calls). */
  current(L: LuaState): RunContext
  /** Pushes the running execution's `_ENV`. */
  pushEnv(L: LuaState): void
  /** Pushes the running execution's `package.loaded` table. */
  pushLoaded(L: LuaState): void
  /** Pushes the running execution's `package.preload` table. */
  pushPreload(L: LuaState): void
  /**
   * Pushes the module's chunk, or answers why not: not registered (require lists where it
   * looked) or registered but not loadable (require raises that alone, as C Lua's checkload).
   */
  loadModule(L: LuaState, name: string): { readonly missing: boolean; readonly message: string } | undefined
  /** The metatable marking arrays. */
  arrayMeta(): LuaTable
}

/** Raises a Lua error with `message`, prefixed with the calling script's position (as luaL_error). */
export function raise(f: Fengari, L: LuaState, message: string): never {
  const { lua, lauxlib } = f
  lauxlib.luaL_where(L, 1)
  lua.lua_pushstring(L, message)
  lua.lua_concat(L, 2)
  return lua.lua_error(L)
}

/**
 * Logs through the execution (counted against `outputBytes`); an exceeded output limit is
 * fatal and ends the script.
 */
export function emit(host: BuiltinHost, L: LuaState, text: string): void {
  const run = host.current(L)
  let failure: unknown
  try {
    run.execution.log('info', text)
  } catch (e) {
    failure = e
  }
  if (failure !== undefined) run.meter.stop(L, failure)
}

/**
 * Bounds the text of one log line before the host builds it: each piece is checked against
 * the output limit and, as text the host holds while it joins the line, against the memory
 * budget, before it is decoded (`print(s, s, ...)` with 40 copies of a 16 MiB string decoded
 * and joined them all first: the host process died of heap exhaustion). The exact output
 * count is still `Execution.log`'s.
 */
export function lineBudget(host: BuiltinHost, L: LuaState): (bytes: number) => void {
  const run = host.current(L)
  const { execution } = run
  const max = execution.limits.outputBytes
  let total = LOG_LINE_BYTES
  return (bytes) => {
    total += bytes
    if (max !== false && execution.outputBytes + total > max) {
      run.meter.stop(L, execution.trip('output', execution.outputBytes + total))
    }
    // the decoded pieces and the joined line
    host.f.guards.transient(L, 2 * total)
  }
}

/**
 * `print(...)`: each argument through the global `tostring` (as Lua 5.3's print, so a script
 * that replaces `tostring` changes what print shows), tab-separated, one log line. Under
 * `numbers: 'lua51'` each piece ends at its first NUL, as 5.1's `fputs` writes it.
 */
export function makePrint(host: BuiltinHost): LuaCFunction {
  const { f } = host
  const { lua } = f
  const lua51 = f.numbers === 'lua51'
  return (L) => {
    const n = lua.lua_gettop(L)
    host.pushEnv(L)
    lua.lua_getfield(L, -1, 'tostring')
    lua.lua_remove(L, -2)
    const parts: string[] = []
    const budget = lineBudget(host, L)
    for (let i = 1; i <= n; i++) {
      lua.lua_pushvalue(L, n + 1)
      lua.lua_pushvalue(L, i)
      lua.lua_callk(L, 1, 1, 0, null)
      let s = lua.lua_tolstring(L, -1)
      if (s === null) return raise(f, L, "'tostring' must return a string to 'print'")
      // Lua 5.1's print writes each piece with fputs, which stops at its first NUL
      const nul = lua51 ? s.indexOf(0) : -1
      if (nul >= 0) s = s.subarray(0, nul)
      // the line's own bytes: a tab before every piece but the first (none after the last)
      budget(s.length + (i > 1 ? 1 : 0))
      parts.push(luaText(s))
      lua.lua_pop(L, 1)
    }
    emit(host, L, parts.join('\t'))
    return 0
  }
}

/** `collectgarbage([opt [, arg]])` options, in C Lua's order. */
const GC_OPTIONS = ['stop', 'restart', 'collect', 'count', 'step', 'setpause', 'setstepmul', 'isrunning'] as const

/**
 * `collectgarbage([opt [, arg]])`: fengari has no GC interface. Options are checked as C Lua
 * checks them (`collectgarbage{}` is a "bad argument"; 5.1 has no "isrunning"); "count"
 * reports the accounted KiB. The host's collector runs whatever the script says: "stop",
 * "restart", "setpause" and "setstepmul" change only what the execution is told back
 * ("isrunning", the previous value), as C Lua's lua_gc answers.
 */
export function makeCollectGarbage(host: BuiltinHost): LuaCFunction {
  const { lua, lauxlib, internal } = host.f
  const lua51 = host.f.numbers === 'lua51'
  const names = lua51 ? GC_OPTIONS.filter((o) => o !== 'isrunning') : GC_OPTIONS
  const options = names.map((o) => internal.to_luastring(o))
  return (L) => {
    const opt = names[lauxlib.luaL_checkoption(L, 1, 'collect', options)]
    // (int)luaL_optinteger: the low 32 bits (5.1 truncates a fraction)
    const arg = lua51 ? cint(lua.lua_type(L, 2) > 0 ? lauxlib.luaL_checknumber(L, 2) : 0) : lauxlib.luaL_optinteger(L, 2, 0) | 0
    if (opt === 'collect')
      lua.lua_pushinteger(L, 0) // no execution needed: the init script may collect
    else if (opt === 'step') lua.lua_pushboolean(L, false)
    else if (opt === 'count') lua.lua_pushnumber(L, host.current(L).meter.accountedBytes() / 1024)
    else if (opt === 'isrunning') lua.lua_pushboolean(L, host.current(L).gc.running)
    else if (opt === 'setpause') {
      const { gc } = host.current(L)
      lua.lua_pushinteger(L, gc.pause)
      gc.pause = arg
    } else if (opt === 'setstepmul') {
      const { gc } = host.current(L)
      lua.lua_pushinteger(L, gc.stepmul)
      gc.stepmul = lua51 ? arg : Math.max(arg, 40) // 5.3's lua_gc refuses less than 40
    } else {
      host.current(L).gc.running = opt === 'restart' // stop or restart
      lua.lua_pushinteger(L, 0)
    }
    return 1
  }
}

/** `array([t])`: marks `t` (or a new table) so that it converts to a host Array even when empty. */
export function makeArray(host: BuiltinHost): LuaCFunction {
  const { f } = host
  const { lua } = f
  return (L) => {
    if (lua.lua_type(L, 1) === lua.LUA_TNONE || lua.lua_type(L, 1) === lua.LUA_TNIL) {
      lua.lua_settop(L, 0)
      lua.lua_createtable(L, 0, 0)
    } else if (lua.lua_type(L, 1) !== lua.LUA_TTABLE) {
      return raise(f, L, "bad argument #1 to 'array' (table expected)")
    }
    lua.lua_settop(L, 1)
    if (lua.lua_getmetatable(L, 1)) return raise(f, L, "bad argument #1 to 'array' (table already has a metatable)")
    // through lua_setmetatable: its guard refuses frozen shared tables and marks watched ones dirty
    const { TValue } = f.internal
    lua.lua_checkstack(L, 1)
    L.stack[L.top++] = new TValue(T_TABLE, host.arrayMeta())
    lua.lua_setmetatable(L, 1)
    return 1
  }
}

/** `math.random` / `math.randomseed` on the execution's own generator (never shared between runs). */
export function makeRandom(host: BuiltinHost): { random: LuaCFunction; randomseed: LuaCFunction } {
  const { f } = host
  const { lua, lauxlib } = f
  return {
    random: (L) => {
      const r = host.current(L).random()
      const n = lua.lua_gettop(L)
      if (n === 0) {
        lua.lua_pushnumber(L, r)
        return 1
      }
      if (n > 2) return raise(f, L, 'wrong number of arguments')
      // 5.1 reads its limits with luaL_checkint, a C int cast (random(2^31) is an empty interval)
      const limit =
        f.numbers === 'lua51' ? (i: number) => cint(lauxlib.luaL_checknumber(L, i)) : (i: number) => lauxlib.luaL_checkinteger(L, i)
      const low = n === 1 ? 1 : limit(1)
      const up = limit(n)
      // lmathlib.c checks argument #1 in 5.3 and the upper limit's (#1 or #2) in 5.1
      if (low > up) return lauxlib.luaL_argerror(L, f.numbers === 'lua51' ? n : 1, 'interval is empty')
      lua.lua_pushinteger(L, Math.floor(r * (up - low + 1)) + low)
      return 1
    },
    randomseed: (L) => {
      // C Lua: luaL_checknumber (5.3) / luaL_checkint (5.1): no argument or a non-number is refused
      host.current(L).seed(lauxlib.luaL_checknumber(L, 1))
      return 0
    },
  }
}

/** `__newindex` of the environment under `globals.protect`: only names the base already has. */
export function makeStrictNewIndex(host: BuiltinHost): LuaCFunction {
  const { f } = host
  const { lua } = f
  return (L) => {
    // upvalue 1: the base environment
    lua.lua_pushvalue(L, 2)
    if (lua.lua_rawget(L, lua.lua_upvalueindex(1)) === lua.LUA_TNIL) {
      const name = lua.lua_type(L, 2) === lua.LUA_TSTRING ? luaText(lua.lua_tolstring(L, 2)) : '?'
      return raise(f, L, `assignment to undeclared global '${name}'`)
    }
    lua.lua_settop(L, 3)
    lua.lua_rawset(L, 1)
    return 0
  }
}
