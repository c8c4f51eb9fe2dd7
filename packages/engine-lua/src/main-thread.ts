import type { BuiltinHost } from './builtins.js'
import type { LuaCFunction, LuaState } from './fengari-api.js'

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
  const outside = internal.to_luastring(
    lua51 ? 'attempt to yield across metamethod/C-call boundary' : 'attempt to yield from outside a coroutine',
  )
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
      return lua.lua_yieldk(L, lua.lua_gettop(L), 0, null)
    },
  }
}
