import type { BuiltinHost } from './builtins.js'
import type { LuaCFunction, LuaState } from './fengari-api.js'

/**
 * `coroutine.running`, `coroutine.isyieldable` and `coroutine.yield` as C Lua's main thread
 * answers them. The engine runs each script in a thread of its own (so that async bridge
 * calls and time slices can suspend it); to the script that thread is the main thread:
 * `running()` says `ismain`, `isyieldable()` is false and `yield` raises "attempt to yield
 * from outside a coroutine" (catchable, as in C Lua). The engine's own suspensions use
 * `lua_yield` directly and are not affected. Coroutines the script creates behave as before.
 */
export function makeMainThreadCoroutine(host: BuiltinHost): Record<'running' | 'isyieldable' | 'yield', LuaCFunction> {
  const { lua, internal } = host.f
  const isMain = (L: LuaState): boolean => host.current(L).thread === L
  return {
    running: (L) => {
      lua.lua_pushthread(L)
      lua.lua_pushboolean(L, isMain(L))
      return 2
    },
    isyieldable: (L) => {
      lua.lua_pushboolean(L, !isMain(L) && lua.lua_isyieldable(L))
      return 1
    },
    yield: (L) => {
      if (isMain(L)) return internal.luaG_runerror(L, internal.to_luastring('attempt to yield from outside a coroutine'))
      return lua.lua_yieldk(L, lua.lua_gettop(L), 0, null)
    },
  }
}
