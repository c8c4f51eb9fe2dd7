import { spawnSync } from 'node:child_process'
import { describe, expect, it, vi } from 'vitest'
import { runRaw } from '../test/harness.js'
import { slot } from './converter.js'
import { fengari, type LuaTable } from './fengari-api.js'
import { hasNative } from '../test/native-lua.js'

// The table patch of fengari-speed-patches.ts: a table's Map of dead keys (keys set to nil,
// kept for next() during a traversal) is cleared only when it holds some.
describe('fengari speed patches: tables', () => {
  it.skipIf(!hasNative('lua5.3'))('new keys after dead ones: traversal and lookups as native Lua 5.3 gives them', () => {
    const DEAD = `
local t, out = {}, {}
for i = 1, 20 do t['k' .. i] = i end
for k, v in pairs(t) do if v % 2 == 0 then t[k] = nil end end
t.k2, t.extra = 'back', 'new'
local n, sum = 0, 0
for k, v in pairs(t) do n = n + 1 if type(v) == 'number' then sum = sum + v end end
return table.concat({ n, sum, tostring(t.k2), tostring(t.k4), t.extra }, ',')`
    const native = spawnSync('lua5.3', ['-e', `io.write((function() ${DEAD} end)())`], { encoding: 'utf8' })
    expect(native.status).toBe(0)
    expect(runRaw(DEAD).values).toEqual([native.stdout])
  })

  it('a new table key does not clear the (empty) Map of dead keys', () => {
    const clear = vi.spyOn(Map.prototype, 'clear')
    try {
      expect(runRaw("local t = {} for i = 1, 200 do t['k' .. i] = i end return #{ 1, 2, 3 }").values).toEqual([3])
      // unpatched: once per new key (~200)
      expect(clear.mock.calls.length).toBeLessThan(20)
    } finally {
      clear.mockRestore()
    }
  })

  it('a table has no Map of dead keys of its own until its first dead key, and keeps its own', () => {
    const fresh = runRaw('a, b = {}, { 1, x = 2 } c = { x = 1 } c.x = nil return 1')
    const { lua } = fengari()
    const table = (name: string): LuaTable => {
      lua.lua_rawgeti(fresh.L, lua.LUA_REGISTRYINDEX, 2) // the globals
      lua.lua_getfield(fresh.L, -1, name)
      return slot(fresh.L, -1).value as LuaTable
    }
    // unpatched: a Map per table (~185 of an empty table's ~510 bytes in V8)
    expect(table('a').dead_strong).toBe(table('b').dead_strong)
    expect(table('a').dead_strong.size).toBe(0)
    expect(table('c').dead_strong).not.toBe(table('a').dead_strong)
    expect(table('c').dead_strong.size).toBe(1)
    // dead string keys of one table are its own: another table's traversal never sees them
    const r = runRaw(`
local a, b = { x = 1, y = 2 }, { x = 3 }
a.x = nil
local k = next(a)
b.z = 4 b.x = nil
local keys = {}
for key in pairs(b) do keys[#keys + 1] = key end
return k, #keys, keys[1], next(a, 'y')`)
    expect(r.values).toEqual(['y', 1, 'z', null])
  })
})
