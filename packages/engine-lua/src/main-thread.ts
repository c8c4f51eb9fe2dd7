import type { BuiltinHost } from './builtins.js'
import type { LuaCFunction, LuaState } from './fengari-api.js'
import type { CallInfo } from './fengari-types.js'

/**
 * `coroutine.running`, `coroutine.isyieldable` and `coroutine.yield` as C Lua's main thread
 * answers them. The engine runs each script in a thread of its own (so that async bridge
 * calls and time slices can suspend it); to the script that thread is the main thread:
 * `running()` says `ismain`, `isyieldable()` is false and `yield` raises "attempt to yield
 * from outside a coroutine" (catchable, as in C Lua). The engine's own suspensions use
 * `lua_yield` directly and are not affected. Coroutines the script creates behave as before.
 * Under the 'lua51' number mode the answers are Lua 5.1's.
 */
export function makeMainThreadCoroutine(host: BuiltinHost): Record<'running' | 'isyieldable' | 'yield', LuaCFunction> {
  const { lua, internal } = host.f
  const isMain = (L: LuaState): boolean => host.current(L).thread === L
  // Lua 5.1 (the 'lua51' number mode, Redis scripts): running() is nil on the main thread,
  // else the thread alone, and a yield there is refused with 5.1's words
  const lua51 = host.f.numbers === 'lua51'
  const boundary = internal.to_luastring(
    lua51 ? 'attempt to yield across metamethod/C-call boundary' : 'attempt to yield across a C-call boundary',
  )
  const outside = lua51 ? boundary : internal.to_luastring('attempt to yield from outside a coroutine')
  return {
    running: (L) => {
      const main = isMain(L)
      if (lua51 && main) lua.lua_pushnil(L)
      else lua.lua_pushthread(L)
      if (lua51) return 1
      lua.lua_pushboolean(L, main)
      return 2
    },
    isyieldable: (L) => {
      lua.lua_pushboolean(L, !isMain(L) && lua.lua_isyieldable(L))
      return 1
    },
    yield: (L) => {
      if (isMain(L)) return internal.luaG_runerror(L, outside)
      if (crossesBoundary(host, L, lua51)) return internal.luaG_runerror(L, boundary)
      return lua.lua_yieldk(L, lua.lua_gettop(L), 0, null)
    },
  }
}

/**
 * Host functions that C Lua runs their callee from with `lua_call`, which refuses a yield,
 * but that call with a continuation here so that time slices reach the code they run
 * (`require` running a module body). A script's own yield through one is refused.
 */
export const C_CALL_BOUNDARIES = new WeakSet<LuaCFunction>()

/**
 * Whether C Lua would refuse this yield of a script's coroutine. `L.ci` is the yield's own
 * frame; the frames below it, up to the coroutine's body, are what the yield crosses.
 * Lua 5.3: a C_CALL_BOUNDARIES function among them. Lua 5.1 yields only through plain calls
 * from Lua code: any host function (pcall, xpcall, require...) and any call the VM makes
 * itself (a metamethod, a for-in iterator) is a boundary there, where Lua 5.3 and fengari
 * continue them; each frame must be a Lua function whose current instruction is a call.
 */
function crossesBoundary(host: BuiltinHost, L: LuaState, lua51: boolean): boolean {
  const { CIST_LUA, OP_CALL, OP_TAILCALL } = host.f.internal
  for (let caller = L.ci.previous; caller !== null && caller !== L.base_ci; caller = caller.previous) {
    if (!(caller.callstatus & CIST_LUA) || caller.l_code === null) {
      if (lua51 || C_CALL_BOUNDARIES.has(cFunction(caller))) return true
      continue
    }
    if (!lua51) continue
    const op = caller.l_code[caller.l_savedpc - 1]?.opcode
    if (op !== OP_CALL && op !== OP_TAILCALL) return true
  }
  return false
}

/** The host function a C frame runs (a light function or a closure's). */
function cFunction(ci: CallInfo): LuaCFunction {
  const fn = (ci.func as { value: unknown } | null)?.value as LuaCFunction | { f: LuaCFunction } | undefined
  return (typeof fn === 'function' ? fn : fn?.f) as LuaCFunction
}
