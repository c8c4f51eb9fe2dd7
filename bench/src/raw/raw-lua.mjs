import { createRequire } from 'node:module'

const require = createRequire(import.meta.url)
/** The plain fengari API, used the way an application without Polyhost would. */
const { lua, lauxlib, lualib, to_luastring, to_jsstring } = require('fengari')

export { lua, lauxlib }

/** fengari version, for the report. */
export const FENGARI_VERSION = require('fengari/package.json').version

/**
 * A new Lua state with every standard library, no hooks, no sandbox.
 * @returns {unknown}
 */
export function newState() {
  const L = lauxlib.luaL_newstate()
  lualib.luaL_openlibs(L)
  return L
}

/** Closes a state made by `newState`. */
export function closeState(L) {
  lua.lua_close(L)
}

/**
 * Parses `source` into a function left on the stack; throws the Lua message on a syntax error.
 * @param {unknown} L
 * @param {Uint8Array} source from `luaSource`
 */
export function load(L, source) {
  if (lauxlib.luaL_loadstring(L, source) !== lua.LUA_OK) throw new Error(popError(L))
}

/** Encodes source once, as an application would keep it. */
export function luaSource(text) {
  return to_luastring(text)
}

/**
 * Calls the function on top of the stack and returns its first result as a JS value.
 * @param {unknown} L
 */
export function call(L) {
  if (lua.lua_pcall(L, 0, 1, 0) !== lua.LUA_OK) throw new Error(popError(L))
  const v = toJs(L, -1)
  lua.lua_pop(L, 1)
  return v
}

/** `luaL_loadstring` + `lua_pcall`: parse and run once. */
export function run(L, source) {
  load(L, source)
  return call(L)
}

/**
 * Sets a global from a JS value (C-API walk: tables built field by field).
 * @param {unknown} L
 * @param {string} name
 * @param {unknown} value
 */
export function setGlobal(L, name, value) {
  push(L, value)
  lua.lua_setglobal(L, to_luastring(name))
}

/**
 * Registers a JS function as a global: the raw host-function call path.
 * @param {unknown} L
 * @param {string} name
 * @param {(L: unknown) => number} fn a lua_CFunction
 */
export function setFunction(L, name, fn) {
  lua.lua_pushcfunction(L, fn)
  lua.lua_setglobal(L, to_luastring(name))
}

/**
 * Pushes a JS value: numbers (integers in int32 as Lua integers), strings, booleans,
 * null, arrays as sequences, plain objects as tables.
 */
export function push(L, v) {
  switch (typeof v) {
    case 'number':
      if (Number.isInteger(v) && v >= -2147483648 && v <= 2147483647) lua.lua_pushinteger(L, v)
      else lua.lua_pushnumber(L, v)
      return
    case 'string':
      lua.lua_pushstring(L, to_luastring(v))
      return
    case 'boolean':
      lua.lua_pushboolean(L, v)
      return
    case 'object':
      if (v === null) break
      if (Array.isArray(v)) {
        lua.lua_createtable(L, v.length, 0)
        for (let i = 0; i < v.length; i++) {
          push(L, v[i])
          lua.lua_rawseti(L, -2, i + 1)
        }
        return
      }
      {
        const keys = Object.keys(v)
        lua.lua_createtable(L, 0, keys.length)
        for (const k of keys) {
          push(L, v[k])
          lua.lua_setfield(L, -2, to_luastring(k))
        }
      }
      return
  }
  lua.lua_pushnil(L)
}

/**
 * Reads the value at `idx` into JS: a table whose keys are exactly 1..n becomes an Array,
 * any other table an object. Strings are decoded as UTF-8.
 */
export function toJs(L, idx) {
  switch (lua.lua_type(L, idx)) {
    case lua.LUA_TNUMBER:
      return lua.lua_tonumber(L, idx)
    case lua.LUA_TSTRING:
      return to_jsstring(lua.lua_tostring(L, idx))
    case lua.LUA_TBOOLEAN:
      return lua.lua_toboolean(L, idx)
    case lua.LUA_TTABLE:
      return tableToJs(L, lua.lua_absindex(L, idx))
    default:
      return null
  }
}

// --- internal ---

function tableToJs(L, t) {
  const n = lua.lua_rawlen(L, t)
  const keys = []
  const values = []
  lua.lua_pushnil(L)
  while (lua.lua_next(L, t) !== 0) {
    keys.push(lua.lua_type(L, -2) === lua.LUA_TNUMBER ? lua.lua_tonumber(L, -2) : to_jsstring(lua.lua_tostring(L, -2)))
    values.push(toJs(L, -1))
    lua.lua_pop(L, 1)
  }
  if (keys.length === n && keys.every((k) => typeof k === 'number' && k >= 1 && k <= n)) {
    const arr = new Array(n)
    for (let i = 0; i < keys.length; i++) arr[keys[i] - 1] = values[i]
    return arr
  }
  const obj = {}
  for (let i = 0; i < keys.length; i++) obj[String(keys[i])] = values[i]
  return obj
}

function popError(L) {
  const msg = lua.lua_tojsstring(L, -1)
  lua.lua_pop(L, 1)
  return msg
}
