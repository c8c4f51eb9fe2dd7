import { C_CALL_BOUNDARIES } from './main-thread.js'
import type { LuaCFunction, LuaState, LuaTable } from './fengari-api.js'
import { type BuiltinHost, raise } from './builtins.js'
import { luaText } from './lua-strings.js'

/**
 * `load(chunk [, chunkname [, mode [, env]]])` as Lua 5.3 has it: `chunk` a string or a reader
 * function called until it returns nil or an empty string (its pieces are charged to memory
 * as they arrive); `chunkname` and `mode` checked as C Lua checks them (a number is its text). Binary chunks are never loaded. The
 * chunk's `_ENV` is `env` when given (even nil), else the calling execution's own environment,
 * never the state's real globals.
 */
export function makeLoad(host: BuiltinHost): LuaCFunction {
  const { f } = host
  const { lua, lauxlib } = f
  // luaL_optstring as lbaselib checks them, mode (#3) first, then the name (#2): nil or absent
  // takes the default, a number is its text (`load(s:gsub(...))` names the chunk by the count)
  const optText = (L: LuaState, arg: number) =>
    lua.lua_type(L, arg) > lua.LUA_TNIL ? (lauxlib.luaL_checkstring(L, arg) as Uint8Array) : null
  return (L) => {
    const hasEnv = lua.lua_gettop(L) >= 4
    const mode = loadMode(host, optText(L, 3))
    const name = optText(L, 2)
    let status: number
    const kind = lua.lua_type(L, 1)
    if (kind === lua.LUA_TSTRING || kind === lua.LUA_TNUMBER) {
      const chunk = lua.lua_tolstring(L, 1) as Uint8Array
      const binary = chunk[0] === BINARY
      if (binary && mode.binary) return refuseBinary(L)
      status = lauxlib.luaL_loadbufferx(L, chunk, chunk.length, name ?? chunk, (binary ? mode.binary : mode.text) ? mode.short : mode.bytes)
    } else {
      lauxlib.luaL_checktype(L, 1, lua.LUA_TFUNCTION)
      lua.lua_settop(L, RESERVED)
      status = lua.lua_load(L, reader(host, mode.binary), null, name ?? '=(load)', mode.text && mode.binary ? mode.short : mode.bytes)
    }
    if (status !== lua.LUA_OK) {
      lua.lua_pushnil(L)
      lua.lua_insert(L, -2)
      return 2
    }
    if (hasEnv) lua.lua_pushvalue(L, 4)
    else host.pushEnv(L)
    lua.lua_setupvalue(L, -2, 1)
    return 1
  }

  function refuseBinary(L: LuaState): number {
    lua.lua_pushnil(L)
    lua.lua_pushstring(L, BINARY_REFUSED)
    return 2
  }
}

/**
 * `require(name)`: `package.loaded` (the standard libraries and this execution's modules),
 * then `package.preload`, then host-registered Lua modules the policy allows; one instance per
 * execution. No file is ever searched.
 */
/** The light userdata Lua 5.1's require leaves in package.loaded while a module loads. */
const LOADING = Object.freeze({ loading: true })

export function makeRequire(host: BuiltinHost): LuaCFunction {
  const { f } = host
  const { lua, lauxlib } = f
  const lua51 = f.numbers === 'lua51'
  // Lua 5.1 marks a module being loaded (loadlib.c's sentinel) and refuses to load it again
  const loading = (L: LuaState, index: number) => lua.lua_touserdata(L, index) === LOADING
  const finish = (L: LuaState): number => {
    // stack: name, loaded, result; as ll_require: a non-nil result is the module, else what the
    // module put in package.loaded itself, else true (5.1: unless the module set it to nil)
    const name = lua.lua_tolstring(L, 1) as Uint8Array
    if (lua.lua_type(L, 3) !== lua.LUA_TNIL) {
      lua.lua_pushvalue(L, 3)
      lua.lua_setfield(L, 2, name)
    }
    const kind = lua.lua_getfield(L, 2, name)
    if (lua51 ? loading(L, -1) : kind === lua.LUA_TNIL) {
      lua.lua_pushboolean(L, true)
      lua.lua_pushvalue(L, -1)
      lua.lua_setfield(L, 2, name)
    }
    return 1
  }
  const require: LuaCFunction = (L) => {
    const name = luaText(lauxlib.luaL_checkstring(L, 1))
    lua.lua_settop(L, 1)
    host.pushLoaded(L)
    lua.lua_getfield(L, 2, name)
    if (lua.lua_toboolean(L, 3)) {
      if (lua51 && loading(L, 3)) return raise(f, L, `loop or previous error loading module '${name}'`)
      return 1
    }
    lua.lua_pop(L, 1)
    host.pushPreload(L)
    const preloaded = lua.lua_getfield(L, -1, name) !== lua.LUA_TNIL
    lua.lua_remove(L, -2)
    if (!preloaded) {
      lua.lua_pop(L, 1)
      const problem = host.loadModule(L, name)
      if (problem?.missing) {
        return raise(f, L, `${problem.message}:\n\tno field package.preload['${name}']\n\tno module '${name}' registered by the host`)
      }
      if (problem) return raise(f, L, problem.message)
    }
    if (lua51) {
      lua.lua_pushlightuserdata(L, LOADING)
      lua.lua_setfield(L, 2, name)
    }
    lua.lua_pushstring(L, name)
    // Lua 5.3 hands a loader the searcher's second value too: nil for package.preload
    if (!lua51) lua.lua_pushnil(L)
    // with a continuation, so that time slices reach a busy module body; a yield of the
    // script's own is refused there as C Lua's lua_call refuses it (main-thread.ts)
    lua.lua_callk(L, lua51 ? 1 : 2, 1, 0, (L2) => finish(L2))
    return finish(L)
  }
  C_CALL_BOUNDARIES.add(require)
  return require
}

