import type { BuiltinHost } from './builtins.js'
import { slot } from './converter.js'
import type { CallInfo, LuaCFunction, LuaState, LuaString, LuaTable } from './fengari-api.js'
import { cint } from './lua51-integers.js'
import { LOADED_REGISTRY_KEY, push } from './package-tables.js'

/** fengari's lua_Debug, as far as tracebacks read it. */
interface Debug {
  i_ci: CallInfo | null
  name: LuaString | null
  namewhat: LuaString
  what: LuaString
  short_src: LuaString
  currentline: number
  linedefined: number
}
/** The debug API beyond the typed subset (fengari-api.ts). */
interface DebugApi {
  lua_Debug: new () => Debug
  lua_getinfo(L: LuaState, what: string, ar: Debug): number
  lua_isstring(L: LuaState, idx: number): boolean
}

/** `debug.traceback([thread,] [msg [, level]])`: Lua 5.3's db_traceback, or Lua 5.1's db_errorfb in the 'lua51' mode. */
export function makeTraceback(host: BuiltinHost): LuaCFunction {
  return host.f.numbers === 'lua51' ? traceback51(host) : traceback53(host)
}

// --- internal ---

/**
 * Lua 5.3's db_traceback: a non-string message is returned untouched; the level defaults to
 * 1 for the running thread, 0 for another. A thread a script can name is one of its own
 * coroutines (or its main thread). luaL_traceback names a frame's function by searching the
 * registry's `_LOADED`, which in C Lua is `package.loaded`, where `_G` is the script's
 * globals (`in function 'g'` for a global function); the search runs in the execution's own
 * `package.loaded` (package-tables.ts), the shared `_LOADED` put back afterwards.
 */
function traceback53(host: BuiltinHost): LuaCFunction {
  const { lua, lauxlib } = host.f
  return (L) => {
    const threaded = lua.lua_type(L, 1) === lua.LUA_TTHREAD
    const L1 = threaded ? (lua.lua_tothread(L, 1) as LuaState) : L
    const arg = threaded ? 1 : 0
    const t = lua.lua_type(L, arg + 1)
    if (t !== lua.LUA_TSTRING && t !== lua.LUA_TNUMBER && t !== lua.LUA_TNONE && t !== lua.LUA_TNIL) {
      lua.lua_pushvalue(L, arg + 1)
      return 1
    }
    const msg = t === lua.LUA_TSTRING || t === lua.LUA_TNUMBER ? lua.lua_tolstring(L, arg + 1) : null
    const level = lauxlib.luaL_optinteger(L, arg + 2, L1 === L ? 1 : 0)
    if (!host.run) {
      lauxlib.luaL_traceback(L, L1, msg, level)
      return 1
    }
    lua.lua_getfield(L, lua.LUA_REGISTRYINDEX, LOADED_REGISTRY_KEY)
    const shared = slot(L, -1).value as LuaTable
    lua.lua_pop(L, 1)
    host.pushLoaded(L)
    lua.lua_setfield(L, lua.LUA_REGISTRYINDEX, LOADED_REGISTRY_KEY)
    try {
      lauxlib.luaL_traceback(L, L1, msg, level)
    } finally {
      push(host.f, L, shared)
      lua.lua_setfield(L, lua.LUA_REGISTRYINDEX, LOADED_REGISTRY_KEY)
    }
    return 1
  }
}

/** ldblib.c 5.1: the levels shown before and after a `...`. */
const LEVELS1 = 12
const LEVELS2 = 10

/**
 * Lua 5.1's db_errorfb, step by step: the level is read only when it is a number (and popped,
 * the topmost value, as 5.1 does); a message that is neither absent nor a string or number
 * is returned as the topmost value (`debug.traceback(nil)` is nil); every frame is `in
 * function 'name'` by the name its call site gives, with no search of the loaded libraries
 * (`[C]: in function 'yield'`), `?` for a nameless host function; and each tail call a
 * frame replaced is a level of its own, `(tail call): ?`, counted by the patched VM
 * (fengari-traceback-patches.ts). Metamethods and hooks have no name in 5.1, and a for
 * iterator is its hidden local `(for generator)`.
 */
