import { type BuiltinHost, raise } from './builtins.js'
import { slot } from './converter.js'
import { setName } from './lua-names.js'
import type { LuaCFunction, LuaState, LuaTable } from './fengari-api.js'
import { lua51Functions } from './lua51-library.js'
import { frexp, ldexp } from './lua51-math.js'
import { cpow } from './number-runtime.js'

/** The LUA_COMPAT_MATHLIB functions of lmathlib.c made here (atan2 is math.atan itself). */
const MATH_NAMES = ['cosh', 'sinh', 'tanh', 'pow', 'frexp', 'ldexp', 'log10']
/** The bit32 functions (lbitlib.c), in the order luaL_newlib registers them. */
const BIT32 = ['arshift', 'band', 'bnot', 'bor', 'bxor', 'btest', 'extract', 'lrotate', 'lshift', 'replace', 'rrotate', 'rshift']

/**
 * What Lua 5.3 built with LUA_COMPAT_5_2 has (Debian's and most distributions' lua5.3, so
 * scripts written for it use them), for the `'lua53'` mode: lmathlib.c's LUA_COMPAT_MATHLIB
 * functions (`math.pow, cosh, sinh, tanh, log10, frexp, ldexp, atan2`) and lbitlib.c's
 * `bit32` (LUA_COMPAT_BITLIB). `ipairs` honouring `__ipairs` (LUA_COMPAT_IPAIRS) is a fengari
 * patch (lua53-compat-patches.ts). Where 5.1 mode has the same function it is reused
 * (lua51-library.ts); 5.3's differ in argument checks (`pow` checks #1 first, `ldexp` takes an
 * integer exponent) and results (`frexp`'s exponent is an integer). Each member follows the
 * policy (`math.pow`, `bit32.band`); `bit32` becomes one of `libraries` (watched or frozen).
 */
export function installLua52Compat(
  host: BuiltinHost,
  L: LuaState,
  baseIdx: number,
  libraries: Map<string, LuaTable>,
  allows: (name: string) => boolean,
  /** What the decisions depend on (the policy): they are made once per policy, not per state. */
  policy: object,
): void {
  const { lua } = host.f
  const fns = functionsOf(host)
  const allowed = decisionsOf(policy, allows)
  if (libraries.has('math')) {
    lua.lua_getfield(L, baseIdx, 'math')
    for (const name of allowed.math) {
      const fn = fns.math[name]
      // C registers math_atan as atan2: the same function
      if (fn === undefined) lua.lua_getfield(L, -1, 'atan')
      else lua.lua_pushjsfunction(L, fn)
      setName(host.f, L, -2, name)
    }
    lua.lua_pop(L, 1)
  }
  if (allowed.bit32 === undefined) return
  lua.lua_createtable(L, 0, BIT32.length)
  for (const name of allowed.bit32) {
    lua.lua_pushjsfunction(L, fns.bit32[name] as LuaCFunction)
    setName(host.f, L, -2, name)
  }
  libraries.set('bit32', slot(L, -1).value as LuaTable)
  setName(host.f, L, baseIdx, 'bit32')
}

// Every new state installs these: the functions are made once per fengari instance (they use
// nothing of a state) and the policy's decisions once per policy (each state deciding ~20
// names again, and making ~20 closures, doubled a fresh state's cost).
const functionCache = new WeakMap<object, { math: Record<string, LuaCFunction | undefined>; bit32: Record<string, LuaCFunction> }>()
const decisionCache = new WeakMap<object, { math: string[]; bit32: string[] | undefined }>()

function functionsOf(host: BuiltinHost) {
  let fns = functionCache.get(host.f)
  if (!fns) functionCache.set(host.f, (fns = { math: { ...mathFunctions(host), atan2: undefined }, bit32: bit32Functions(host) }))
  return fns
}

function decisionsOf(policy: object, allows: (name: string) => boolean) {
  let d = decisionCache.get(policy)
  if (!d) {
    const math = [...MATH_NAMES, 'atan2'].filter((name) => allows(`math.${name}`))
    const bit32 = allows('bit32') ? BIT32.filter((name) => allows(`bit32.${name}`)) : undefined
    decisionCache.set(policy, (d = { math, bit32 }))
  }
  return d
}

// --- internal ---

