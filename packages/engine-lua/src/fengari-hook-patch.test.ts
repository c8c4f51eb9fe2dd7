import { createRequire } from 'node:module'
import { describe, expect, it } from 'vitest'
import { fengari } from './fengari-api.js'

// The speed patch that counts a count hook down in the VM loop (fengari-speed-patches.ts,
// lvm.js) instead of calling luaG_traceexec before every instruction: the hooks must fire
// at exactly the instructions and lines they fired at in unpatched fengari.

/** Calls, returns, loops, errors, coroutines and metamethods: many lines and instructions. */
const PROGRAM = `
local out = {}
local function add(v) out[#out + 1] = tostring(v) end
local function fib(n) if n < 2 then return n end return fib(n - 1) + fib(n - 2) end
add(fib(16))
for i = 1, 30 do if i % 7 == 0 then add(i) end end
local ok, e = pcall(function() local t = nil return t.x end)
add(ok)
local co = coroutine.wrap(function(a) local b = coroutine.yield(a + 1) return b * 2 end)
add(co(1)) add(co(5))
local mt = { __add = function(a, b) return a.v + b.v end, __index = function(_, k) return k .. '!' end }
local x, y = setmetatable({ v = 2 }, mt), setmetatable({ v = 3 }, mt)
add(x + y) add(x.key)
local s = 0
local i = 0
while i < 50 do i = i + 1 s = s + (i % 3 == 0 and i or 0) end
add(s)
table.sort(out)
return table.concat(out, ',')
`

type Hook = (L: unknown, ar: { event: number; currentline: number }) => void
interface Api {
  lua: {
    lua_sethook(L: unknown, f: Hook, mask: number, n: number): void
    lua_getinfo(L: unknown, what: Uint8Array, ar: unknown): number
    lua_callk(L: unknown, a: number, b: number, c: number, k: null): void
    lua_tojsstring(L: unknown, i: number): string
  }
  lauxlib: { luaL_newstate(): unknown; luaL_loadstring(L: unknown, s: Uint8Array): number }
}

const original = createRequire(import.meta.url)('fengari') as Api & {
  to_luastring(s: string): Uint8Array
  lualib: { luaL_openlibs(L: unknown): void }
  lua: { LUA_MASKCOUNT: number; LUA_MASKLINE: number }
}

/** Every hook call as `event:line`, and the program's result. */
function trace(api: Api, toLua: (s: string) => Uint8Array, L: unknown, mask: number, count: number): [string[], string] {
  const { lua, lauxlib } = api
  const events: string[] = []
  const hook: Hook = (H, ar) => {
    lua.lua_getinfo(H, toLua('l'), ar)
    events.push(`${ar.event}:${ar.currentline}`)
  }
  lua.lua_sethook(L, hook, mask, count)
  expect(lauxlib.luaL_loadstring(L, toLua(PROGRAM))).toBe(0)
  lua.lua_callk(L, 0, 1, 0, null)
  return [events, lua.lua_tojsstring(L, -1)]
}

function patchedState(): unknown {
  const { lua, lauxlib, lib } = fengari('lua53')
  const L = lauxlib.luaL_newstate()
  lua.lua_rawgeti(L, lua.LUA_REGISTRYINDEX, 2)
  lua.lua_pushjsfunction(L, lib.luaopen_base)
  lua.lua_callk(L, 0, 0, 0, null)
  for (const name of ['string', 'table', 'math', 'coroutine'] as const) {
    lua.lua_pushjsfunction(L, lib[`luaopen_${name}`])
    lua.lua_callk(L, 0, 1, 0, null)
    lua.lua_setfield(L, 1, name)
  }
  lua.lua_settop(L, 0)
  return L
}

describe('count hook counted down in the VM loop', () => {
  const { LUA_MASKCOUNT, LUA_MASKLINE } = original.lua
  const cases = [
    ['count 1', LUA_MASKCOUNT, 1],
    ['count 2', LUA_MASKCOUNT, 2],
    ['count 7', LUA_MASKCOUNT, 7],
    ['count 1000', LUA_MASKCOUNT, 1000],
    ['line', LUA_MASKLINE, 0],
    ['line and count 3', LUA_MASKCOUNT | LUA_MASKLINE, 3],
  ] as const
  for (const [name, mask, count] of cases) {
    it(`${name}: the same hook calls, at the same lines, as unpatched fengari`, () => {
      const L0 = original.lauxlib.luaL_newstate()
      original.lualib.luaL_openlibs(L0)
      const want = trace(original, original.to_luastring, L0, mask, count)
      const f = fengari('lua53')
      const got = trace(f as unknown as Api, f.internal.to_luastring, patchedState(), mask, count)
      expect(want[0].length).toBeGreaterThan(10)
      expect(got).toEqual(want)
    })
  }
})
