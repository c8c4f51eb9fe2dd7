import { boundText, escapeRegExp, isFatal, ScriptRuntimeError } from '@polyhost/core/engine'
import { chunkId } from './compiler.js'
import type { LuaConverter } from './converter.js'
import type { Fengari, LuaState } from './fengari-api.js'
import { luaText } from './lua-strings.js'
import type { Meter } from './meter.js'

/**
 * Turns the error object left on a dead script thread into a ScriptRuntimeError: the Lua
 * message (with its `name:line:` prefix), the line, and a traceback of script frames only
 * (host functions appear in fengari tracebacks as `[C]` frames and are dropped). A non-string
 * error value is converted to the host as `thrown`; in 5.3 mode its message is what its
 * `__tostring` returns, as lua.c's message handler reports it (5.1's lua.c reports strings
 * only). `meter` bounds that call with the execution's limits. The message is kept to core's
 * MESSAGE_TEXT characters (with how many were left out), as engine-js keeps a thrown message:
 * the host masks host paths in it after the script has ended, and a script may raise a text
 * as large as its memory limit; `thrown` is not cut.
 */
export function scriptRuntimeError(
  f: Fengari,
  main: LuaState,
  co: LuaState,
  name: string,
  converter: LuaConverter,
  meter: Meter,
): ScriptRuntimeError {
  const { lua, lauxlib } = f
  const t = lua.lua_type(co, -1)
  let message: string
  let thrown: unknown
  if (t === lua.LUA_TSTRING) {
    message = luaText(lua.lua_tolstring(co, -1))
    thrown = message
  } else if (t === lua.LUA_TNUMBER) {
    // the number itself is what was thrown; its text (lua_tolstring converts the slot) the message
    thrown = converter.read(co, -1)
    message = luaText(lua.lua_tolstring(co, -1))
  } else {
    try {
      thrown = converter.read(co, -1)
    } catch (e) {
      // a thrown value too large or too slow to convert ends the execution with that limit
      if (isFatal(e)) throw e
      thrown = undefined
    }
    message = `(error object is a ${luaTypeName(f, t)} value)`
    const described = f.numbers === 'lua53' ? metaText(f, main, co, meter) : undefined
    if (described !== undefined) message = described
    else if (
      t === lua.LUA_TTABLE &&
      thrown &&
      typeof thrown === 'object' &&
      typeof (thrown as { message?: unknown }).message === 'string'
    ) {
      message = (thrown as { message: string }).message
    }
  }
  message = boundText(message)
  lauxlib.luaL_traceback(main, co, null, 0)
  const trace = luaText(lua.lua_tolstring(main, -1))
  lua.lua_pop(main, 1)
  const frames = trace.split('\n').filter((l) => l.startsWith('\t') && !l.startsWith('\t[C]') && !l.startsWith('\t...'))
  // Lua's texts hold the chunk id (controls escaped, cut at LUA_IDSIZE): the caller reads its own name
  const id = chunkId(name)
  const own = (text: string, at: string) => (text.startsWith(`${at}${id}:`) ? `${at}${name}${text.slice(at.length + id.length)}` : text)
  const stack = frames.length ? `stack traceback:\n${frames.map((l) => own(l, '\t')).join('\n')}` : undefined
  return new ScriptRuntimeError(own(message, ''), name, lineOf(message, id, frames), undefined, stack, thrown)
}

// --- internal ---

/**
 * lua.c's msghandler: the text `__tostring` gives the error value at the top of `co` (a string
 * only; if `__tostring` raised a string, that), or undefined (no `__tostring`, another type, a limit).
 * It runs protected on a new thread under the meter's count hook, without time slices: a
 * loop in it ends at the instruction or time limit, which the caller then reports.
 */
function metaText(f: Fengari, main: LuaState, co: LuaState, meter: Meter): string | undefined {
  const { lua, lauxlib } = f
  if (!lua.lua_getmetatable(co, -1)) return undefined
  lua.lua_pushstring(co, '__tostring')
  const has = lua.lua_rawget(co, -2) !== lua.LUA_TNIL
  lua.lua_pop(co, 2)
  if (!has) return undefined
  const top = lua.lua_gettop(main)
  try {
    const h = lua.lua_newthread(main)
    meter.hookThread(h, 0)
    lua.lua_pushjsfunction(h, (L) => {
      lauxlib.luaL_callmeta(L, 1, '__tostring')
      return 1
    })
    lua.lua_pushvalue(co, -1)
    lua.lua_xmove(co, h, 1)
    // a result other than a string is not the message; an error in __tostring is (lua.c's
    // message handler handles its own error: its string is reported)
    lua.lua_pcall(h, 1, 1, 0)
    return lua.lua_type(h, -1) === lua.LUA_TSTRING ? luaText(lua.lua_tolstring(h, -1)) : undefined
  } catch (e) {
    if (isFatal(e)) throw e
    return undefined
  } finally {
    lua.lua_settop(main, top)
  }
}

function lineOf(message: string, name: string, frames: readonly string[]): number | undefined {
  const own = new RegExp(`^${escapeRegExp(name)}:(\\d+):`).exec(message)
  if (own) return Number(own[1])
  for (const frame of frames) {
    const m = new RegExp(`^\\t${escapeRegExp(name)}:(\\d+):`).exec(frame)
    if (m) return Number(m[1])
  }
  return undefined
}

function luaTypeName(f: Fengari, t: number): string {
  const { lua } = f
  if (t === lua.LUA_TNIL) return 'nil'
  if (t === lua.LUA_TTABLE) return 'table'
  if (t === lua.LUA_TBOOLEAN) return 'boolean'
  if (t === lua.LUA_TFUNCTION) return 'function'
  if (t === lua.LUA_TTHREAD) return 'thread'
  return 'userdata'
}