function mathFunctions(host: BuiltinHost): Record<string, LuaCFunction> {
  const { lua, lauxlib } = host.f
  const num = lauxlib.luaL_checknumber
  const { log10, cosh, sinh, tanh } = lua51Functions(host).math as Record<string, LuaCFunction>
  return {
    cosh: cosh as LuaCFunction,
    sinh: sinh as LuaCFunction,
    tanh: tanh as LuaCFunction,
    pow: (L) => {
      const x = num(L, 1)
      lua.lua_pushnumber(L, cpow(x, num(L, 2)))
      return 1
    },
    frexp: (L) => {
      const x = num(L, 1)
      // a NaN never goes through an array (V8 may canonicalise its sign there)
      if (Number.isNaN(x)) {
        lua.lua_pushnumber(L, x)
        lua.lua_pushinteger(L, 0)
        return 2
      }
      const [m, e] = frexp(x)
      lua.lua_pushnumber(L, m)
      lua.lua_pushinteger(L, e)
      return 2
    },
    ldexp: (L) => {
      const x = num(L, 1)
      // (int)luaL_checkinteger: the low 32 bits, signed
      lua.lua_pushnumber(L, ldexp(x, lauxlib.luaL_checkinteger(L, 2) | 0))
      return 1
    },
    log10: log10 as LuaCFunction,
  }
}

function bit32Functions(host: BuiltinHost): Record<string, LuaCFunction> {
  const { lua, lauxlib } = host.f
  /** checkunsigned, trimmed to 32 bits: the low 32 bits of the 64-bit integer. */
  const u = (L: LuaState, i: number) => lauxlib.luaL_checkinteger(L, i) >>> 0
  const push = (L: LuaState, r: number): number => {
    lua.lua_pushinteger(L, r >>> 0)
    return 1
  }
  const fold = (L: LuaState, start: number, op: (a: number, b: number) => number): number => {
    let r = start
    for (let i = 1, n = lua.lua_gettop(L); i <= n; i++) r = op(r, u(L, i)) >>> 0
    return r
  }
  /** b_shift: a negative count shifts right; 32 or more clears. */
  const shift = (L: LuaState, r: number, i: number): number => {
    if (i <= -32 || i >= 32) return push(L, 0)
    return push(L, i < 0 ? r >>> -i : r << i)
  }
  const rotate = (L: LuaState, d: number): number => {
    const r = u(L, 1)
    const i = ((d % 32) + 32) % 32
    return push(L, i === 0 ? r : (r << i) | (r >>> (32 - i)))
  }
  /** fieldargs: the field and width arguments, checked as lbitlib.c checks them. */
  const field = (L: LuaState, farg: number): [number, number] => {
    const f = lauxlib.luaL_checkinteger(L, farg)
    const w = lauxlib.luaL_optinteger(L, farg + 1, 1)
    if (!(f >= 0)) lauxlib.luaL_argerror(L, farg, 'field cannot be negative')
    if (!(w > 0)) lauxlib.luaL_argerror(L, farg + 1, 'width must be positive')
    if (f + w > 32) raise(host.f, L, 'trying to access non-existent bits')
    return [f, w]
  }
  const mask = (w: number) => (w === 32 ? 0xffffffff : 2 ** w - 1)
  return {
    arshift: (L) => {
      const r = u(L, 1)
      const i = lauxlib.luaL_checkinteger(L, 2)
      if (i < 0 || !(r & 0x80000000)) return shift(L, r, -i)
      return push(L, i >= 32 ? 0xffffffff : r >> i)
    },
    band: (L) =>
      push(
        L,
        fold(L, 0xffffffff, (a, b) => a & b),
      ),
    bnot: (L) => push(L, ~u(L, 1)),
    bor: (L) =>
      push(
        L,
        fold(L, 0, (a, b) => a | b),
      ),
    bxor: (L) =>
      push(
        L,
        fold(L, 0, (a, b) => a ^ b),
      ),
    btest: (L) => {
      lua.lua_pushboolean(L, fold(L, 0xffffffff, (a, b) => a & b) !== 0)
      return 1
    },
    extract: (L) => {
      const r = u(L, 1)
      const [f, w] = field(L, 2)
      return push(L, Math.floor(r / 2 ** f) % (mask(w) + 1))
    },
    lrotate: (L) => rotate(L, lauxlib.luaL_checkinteger(L, 2)),
    lshift: (L) => shift(L, u(L, 1), lauxlib.luaL_checkinteger(L, 2)),
    replace: (L) => {
      const r = u(L, 1)
      const v = u(L, 2)
      const [f, w] = field(L, 3)
      const m = mask(w)
      const cleared = r - (Math.floor(r / 2 ** f) % (m + 1)) * 2 ** f
      return push(L, cleared + (v % (m + 1)) * 2 ** f)
    },
    rrotate: (L) => rotate(L, -lauxlib.luaL_checkinteger(L, 2)),
    rshift: (L) => shift(L, u(L, 1), -lauxlib.luaL_checkinteger(L, 2)),
  }
}