/**
 * The `package` table: `config`, and per-execution `loaded` and `preload` reached through
 * its metatable (the table itself is shared and frozen). No path, cpath, searchers,
 * searchpath or loadlib: nothing is searched for in files.
 */
export function pushPackage(host: BuiltinHost, L: LuaState): LuaTable {
  const { lua } = host.f
  lua.lua_createtable(L, 0, 1)
  const pkg = (L.stack[L.top - 1] as { value: LuaTable }).value
  lua.lua_pushstring(L, '/\n;\n?\n!\n-\n')
  lua.lua_setfield(L, -2, 'config')
  lua.lua_createtable(L, 0, 2)
  lua.lua_pushjsfunction(L, (L2) => {
    const key = lua.lua_type(L2, 2) === lua.LUA_TSTRING ? luaText(lua.lua_tolstring(L2, 2)) : ''
    if (key === 'loaded') host.pushLoaded(L2)
    else if (key === 'preload') host.pushPreload(L2)
    else lua.lua_pushnil(L2)
    return 1
  })
  lua.lua_setfield(L, -2, '__index')
  lua.lua_pushboolean(L, false)
  lua.lua_setfield(L, -2, '__metatable')
  lua.lua_setmetatable(L, -2)
  return pkg
}

// --- internal ---

/** First byte of a binary chunk (LUA_SIGNATURE). */
const BINARY = 0x1b
const BINARY_REFUSED = 'attempt to load a binary chunk (binary chunks are never loaded here)'
/** Stack slot that keeps the reader's last piece alive while the lexer reads it (as lbaselib). */
const RESERVED = 5

/**
 * load's mode: Lua looks only for the letters 'b' and 't' in it (up to a NUL), and shows the
 * whole text in its refusal. The text is searched natively (charged as heavy work when long) and fengari
 * gets the two letters whenever it cannot refuse (a 4 MB mode took 0.18 s a call in fengari's
 * per-character conversion, uncharged: a loop of loads ran 12-131 s of a 1 s limit).
 */
function loadMode(host: BuiltinHost, given: Uint8Array | null): LoadMode {
  if (given === null) return { binary: true, text: true, short: 'bt', bytes: 'bt' }
  host.f.guards.scanned(given.length)
  // a C string to lua_load: 'b\0t' refuses text, as lua5.3 does (strchr stops at the NUL)
  const nul = given.indexOf(0)
  const bytes = nul < 0 ? given : given.subarray(0, nul)
  const binary = bytes.includes(0x62)
  const text = bytes.includes(0x74)
  return { binary, text, short: `${binary ? 'b' : ''}${text ? 't' : ''}`, bytes }
}

interface LoadMode {
  readonly binary: boolean
  readonly text: boolean
  /** The letters Lua looks for (only passed where one of them allows the chunk: never empty). */
  readonly short: string
  /** The whole mode, for fengari's refusal message. */
  readonly bytes: Uint8Array | string
}

/**
 * lua_load's reader for a Lua reader function at index 1, as C Lua's generic reader: the
 * lexer pulls pieces as it needs them, so a reader that never ends is stopped by the
 * lexer's steps (a syntax error, or the instruction, time or memory limit).
 */
function reader(host: BuiltinHost, binaryAllowed: boolean): (L: LuaState) => Uint8Array | null {
  const { lua } = host.f
  let first = true
  return (L) => {
    lua.lua_pushvalue(L, 1)
    lua.lua_callk(L, 0, 1, 0, null)
    const t = lua.lua_type(L, -1)
    if (t === lua.LUA_TNIL) {
      lua.lua_pop(L, 1)
      return null
    }
    if (t !== lua.LUA_TSTRING && t !== lua.LUA_TNUMBER) return raise(host.f, L, 'reader function must return a string')
    lua.lua_replace(L, RESERVED)
    const piece = lua.lua_tolstring(L, RESERVED) as Uint8Array
    if (first && piece.length > 0) {
      first = false
      if (piece[0] === BINARY && binaryAllowed) return raise(host.f, L, BINARY_REFUSED)
    }
    return piece
  }
}