function traceback51(host: BuiltinHost): LuaCFunction {
  const { lua } = host.f
  const dbg = lua as unknown as DebugApi
  const { CIST_LUA, CIST_TAIL } = host.f.internal
  return (L) => {
    const threaded = lua.lua_type(L, 1) === lua.LUA_TTHREAD
    const L1 = threaded ? (lua.lua_tothread(L, 1) as LuaState) : L
    const arg = threaded ? 1 : 0
    let level: number
    if (lua.lua_isnumber(L, arg + 2)) {
      level = cint(lua.lua_tonumber(L, arg + 2))
      lua.lua_pop(L, 1)
    } else level = L === L1 ? 1 : 0
    if (lua.lua_gettop(L) === arg) lua.lua_pushstring(L, '')
    else if (!dbg.lua_isstring(L, arg + 1)) return 1
    else lua.lua_pushstring(L, '\n')
    lua.lua_pushstring(L, 'stack traceback:')
    // 5.1's levels: each frame, then a level for each tail call it replaced (null)
    const levels: (CallInfo | null)[] = []
    for (let ci = L1.ci; ci !== L1.base_ci && ci !== null; ci = ci.previous as CallInfo) {
      levels.push(ci)
      if (ci.callstatus & CIST_LUA && ci.callstatus & CIST_TAIL) for (let i = 0; i < ci.tailcalls; i++) levels.push(null)
    }
    const has = (n: number) => n >= 0 && n < levels.length
    const ar = new dbg.lua_Debug()
    let firstpart = true
    while (has(level++)) {
      if (level > LEVELS1 && firstpart) {
        if (!has(level + LEVELS2)) level--
        else {
          lua.lua_pushstring(L, '\n\t...')
          level = Math.max(level, levels.length - LEVELS2)
        }
        firstpart = false
        continue
      }
      lua.lua_pushstring(L, '\n\t')
      lua.lua_checkstack(L, 8)
      pushFrame(host, L, L1, dbg, ar, levels[level - 1] ?? null)
      lua.lua_concat(L, lua.lua_gettop(L) - arg)
    }
    lua.lua_concat(L, lua.lua_gettop(L) - arg)
    return 1
  }
}

/**
 * Pushes one line of a 5.1 traceback after its tab (`src:line: in function 'name'` and the
 * like) in pieces, the chunk name and function name as the bytes they are.
 */
function pushFrame(host: BuiltinHost, L: LuaState, L1: LuaState, dbg: DebugApi, ar: Debug, ci: CallInfo | null): void {
  const { lua } = host.f
  if (ci === null) {
    lua.lua_pushstring(L, '(tail call): ?')
    return
  }
  ar.i_ci = ci
  dbg.lua_getinfo(L1, 'Snl', ar)
  lua.lua_pushstring(L, ar.short_src)
  lua.lua_pushstring(L, ar.currentline > 0 ? `:${ar.currentline}:` : ':')
  const namewhat = ascii(ar.namewhat)
  const what = ascii(ar.what)
  if (namewhat === 'for iterator') lua.lua_pushstring(L, " in function '(for generator)'")
  else if (namewhat !== '' && namewhat !== 'metamethod' && namewhat !== 'hook' && ar.name !== null) {
    lua.lua_pushstring(L, " in function '")
    lua.lua_pushstring(L, ar.name)
    lua.lua_pushstring(L, "'")
  } else if (what === 'main') lua.lua_pushstring(L, ' in main chunk')
  else if (what !== 'Lua') lua.lua_pushstring(L, ' ?')
  else {
    lua.lua_pushstring(L, ' in function <')
    lua.lua_pushstring(L, ar.short_src)
    lua.lua_pushstring(L, `:${ar.linedefined}>`)
  }
}

/** The text of fengari's ASCII-only debug fields (`what`, `namewhat`). */
function ascii(s: LuaString | null): string {
  return s === null ? '' : String.fromCharCode(...s)
}
