import { escapeRegExp, isFatal, ScriptRuntimeError } from '@polyhost/core/engine'
import type { LuaConverter } from './converter.js'
import type { Fengari, LuaState } from './fengari-api.js'
import { luaText } from './lua-strings.js'

/**
 * Turns the error object left on a dead script thread into a ScriptRuntimeError: the Lua
 * message (with its `name:line:` prefix), the line, and a traceback of script frames only
 * (host functions appear in fengari tracebacks as `[C]` frames and are dropped). A non-string
 * error value is converted to the host as `thrown`.
 */
export function scriptRuntimeError(f: Fengari, main: LuaState, co: LuaState, name: string, converter: LuaConverter): ScriptRuntimeError {
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
    if (t === lua.LUA_TTABLE && thrown && typeof thrown === 'object' && typeof (thrown as { message?: unknown }).message === 'string') {
      message = (thrown as { message: string }).message
    }
  }
  lauxlib.luaL_traceback(main, co, null, 0)
  const trace = luaText(lua.lua_tolstring(main, -1))
  lua.lua_pop(main, 1)
  const frames = trace.split('\n').filter((l) => l.startsWith('\t') && !l.startsWith('\t[C]') && !l.startsWith('\t...'))
  const stack = frames.length ? `stack traceback:\n${frames.join('\n')}` : undefined
  return new ScriptRuntimeError(message, name, lineOf(message, name, frames), undefined, stack, thrown)
}

// --- internal ---

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
