import { type BuiltinHost, raise } from './builtins.js'
import type { LuaCFunction, LuaState } from './fengari-api.js'
import { clog } from './c-math.js'
import { cint } from './lua51-integers.js'
import { frexp, ldexp, modf } from './lua51-math.js'

/**
 * Lua 5.1 library functions that 5.3 dropped or changed, as lmathlib.c and ltablib.c of 5.1
 * define them, for `numbers: 'lua51'` (Redis scripts call them). Where 5.3 kept the name
 * with other rules (`math.max/min` returned the argument uncoerced, `math.modf` lost the sign
 * of a zero fraction) the 5.1 function replaces it. Installed by lua51-compat.ts.
 */
export function lua51Functions(host: BuiltinHost): Record<'math' | 'table', Record<string, LuaCFunction>> {
  const { lua, lauxlib } = host.f
  const num = lauxlib.luaL_checknumber
  const unary =
    (fn: (x: number) => number): LuaCFunction =>
    (L) => {
      lua.lua_pushnumber(L, fn(num(L, 1)))
      return 1
    }
  /** math.max/min: luaL_checknumber coerces numeric strings and names a bad argument; C's `>`/`<` on NaN. */
  const extreme =
    (better: (d: number, best: number) => boolean): LuaCFunction =>
    (L) => {
      const n = lua.lua_gettop(L)
      let best = num(L, 1)
      for (let i = 2; i <= n; i++) {
        const d = num(L, i)
        if (better(d, best)) best = d
      }
      lua.lua_pushnumber(L, best)
      return 1
    }
  const pushTwo = (L: LuaState, [a, b]: [number, number]): number => {
    lua.lua_pushnumber(L, a)
    lua.lua_pushnumber(L, b)
    return 2
  }
  const pushNaN = (L: LuaState, nan: number, second: number): number => {
    lua.lua_pushnumber(L, nan)
    lua.lua_pushnumber(L, second)
    return 2
  }
  /** table.foreach/foreachi: the first non-nil result of f stops the walk and is returned. */
  const callStops = (L: LuaState): boolean => {
    lua.lua_callk(L, 2, 1, 0, null)
    if (lua.lua_type(L, -1) !== lua.LUA_TNIL) return true
    lua.lua_pop(L, 1)
    return false
  }

  const math: Record<string, LuaCFunction> = {
    // glibc's log10: a NaN argument is passed on with its sign, a negative one gives +nan
    log10: unary((x) => clog(x, 10)),
    cosh: unary(Math.cosh),
    sinh: unary(Math.sinh),
    tanh: unary(Math.tanh),
    // C evaluates atan2(luaL_checknumber(L, 1), luaL_checknumber(L, 2)) right to left: #2 is checked first
    atan2: (L) => {
      const x = num(L, 2)
      lua.lua_pushnumber(L, Math.atan2(num(L, 1), x))
      return 1
    },
    // a NaN never goes through the result array: V8 may store it in a double array, which
    // canonicalises NaNs (once the function is optimised, modf(-nan) printed nan)
    frexp: (L) => {
      const x = num(L, 1)
      return Number.isNaN(x) ? pushNaN(L, x, 0) : pushTwo(L, frexp(x))
    },
    // the exponent is luaL_checkint: a C cast, so ldexp(1, 2.5) is 4 (and #2 is checked first)
    ldexp: (L) => {
      const e = cint(num(L, 2))
      lua.lua_pushnumber(L, ldexp(num(L, 1), e))
      return 1
    },
    modf: (L) => {
      const x = num(L, 1)
      return Number.isNaN(x) ? pushNaN(L, x, x) : pushTwo(L, modf(x))
    },
    max: extreme((d, best) => d > best),
    min: extreme((d, best) => d < best),
  }

  const table: Record<string, LuaCFunction> = {
    maxn: (L) => {
      lauxlib.luaL_checktype(L, 1, lua.LUA_TTABLE)
      let max = 0
      lua.lua_pushnil(L)
      while (lua.lua_next(L, 1) !== 0) {
        host.f.guards.step(L) // a walk over every key, without hooks otherwise
        lua.lua_pop(L, 1)
        if (lua.lua_type(L, -1) === lua.LUA_TNUMBER) {
          const v = lua.lua_tonumber(L, -1)
          if (v > max) max = v
        }
      }
      lua.lua_pushnumber(L, max)
      return 1
    },
    foreachi: (L) => {
      lauxlib.luaL_checktype(L, 1, lua.LUA_TTABLE)
      const n = lua.lua_rawlen(L, 1)
      lauxlib.luaL_checktype(L, 2, lua.LUA_TFUNCTION)
      for (let i = 1; i <= n; i++) {
        host.f.guards.step(L) // a host function as f runs no instruction: the walk is counted here
        lua.lua_pushvalue(L, 2)
        lua.lua_pushnumber(L, i)
        lua.lua_rawgeti(L, 1, i)
        if (callStops(L)) return 1
      }
      return 0
    },
    foreach: (L) => {
      lauxlib.luaL_checktype(L, 1, lua.LUA_TTABLE)
      lauxlib.luaL_checktype(L, 2, lua.LUA_TFUNCTION)
      lua.lua_pushnil(L)
      while (lua.lua_next(L, 1) !== 0) {
        host.f.guards.step(L)
        lua.lua_pushvalue(L, 2)
        lua.lua_pushvalue(L, -3)
        lua.lua_pushvalue(L, -3)
        if (callStops(L)) return 1
        lua.lua_pop(L, 1)
      }
      return 0
    },
    // 5.1 built without LUA_COMPAT_GETN (Debian's lua5.1, Redis) has no table sizes to set
    setn: (L) => {
      lauxlib.luaL_checktype(L, 1, lua.LUA_TTABLE)
      return raise(host.f, L, "'setn' is obsolete")
    },
  }
  return { math, table }
}
