import { type BuiltinHost, emit, lineBudget } from './builtins.js'
import type { LuaCFunction, LuaState, LuaString, LuaTable } from './fengari-api.js'
import { slot } from './converter.js'
import { luaText } from './lua-strings.js'

/** fengari functions this uses beyond the typed API (fengari-api.ts). */
interface MoreApi {
  lua_newuserdata(L: LuaState, size: number): unknown
  lua_pushfstring(L: LuaState, fmt: LuaString, ...args: unknown[]): LuaString
}
interface MoreLaux {
  luaL_newmetatable(L: LuaState, tname: LuaString): number
  luaL_checkudata(L: LuaState, arg: number, tname: LuaString): unknown
}

/**
 * The script's standard output as liolib.c's file handle: `io.write(...)` returns it, so
 * `io.write('a'):write('b')` chains as in C Lua, and `file:write(...)` writes and returns
 * it too. It is one full userdata per state with C Lua's `FILE*` metatable (its own
 * `__index`, `__name`, `__tostring` giving `file (0x…)`), frozen, with `write`, `flush` and
 * `close` (which, as for C Lua's standard files, refuses): no read, seek or lines. Each write call is one log line (as `io.write`
 * always was here), counted against `outputBytes`. Numbers are written as C's fprintf
 * writes them: integers as `%d`, floats as `%.14g` (`1.0` is `1`, unlike `tostring`).
 *
 * Leaves `io.write` (with the handle as its upvalue) on the stack; the tables made are
 * added to `frozen`.
 */
export function pushIoWrite(host: BuiltinHost, L: LuaState, frozen: LuaTable[]): void {
  const { lua, lauxlib, internal } = host.f
  const more = lua as unknown as MoreApi
  const laux = lauxlib as unknown as MoreLaux
  const FILE = internal.to_luastring('FILE*')

  /** liolib.c's g_write from argument `arg` on; the handle must be on the stack top. */
  const write = (L1: LuaState, arg: number): number => {
    const n = lua.lua_gettop(L1) - 1
    const budget = lineBudget(host, L1)
    let text = ''
    for (let i = arg; i <= n; i++) {
      if (lua.lua_type(L1, i) === lua.LUA_TNUMBER) text += printfNumber(L1, i)
      else {
        // C Lua has written the arguments before a bad one
        if (lua.lua_type(L1, i) !== lua.LUA_TSTRING && text !== '') emit(host, L1, text)
        // bounded before it is decoded (print-bounds.test.ts)
        const s = lauxlib.luaL_checkstring(L1, i)
        budget(s.length)
        text += luaText(s)
      }
    }
    // a write of nothing (`io.write()`, as when only the handle is wanted) logs nothing
    if (n >= arg) emit(host, L1, text)
    return 1
  }
  const printfNumber = (L1: LuaState, i: number): string => {
    const s = luaText(lua.lua_tolstring(L1, i) as LuaString)
    // tostring is %.14g plus ".0" when that looks like an integer; fprintf writes %.14g
    return !lua.lua_isinteger(L1, i) && /^-?\d+\.0$/.test(s) ? s.slice(0, -2) : s
  }

  more.lua_newuserdata(L, 0)
  laux.luaL_newmetatable(L, FILE)
  frozen.push(slot(L, -1).value as LuaTable)
  lua.lua_pushvalue(L, -1)
  lua.lua_setfield(L, -2, '__index')
  const fileWrite: LuaCFunction = (L1) => {
    laux.luaL_checkudata(L1, 1, FILE)
    lua.lua_pushvalue(L1, 1)
    return write(L1, 2)
  }
  lua.lua_pushjsfunction(L, fileWrite)
  lua.lua_setfield(L, -2, 'write')
  const fileName: LuaCFunction = (L1) => {
    laux.luaL_checkudata(L1, 1, FILE)
    more.lua_pushfstring(L1, internal.to_luastring('file (%p)'), lua.lua_topointer(L1, 1))
    return 1
  }
  lua.lua_pushjsfunction(L, fileName)
  lua.lua_setfield(L, -2, '__tostring')
  // liolib.c's io_noclose for the standard files; flush has nothing to flush (luaL_fileresult's true)
  const close: LuaCFunction = (L1) => {
    laux.luaL_checkudata(L1, 1, FILE)
    lua.lua_pushnil(L1)
    lua.lua_pushstring(L1, 'cannot close standard file')
    return 2
  }
  const flush: LuaCFunction = (L1) => {
    laux.luaL_checkudata(L1, 1, FILE)
    lua.lua_pushboolean(L1, true)
    return 1
  }
  lua.lua_pushjsfunction(L, close)
  lua.lua_setfield(L, -2, 'close')
  lua.lua_pushjsfunction(L, flush)
  lua.lua_setfield(L, -2, 'flush')
  lua.lua_setmetatable(L, -2)

  const ioWrite: LuaCFunction = (L1) => {
    lua.lua_pushvalue(L1, lua.lua_upvalueindex(1))
    return write(L1, 1)
  }
  lua.lua_pushcclosure(L, ioWrite, 1)
}
