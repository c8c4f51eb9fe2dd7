import type { BuiltinHost } from './builtins.js'
import type { LuaCFunction, LuaState, LuaString } from './fengari-api.js'
import { T_TABLE } from './value-tags.js'

interface MoreLaux {
  luaL_checklstring(L: LuaState, arg: number): LuaString
}

/** Names Lua 5.3 added to its libraries: a script for 5.1 never sees them (lbaselib.c and the libraries of 5.1). */
const LUA53_ONLY: Readonly<Record<string, readonly string[]>> = {
  table: ['pack', 'unpack', 'move'],
  math: ['type', 'tointeger', 'ult', 'maxinteger', 'mininteger'],
  string: ['pack', 'unpack', 'packsize'],
  coroutine: ['isyieldable'],
}
/** Base names Lua 5.3 added (`utf8` is a whole library). */
const LUA53_ONLY_BASE: readonly string[] = ['rawlen', 'utf8']

/**
 * The globals of Lua 5.1 for `numbers: 'lua51'`, after lua51-compat.ts aliased what it needs
 * (`unpack` is `table.unpack`, `loadstring` holds the 5.3 `load`): the names 5.3 added are
 * removed, `_VERSION` is `Lua 5.1`, and `load` takes only a reader function and a chunk name
 * (5.1's `load(func [, chunkname])`: `load("x")` is "function expected, got string").
 * Expects the base table at `baseIdx`.
 */
export function installLua51Globals(host: BuiltinHost, L: LuaState, baseIdx: number): void {
  const { lua } = host.f
  for (const [lib, names] of Object.entries(LUA53_ONLY)) {
    if (lua.lua_getfield(L, baseIdx, lib) === T_TABLE) {
      for (const name of names) {
        lua.lua_pushnil(L)
        lua.lua_setfield(L, -2, name)
      }
    }
    lua.lua_pop(L, 1)
  }
  for (const name of LUA53_ONLY_BASE) {
    lua.lua_pushnil(L)
    lua.lua_setfield(L, baseIdx, name)
  }
  if (lua.lua_getfield(L, baseIdx, '_VERSION') !== lua.LUA_TNIL) {
    lua.lua_pushstring(L, 'Lua 5.1')
    lua.lua_setfield(L, baseIdx, '_VERSION')
  }
  lua.lua_pop(L, 1)
  if (lua.lua_getfield(L, baseIdx, 'load') === lua.LUA_TFUNCTION) {
    lua.lua_pushcclosure(L, load51(host), 1)
    lua.lua_setfield(L, baseIdx, 'load')
  } else lua.lua_pop(L, 1)
}

// --- internal ---

/** 5.1's `load(func [, chunkname])` over the 5.3 `load` (upvalue 1): extra arguments are ignored. */
function load51(host: BuiltinHost): LuaCFunction {
  const { lua, lauxlib } = host.f
  const laux = lauxlib as unknown as MoreLaux
  return (L) => {
    if (lua.lua_type(L, 2) > 0) laux.luaL_checklstring(L, 2) // luaL_optstring(L, 2, ...) first, as lbaselib
    lauxlib.luaL_checktype(L, 1, lua.LUA_TFUNCTION)
    lua.lua_settop(L, 2)
    lua.lua_pushvalue(L, lua.lua_upvalueindex(1))
    lua.lua_insert(L, 1)
    lua.lua_callk(L, 2, lua.LUA_MULTRET, 0, null)
    return lua.lua_gettop(L)
  }
}
