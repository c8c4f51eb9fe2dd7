import type { BuiltinHost } from './builtins.js'
import type { LuaCFunction, LuaState, LuaTable } from './fengari-api.js'
import { lua51BaseFunctions } from './lua51-base.js'
import { installLua51Globals } from './lua51-globals.js'
import { lua51Functions } from './lua51-library.js'
import { cpow } from './number-runtime.js'
import { T_TABLE } from './value-tags.js'

/**
 * The Lua 5.1 names scripts written for 5.1 (Redis scripts) use, installed when the engine
 * runs in `numbers: 'lua51'` mode. Each follows the policy of the function it aliases:
 * `unpack` ↔ `table.unpack`, `math.mod` ↔ `math.fmod`, `string.gfind` ↔ `string.gmatch`;
 * lua51-base.ts's `loadstring` (dynamic code, `eval`) and `newproxy` (`base.newproxy`);
 * `math.pow` and `table.getn` come with their library; so do the 5.1 functions of lua51-library.ts (`math.log10`, `table.maxn`…, and
 * 5.1's `math.max/min/modf`), each as the policy allows it; then lua51-globals.ts takes away what 5.3 added. `allows` is the sandbox's policy check. Expects the base table at `baseIdx`; library tables as built by the sandbox.
 */
export function installLua51Names(
  host: BuiltinHost,
  L: LuaState,
  baseIdx: number,
  libraries: ReadonlyMap<string, LuaTable>,
  allows: (name: string) => boolean,
): void {
  const { lua, lauxlib } = host.f
  const alias = (from: string, fromName: string, to: string | null, toName: string): void => {
    lua.lua_getfield(L, baseIdx, from)
    if (lua.lua_type(L, -1) === T_TABLE) {
      lua.lua_getfield(L, -1, fromName)
      if (to === null) lua.lua_setfield(L, baseIdx, toName)
      else {
        lua.lua_getfield(L, baseIdx, to)
        lua.lua_insert(L, -2)
        lua.lua_setfield(L, -2, toName)
        lua.lua_pop(L, 1)
      }
    }
    lua.lua_pop(L, 1)
  }
  const define = (lib: string, name: string, fn: LuaCFunction): void => {
    lua.lua_getfield(L, baseIdx, lib)
    lua.lua_pushjsfunction(L, fn)
    lua.lua_setfield(L, -2, name)
    lua.lua_pop(L, 1)
  }
  if (libraries.has('table') && allows('table.unpack')) alias('table', 'unpack', null, 'unpack')
  if (libraries.has('math') && allows('math.fmod')) alias('math', 'fmod', 'math', 'mod')
  if (libraries.has('string') && allows('string.gmatch')) alias('string', 'gmatch', 'string', 'gfind')
  if (libraries.has('math'))
    define('math', 'pow', (L1) => {
      // pow(luaL_checknumber(L, 1), luaL_checknumber(L, 2)): C evaluates argument 2 first
      const y = lauxlib.luaL_checknumber(L1, 2)
      lua.lua_pushnumber(L1, cpow(lauxlib.luaL_checknumber(L1, 1), y))
      return 1
    })
  if (libraries.has('table'))
    define('table', 'getn', (L1) => {
      lauxlib.luaL_checktype(L1, 1, T_TABLE)
      lua.lua_pushinteger(L1, lua.lua_rawlen(L1, 1))
      return 1
    })
  for (const [lib, fns] of Object.entries(lua51Functions(host))) {
    if (!libraries.has(lib)) continue
    for (const [name, fn] of Object.entries(fns)) if (allows(`${lib}.${name}`)) define(lib, name, fn)
  }
  const base = lua51BaseFunctions(host)
  if (allows('base.newproxy')) {
    lua.lua_pushjsfunction(L, base.newproxy)
    lua.lua_setfield(L, baseIdx, 'newproxy')
  }
  if (allows('eval')) {
    // 5.1's loadstring takes a string, then does what load does with it (load is its upvalue)
    lua.lua_getfield(L, baseIdx, 'load')
    lua.lua_pushcclosure(L, base.loadstring, 1)
    lua.lua_setfield(L, baseIdx, 'loadstring')
  }
  installLua51Globals(host, L, baseIdx)
}
