/**
 * fengari with Polyhost's exact-integer patches alone (engine-lua's `numberPatches`: integers
 * exact over ±(2^53 − 1), overflow raised, floats printed as C Lua): no sandbox, no hook, no
 * other patch. Set beside raw fengari, it shows what checked integer arithmetic costs by
 * itself. Loaded from engine-lua's build (its modules are not part of the package's API);
 * `load()` resolves to `{ note }` when that build has no such module.
 */
import { fileURLToPath } from 'node:url'

/** @returns {Promise<{ newState(): unknown, run(L: unknown, source: Uint8Array): unknown, closeState(L: unknown): void, luaSource(text: string): Uint8Array } | { note: string }>} */
export async function load() {
  try {
    const dist = new URL('.', import.meta.resolve('@polyhost/engine-lua'))
    const { loadPatchedFengari } = await import(new URL('fengari-loader.js', dist).href)
    const { numberPatches, numberSubstitutes } = await import(new URL('fengari-numbers.js', dist).href)
    // lualib.js (which would pull in io and its Node modules) only for its no-op `lua_assert`, as the engine does
    const substitutes = { ...numberSubstitutes('lua53'), 'lualib.js': { lua_assert: () => undefined } }
    // the patches' one call into the engine's runtime: a long numeral charged as heavy work (no meter here)
    const copy = loadPatchedFengari(numberPatches('lua53'), { scanned: () => undefined }, substitutes)
    const lua = copy.load('lua.js')
    const lauxlib = copy.load('lauxlib.js')
    const { to_luastring } = copy.load('defs.js')
    // the libraries the CPU programs use
    const libs = [
      ['_G', copy.load('lbaselib.js').luaopen_base],
      ['string', copy.load('lstrlib.js').luaopen_string],
      ['table', copy.load('ltablib.js').luaopen_table],
      ['math', copy.load('lmathlib.js').luaopen_math],
    ]
    return {
      newState() {
        const L = lauxlib.luaL_newstate()
        for (const [name, open] of libs) {
          lauxlib.luaL_requiref(L, to_luastring(name), open, 1)
          lua.lua_pop(L, 1)
        }
        return L
      },
      run(L, source) {
        if (lauxlib.luaL_loadstring(L, source) !== lua.LUA_OK || lua.lua_pcall(L, 0, 1, 0) !== lua.LUA_OK) {
          const message = lua.lua_tojsstring(L, -1)
          lua.lua_pop(L, 1)
          throw new Error(message)
        }
        const v = lua.lua_type(L, -1) === lua.LUA_TNUMBER ? lua.lua_tonumber(L, -1) : lua.lua_tojsstring(L, -1)
        lua.lua_pop(L, 1)
        return v
      },
      closeState(L) {
        lua.lua_close(L)
      },
      luaSource: to_luastring,
    }
  } catch (e) {
    return {
      note: `the exact-integer fengari copy could not be loaded from ${fileURLToPath(import.meta.resolve('@polyhost/engine-lua'))}: ${e instanceof Error ? e.message : String(e)}`,
    }
  }
}
