import type { BuiltinHost } from './builtins.js'
import type { LuaCFunction, LuaState, LuaString } from './fengari-api.js'
import { T_NIL } from './value-tags.js'

/** fengari functions these use beyond the typed API (fengari-api.ts). */
interface MoreApi {
  lua_newuserdata(L: LuaState, size: number): unknown
  lua_isboolean(L: LuaState, idx: number): boolean
}
interface MoreLaux {
  luaL_argerror(L: LuaState, arg: number, extramsg: LuaString): never
  luaL_checklstring(L: LuaState, arg: number): LuaString
}

/**
 * Lua 5.1 base functions 5.3 dropped or changed, for `numbers: 'lua51'` (lbaselib.c of 5.1):
 * `newproxy`, and `loadstring`, which takes a string (or number) where `load` takes a function
 * in 5.1 (`loadstring(nil)` is "string expected"), and a binary string it cannot read is refused
 * in 5.1's words. Installed by lua51-compat.ts.
 */
export function lua51BaseFunctions(host: BuiltinHost): { newproxy: LuaCFunction; loadstring: LuaCFunction } {
  const { lua } = host.f
  const more = host.f.lua as unknown as MoreApi
  const laux = host.f.lauxlib as unknown as MoreLaux
  /** Metatables made by `newproxy(true)` (5.1 keeps them in a weak table): another proxy may share one. */
  const proxyMetatables = new WeakSet<object>()
  const metatableOf = (L: LuaState, idx: number): object | null => {
    if (!lua.lua_getmetatable(L, idx)) return null
    const mt = lua.lua_topointer(L, -1)
    lua.lua_pop(L, 1)
    return mt
  }
  return {
    newproxy: (L) => {
      lua.lua_settop(L, 1)
      more.lua_newuserdata(L, 0)
      if (!lua.lua_toboolean(L, 1)) return 1 // no metatable
      if (more.lua_isboolean(L, 1)) {
        lua.lua_createtable(L, 0, 0)
        proxyMetatables.add(lua.lua_topointer(L, -1) as object)
      } else {
        const mt = metatableOf(L, 1)
        if (mt === null || !proxyMetatables.has(mt)) laux.luaL_argerror(L, 1, host.f.internal.to_luastring('boolean or proxy expected'))
        lua.lua_getmetatable(L, 1)
      }
      lua.lua_setmetatable(L, 2)
      return 1
    },
    // loadstring(s [, chunkname]): luaL_checklstring, luaL_optstring(2, s), then what `load` (upvalue 1) does with them
    loadstring: (L) => {
      const s = laux.luaL_checklstring(L, 1)
      if (lua.lua_type(L, 2) > 0) laux.luaL_checklstring(L, 2)
      else {
        lua.lua_settop(L, 1)
        lua.lua_pushvalue(L, 1)
      }
      lua.lua_settop(L, 2)
      const refused = binaryRefusal(s, lua.lua_tolstring(L, 2) as LuaString)
      if (refused !== null) {
        lua.lua_pushnil(L)
        lua.lua_pushstring(L, refused)
        return 2
      }
      lua.lua_pushvalue(L, lua.lua_upvalueindex(1))
      lua.lua_pushstring(L, s)
      lua.lua_pushvalue(L, 2)
      lua.lua_callk(L, 2, 2, 0, null)
      if (lua.lua_type(L, -2) === T_NIL) return 2 // nil, message
      lua.lua_pop(L, 1)
      return 1
    },
  }
}

// --- internal ---

/** The header of a Lua 5.1 binary chunk on x86-64 (lundump.c luaU_header: version 0x51, little endian, 4-byte int, 8-byte size_t and double). */
const HEADER_51 = [0x1b, 0x4c, 0x75, 0x61, 0x51, 0, 1, 4, 8, 4, 8, 0]

/**
 * What 5.1's undump says of a binary string it cannot read (`<name>: unexpected end in
 * precompiled chunk` when shorter than the header, `bad header` when it differs), named as
 * 5.1 names it: the chunk name without its '=' or '@', "binary string" for a name that is
 * itself binary. A valid header is still refused by the 5.3 load (binary chunks never load):
 * null then, as for any text chunk.
 */
function binaryRefusal(s: LuaString, chunkname: LuaString): Uint8Array | null {
  if (s[0] !== 0x1b) return null
  let why: string
  if (s.length < HEADER_51.length) why = 'unexpected end'
  else if (HEADER_51.some((b, i) => s[i] !== b)) why = 'bad header'
  else return null
  const nul = chunkname.indexOf(0)
  let name: Uint8Array = nul < 0 ? chunkname : chunkname.subarray(0, nul)
  if (name[0] === 0x3d || name[0] === 0x40) name = name.subarray(1)
  else if (name[0] === 0x1b) name = new TextEncoder().encode('binary string')
  const tail = new TextEncoder().encode(`: ${why} in precompiled chunk`)
  const out = new Uint8Array(name.length + tail.length)
  out.set(name)
  out.set(tail, name.length)
  return out
}
