import type { LimitExceededError } from '@polyhost/core'
import { describe, expect, it } from 'vitest'
import { makeExecution, runRaw } from '../test/harness.js'
import { LuaCompiler } from './compiler.js'
import { slot } from './converter.js'
import { fengari, type LuaTable } from './fengari-api.js'
import { FENGARI_PATCHES } from './fengari-guards.js'
import { loadPatchedFengari } from './fengari-loader.js'
import { FROZEN } from './guard-runtime.js'
import { reachableBytes } from './memory-walk.js'

const tripped = (r: ReturnType<typeof runRaw>) => r.execution.fatal as LimitExceededError | undefined

describe('fengari guards', () => {
  it('every patch applies exactly once to fengari 0.1.5', () => {
    expect(() => fengari()).not.toThrow()
    expect(FENGARI_PATCHES.length).toBeGreaterThan(20)
  })

  it('a patch that does not match fails loudly instead of running unguarded', () => {
    const bad = [{ file: 'lvm.js', find: 'no such text', replace: '', why: 'test' }]
    expect(() => loadPatchedFengari(bad, {}).load('lvm.js')).toThrow(/exactly one match/)
  })

  it('string keys: distinct byte strings are distinct keys, compare in byte order, and long keys hash fast', () => {
    const r = runRaw(
      'local t = {} t["\\1\\1"] = 1 t["\\17"] = 2 return t["\\1\\1"], t["\\17"], "\\2" < "\\16", "\\255" > "\\1", "a" < "ab"',
    )
    expect(r.values).toEqual([1, 2, true, true, true])
    const started = performance.now()
    const big = runRaw('local s = string.rep("k", 16 * 1024 * 1024) local t = {} t[s] = 1 return t[s]')
    expect(big.values).toEqual([1])
    expect(performance.now() - started).toBeLessThan(3000)
  })

  it('memory: every created string is accounted', () => {
    const r = runRaw('local t = {} for i = 1, 1e6 do t[i] = string.rep("x", 100) .. i end', { memoryBytes: 1 << 20 })
    expect(tripped(r)?.limit).toBe('memory')
  })

  it('memory: a .. b is checked before its buffer is allocated', () => {
    const r = runRaw('local s = string.rep("x", 600000) local t = s .. s return #t', { memoryBytes: 1 << 20 })
    const e = tripped(r)
    expect(e?.limit).toBe('memory')
    expect(e?.used).toBeGreaterThan(1_200_000) // what was asked for, not what was allocated
  })

  it('memory: luaL_Buffer growth (string.rep, table.concat, format) is checked before allocating', () => {
    const started = performance.now()
    expect(tripped(runRaw('return #string.rep("x", 2^30)', { memoryBytes: 1 << 20 }))?.limit).toBe('memory')
    expect(performance.now() - started).toBeLessThan(2000)
    const concat =
      'local t = {} for i = 1, 64 do t[i] = string.rep("y", 10000) end local a = table.concat(t) local b = table.concat({a, a, a}) return #b'
    expect(tripped(runRaw(concat, { memoryBytes: 1 << 20 }))?.limit).toBe('memory')
    expect(
      tripped(runRaw('local s = string.rep("z", 400000) return #string.format("%s%s%s", s, s, s)', { memoryBytes: 1 << 20 }))?.limit,
    ).toBe('memory')
  })

  it('memory: closures are accounted when created (a chain of closures allocates nothing else)', () => {
    const chain = 'local f = function() return 0 end while true do local g = f f = function() return g() end end'
    expect(tripped(runRaw(chain, { memoryBytes: 1 << 20 }))?.limit).toBe('memory')
    // closures that become garbage are not charged for long: the walk finds them unreachable
    const garbage = 'local keep = {} for i = 1, 1e6 do local x = i keep[i % 8 + 1] = function() return x end end return #keep'
    const r = runRaw(garbage, { memoryBytes: 1 << 20 })
    expect([tripped(r), r.values]).toEqual([undefined, [8]])
  })

  it('memory: table growth and stack growth are accounted', () => {
    expect(tripped(runRaw('local t = {} for i = 1, 1e6 do t[i] = true end', { memoryBytes: 1 << 20 }))?.limit).toBe('memory')
    expect(tripped(runRaw('return select("#", string.byte(string.rep("x", 500000), 1, -1))', { memoryBytes: 1 << 20 }))?.limit).toBe(
      'memory',
    )
  })

  it('memory: deleted object keys (kept in a WeakMap until the next insertion) are counted', () => {
    const src = `local ks = {} for _, v in pairs(string) do ks[#ks + 1] = v end
      local keep = {}
      for i = 1, 400 do
        local t = {} for j = 1, #ks do t[ks[j]] = true end for j = 1, #ks do t[ks[j]] = nil end keep[i] = t
      end`
    expect(tripped(runRaw(src, { memoryBytes: 1 << 20 }))?.limit).toBe('memory')
    // the next insertion drops them, and the count with them
    const dropped = src.replace('keep[i] = t', 't[1] = 1 keep[i] = t')
    expect(runRaw(dropped, { memoryBytes: 1 << 20 }).ok).toBe(true)
  })

  it('memory: garbage is not held against the script (only what stays reachable counts)', () => {
    const r = runRaw('local n = 0 for i = 1, 2000 do local s = string.rep("x", 10000) .. i n = n + #s end return n', {
      memoryBytes: 1 << 20,
    })
    expect(r.ok).toBe(true)
  })

  it('read-only tables refuse every write path; reads still work', () => {
    const setup = (L: Parameters<NonNullable<Parameters<typeof runRaw>[2]>>[0]) => {
      const { lua } = fengari()
      lua.lua_rawgeti(L, lua.LUA_REGISTRYINDEX, 2)
      lua.lua_createtable(L, 0, 0)
      lua.lua_pushinteger(L, 7)
      lua.lua_setfield(L, -2, 'seven')
      ;(L.stack[L.top - 1] as { value: LuaTable }).value.polyhost = FROZEN
      lua.lua_setfield(L, -2, 'ro')
    }
    const writes = [
      'ro.x = 1',
      'ro[1] = 1',
      'rawset(ro, "x", 1)',
      'table.insert(ro, 1)',
      'setmetatable(ro, {})',
      'ro.seven = 8',
      'table.move({1, 2}, 1, 2, 1, ro)',
    ]
    for (const w of writes) {
      const r = runRaw(`local ok, e = pcall(function() ${w} end) return ok, e, ro.seven`, {}, setup)
      expect(r.values[0], w).toBe(false)
      expect(String(r.values[1]), w).toMatch(/attempt to modify a read-only table/)
      expect(r.values[2]).toBe(7)
    }
  })

  it('lua_pcallk sets CIST_OAH: hooks keep firing after an error caught inside a coroutine', () => {
    const r = runRaw('local co = coroutine.wrap(function() pcall(error, "x") while true do end end) co()', { instructions: 100_000 })
    expect(tripped(r)?.limit).toBe('instructions')
  })

  it('call depth is limited per coroutine', () => {
    const r = runRaw('local function f(n) return 1 + f(n + 1) end return f(1)', { stackDepth: 50 })
    const e = tripped(r)
    expect(e?.limit).toBe('stack')
    expect(e?.used).toBe(51)
    expect(
      runRaw('local function f(n) if n == 0 then return 0 end return 1 + f(n - 1) end return f(40)', { stackDepth: 50 }).values,
    ).toEqual([40])
  })

  it('closures are cached as in C Lua 5.3 (f() == f() unless an upvalue is fresh), in the state and not the prototype', () => {
    expect(runRaw('local function mk() return function() return math end end return mk() == mk()').values).toEqual([true])
    const loop = 'local a = {} for i = 1, 3 do a[i] = function() return i end end return a[1] == a[2], a[1]() + a[2]() + a[3]()'
    expect(runRaw(loop).values).toEqual([false, 6])
    // one compiled prototype, two states: each state makes (and caches) its own closure
    const f = fengari()
    const compiler = new LuaCompiler(f)
    const proto = compiler.compile('local function mk() return function() return 1 end end return mk(), mk()', 'shared.lua')
    const made = [f.lauxlib.luaL_newstate(), f.lauxlib.luaL_newstate()].map((L) => {
      compiler.instantiate(L, proto)
      f.lua.lua_callk(L, 0, 2, 0, null)
      return [slot(L, 1).value, slot(L, 2).value]
    })
    expect(made[0]?.[0]).toBe(made[0]?.[1])
    expect(made[1]?.[0]).toBe(made[1]?.[1])
    expect(made[0]?.[0]).not.toBe(made[1]?.[0])
    const inner = proto.p[0]?.p[0] as { cache?: unknown } | undefined
    expect(inner?.cache).toBeNull()
  })

  it("a memory walk empties the closure cache, as C Lua's collector clears Proto.cache", () => {
    // the walk does not count what only the cache holds: a closure the script dropped (and
    // the values of its upvalues) must not stay alive through the cache past the walk
    const f = fengari()
    const compiler = new LuaCompiler(f)
    const L = f.lauxlib.luaL_newstate()
    compiler.instantiate(L, compiler.compile('local function mk() return function() return 1 end end return mk()', 'walk.lua'))
    f.lua.lua_callk(L, 0, 1, 0, null)
    const closure = slot(L, 1).value as { p: object }
    expect(L.l_G.closures.get(closure.p)).toBe(closure)
    reachableBytes(L.l_G)
    expect(L.l_G.closures.get(closure.p)).toBeUndefined()
  })

  it('pattern matching counts steps: a backtracking bomb trips the instruction limit', () => {
    const r = runRaw('return string.find(string.rep("a", 5000), ".-.-.-b")', { instructions: 200_000 })
    const e = tripped(r)
    expect(e?.limit).toBe('instructions')
    expect(e?.used).toBeLessThanOrEqual(200_001)
  })

  it('pattern matching: greedy scans and %b count steps too', () => {
    expect(tripped(runRaw('return string.find(string.rep("a", 3000), "a*a*a*b")', { instructions: 100_000 }))?.limit).toBe('instructions')
    expect(
      tripped(runRaw('local s = string.rep("(", 200000) for i = 1, 100 do string.find(s, "%b()") end', { instructions: 100_000 }))?.limit,
    ).toBe('instructions')
  })

  it('plain find is correct and linear', () => {
    expect(runRaw('return string.find("hello world", "o w", 1, true)').values).toEqual([5, 7])
    expect(runRaw('return string.find("aaa", "", 2, true)').values).toEqual([2, 1])
    expect(runRaw('return string.find("abc", "d", 1, true)').values).toEqual([null])
    const started = performance.now()
    runRaw('return string.find(string.rep("a", 1000000), string.rep("a", 1000) .. "b", 1, true)')
    expect(performance.now() - started).toBeLessThan(3000)
  })

  it('string.rep of an empty string returns at once', () => {
    const started = performance.now()
    expect(runRaw('return string.rep("", 2147483647), string.rep("", 1e9, "")').values).toEqual(['', ''])
    expect(performance.now() - started).toBeLessThan(1000)
  })

  it('table.sort, insert, remove, move and concat count their steps', () => {
    const big = 'local t = {} for i = 1, 30000 do t[i] = (i * 7919) % 30011 end '
    const cases = [
      `${big} table.sort(t)`,
      `${big} for i = 1, 100 do table.insert(t, 1, 0) end`,
      `${big} for i = 1, 100 do table.remove(t, 1) end`,
      'table.move({}, 1, 2147483000, 1)',
      `${big} for i = 1, 100 do table.concat(t, ",") end`,
    ]
    for (const c of cases) expect(tripped(runRaw(c, { instructions: 300_000 }))?.limit, c).toBe('instructions')
  })

  it('the lexer counts tokens: load() of a huge chunk is bounded', () => {
    const r = runRaw('local f = load(string.rep("a = 1 ", 200000)) return 1', { instructions: 100_000 })
    expect(tripped(r)?.limit).toBe('instructions')
  })

  it('os never defines exit, execute, getenv, remove, rename or tmpname', () => {
    const { lua, lib } = fengari()
    const r = runRaw('return 1', {}, (L) => {
      lua.lua_rawgeti(L, lua.LUA_REGISTRYINDEX, 2)
      lua.lua_pushjsfunction(L, lib.luaopen_os)
      lua.lua_callk(L, 0, 1, 0, null)
      lua.lua_setfield(L, -2, 'os')
    })
    expect(r.ok).toBe(true)
    const names = runRaw('local n = {} for k in pairs(os) do n[#n + 1] = k end table.sort(n) return table.concat(n, ",")', {}, (L) => {
      lua.lua_rawgeti(L, lua.LUA_REGISTRYINDEX, 2)
      lua.lua_pushjsfunction(L, lib.luaopen_os)
      lua.lua_callk(L, 0, 1, 0, null)
      lua.lua_setfield(L, -2, 'os')
    })
    expect(names.values).toEqual(['clock,date,difftime,setlocale,time'])
  })

  it('lualib.js is substituted: io, debug, package and the interop library never load', () => {
    const loader = loadPatchedFengari([], {}, { 'lualib.js': { marker: true } })
    expect(loader.load('lualib.js')).toEqual({ marker: true })
  })

  it('timeouts are noticed inside long builtins', () => {
    const execution = makeExecution()
    expect(execution.fatal).toBeUndefined()
    const r = runRaw('local s = string.rep("a", 30000) return string.find(s, ".-.-.-b")', { timeoutMs: 100 })
    expect(tripped(r)?.limit).toBe('timeout')
  })
})
