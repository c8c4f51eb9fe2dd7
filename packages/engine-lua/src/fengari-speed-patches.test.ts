import { spawnSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { describe, expect, it, vi } from 'vitest'
import { runRaw } from '../test/harness.js'
import { hasNative } from '../test/native-lua.js'
import { fengari } from './fengari-api.js'
import { FENGARI_SPEED_PATCHES } from './fengari-speed-patches.js'

/** Calls and returns of every shape: fixed, multiple, varargs, tail calls, pcall, coroutines. */
const CALLS = `
local function none() end
local function three() return 1, 2, 3 end
local function va(...) return select('#', ...), ... end
local function tail(n) if n == 0 then return three() end return tail(n - 1) end
local a, b, c, d = three()
local t = { three(), three() }
local n1, x1, x2 = va(nil, nil)
local ok, e = pcall(error, 'boom', 0)
local co = coroutine.wrap(function(...) local x = coroutine.yield(...) return x, 'done' end)
local y1, y2 = co(7, 8)
local z1, z2 = co(9)
local r = { a, b, c, tostring(d), #t, n1, tostring(x1), tostring(x2), tostring((none())), select('#', none()),
  select('#', tail(50)), tostring(ok), e, y1, y2, z1, z2, select('#', va(table.unpack({1, 2, 3, 4, 5}))) }
for i = 1, #r do r[i] = tostring(r[i]) end
return table.concat(r, ',')
`

/**
 * Frames reused after returns, errors and yields: missing arguments and fresh locals must
 * read nil, closures must keep the values their (returned) frames had, upvalues shared by
 * two closures stay shared, and results of every count arrive intact.
 */
const FRAMES = `
local out = {}
local function add(...) for i = 1, select('#', ...) do out[#out + 1] = tostring((select(i, ...))) end end
local function big(a, b, c, d, e, f, g, h) return a, b, c, d, e, f, g, h end
local function few(a, b, c, d, e, f, g, h) return a, b, c, d, e, f, g, h end
add(big(1, 2, 3, 4, 5, 6, 7, 8))
add(few(9))
local function locals() local a, b, c; local t = {} return a, b, c, #t end
add(big('x', 'y', 'z', 'w'))
add(locals())
local makers = {}
for i = 1, 5 do makers[i] = function() return i * 10 end end
local function counter() local n = 0 return function() n = n + 1 return n end, function() return n end end
local inc, get = counter()
big(100, 200, 300, 400, 500, 600, 700, 800)
inc() inc()
add(makers[1](), makers[5](), get())
local function capture(v) local w = v .. '!' return function() return w end end
local c1 = capture('one')
big('a', 'b', 'c', 'd', 'e', 'f', 'g', 'h')
local c2 = capture('two')
add(c1(), c2())
local function boom(v) local kept = v local f = function() return kept end error({ f = f }) end
local ok, e = pcall(boom, 'kept')
big(false, false, false, false, false, false, false, false)
add(ok, e.f())
local function deep(n) if n == 0 then return 'bottom' end local r = deep(n - 1) return r end
add(deep(150), few())
local function tail(n, acc) if n == 0 then return acc end return tail(n - 1, acc + n) end
add(tail(300, 0), few(nil, 2))
local co = coroutine.wrap(function(a) local x = a local f = function() return x end
  local b = coroutine.yield(f) x = b return f end)
local f1 = co(5)
big(0, 0, 0, 0, 0, 0, 0, 0)
local f2 = co(6)
add(f1(), f2(), f1 == f2)
local t = { 5, 3, 9, 1, 7 }
table.sort(t, function(a, b) local x, y = few(a, b) return x < y end)
add(table.concat(t, ','))
add((string.gsub('abc', '%w', function(ch) local u, v = few(ch:upper()) return u .. tostring(v) end)))
local mt = { __index = function(_, k) local a, b = few(k) return a .. tostring(b) end,
  __add = function(a, b) return few(a.v + b.v) end }
local o1, o2 = setmetatable({ v = 1 }, mt), setmetatable({ v = 2 }, mt)
add(o1.key, o1 + o2)
add(select('#', few()), select('#', big(1, nil, 3)), (select(2, pcall(few, nil, 'b'))))
for i = 1, 3 do
  local ok2, msg = pcall(function() local q = i local g = function() return q end error(g, 0) end)
  add(msg(), few())
end
local v = { big(table.unpack({ 1, 2, 3, 4, 5, 6, 7, 8 })) }
add(#v)
return table.concat(out, ' ')
`

/** Strings built piece by piece in a luaL_Buffer: empty, NUL and high bytes, growth past each doubling. */
const BUFFERS = `
local out = {}
local parts = {}
for i = 1, 300 do parts[i] = string.rep(string.char(i % 256), i % 7) .. i end
out[#out + 1] = table.concat(parts, '\\0,')
out[#out + 1] = table.concat(parts, '', 5, 250)
out[#out + 1] = table.concat({}, 'x') .. table.concat({ 'only' }, '--') .. table.concat({ 1, 2.5, 'z' })
out[#out + 1] = string.rep('ab\\255', 700, '|')
out[#out + 1] = string.format('%s|%s|%5s|%-5s|%q', string.rep('y', 5000), '', 'a', 'b', 'q\\0"\\n')
out[#out + 1] = (string.gsub(string.rep('abc', 400), 'b', '%0%0'))
return table.concat(out, '#')
`

const original = createRequire(import.meta.url)('fengari') as {
  to_luastring(s: string, cache?: boolean): Uint8Array
  lua: { lua_tojsstring(L: unknown, i: number): string }
  lauxlib: { luaL_newstate(): unknown; luaL_dostring(L: unknown, s: Uint8Array): number }
  lualib: { luaL_openlibs(L: unknown): void }
}

describe('fengari speed patches', () => {
  it('adjust_top and moveresults pop stack slots without `delete`', () => {
    const require = createRequire(import.meta.url)
    const file = join(dirname(require.resolve('fengari/package.json')), 'src', 'ldo.js')
    let source = readFileSync(file, 'utf8')
    for (const p of FENGARI_SPEED_PATCHES) source = source.replace(p.find, p.replace)
    const body = (name: string) => {
      const at = source.indexOf(`const ${name} = function`)
      return source.slice(at, source.indexOf('\n};', at))
    }
    expect(body('adjust_top')).not.toContain('delete')
    expect(body('moveresults')).not.toContain('delete')
    expect(readFileSync(file, 'utf8')).toContain('delete L.stack[--L.top]') // the unpatched file did
  })

  it.skipIf(!hasNative('lua5.3'))('calls and returns of every shape answer as native Lua 5.3 does', () => {
    const native = spawnSync('lua5.3', ['-e', `io.write((function() ${CALLS} end)())`], { encoding: 'utf8' })
    expect(native.status).toBe(0)
    expect(runRaw(CALLS).values).toEqual([native.stdout])
  })

  it.skipIf(!hasNative('lua5.3'))('reused frames and stack slots: the same answers as native Lua 5.3 and unpatched fengari', () => {
    const native = spawnSync('lua5.3', ['-e', `io.write((function() ${FRAMES} end)())`], { encoding: 'utf8' })
    expect(native.status).toBe(0)
    const { lua, lauxlib, lualib, to_luastring } = original
    const L = lauxlib.luaL_newstate()
    lualib.luaL_openlibs(L)
    expect(lauxlib.luaL_dostring(L, to_luastring(FRAMES))).toBe(0)
    const unpatched = lua.lua_tojsstring(L, -1)
    expect(unpatched).toBe(native.stdout)
    expect(runRaw(FRAMES).values).toEqual([native.stdout])
  })

  it('call frames are reused: a CallInfo per depth, not per call', () => {
    type Ci = { next: Ci | null }
    const f = fengari('lua53')
    const lua = f.lua as unknown as {
      lua_pushjsfunction(L: unknown, fn: () => number): void
      lua_setglobal(L: unknown, name: string): void
      lua_callk(L: unknown, nargs: number, nresults: number, ctx: number, k: null): void
    }
    const lauxlib = f.lauxlib as unknown as { luaL_newstate(): { ci: Ci }; luaL_loadstring(L: unknown, s: Uint8Array): number }
    const L = lauxlib.luaL_newstate()
    lua.lua_pushjsfunction(L, () => 0)
    lua.lua_setglobal(L, 'noop')
    const base = L.ci
    expect(lauxlib.luaL_loadstring(L, f.internal.to_luastring('local function g() noop() end for i = 1, 3 do g() end'))).toBe(0)
    lua.lua_callk(L, 0, 0, 0, null)
    // chunk -> g -> noop: three CallInfos made once and kept for the next calls
    const chain: Ci[] = []
    for (let ci = base.next; ci; ci = ci.next) chain.push(ci)
    expect(chain).toHaveLength(3) // unpatched fengari drops each CallInfo on return: 0
  })

  it('luaS_new copies the bytes it is given (the pushed string does not change with its source)', () => {
    const f = fengari('lua53')
    const lua = f.lua as unknown as {
      lua_pushlstring(L: unknown, s: Uint8Array, n: number): void
      lua_tolstring(L: unknown, i: number): Uint8Array
    }
    const L = f.lauxlib.luaL_newstate()
    for (const bytes of [new Uint8Array(0), Uint8Array.of(0, 255, 10), new Uint8Array(5000).fill(7), Buffer.from('héllo')]) {
      const source = Uint8Array.from(bytes)
      lua.lua_pushlstring(L, source, source.length)
      source.fill(1)
      const pushed = lua.lua_tolstring(L, -1)
      expect(pushed).not.toBe(source)
      expect([...pushed]).toEqual([...bytes])
      expect(Object.getPrototypeOf(pushed)).toBe(Uint8Array.prototype)
    }
  })

  it('to_luastring: ASCII, NUL, Latin-1, BMP, astral, lone surrogates, long strings, cached', () => {
    const corpus = [
      '',
      'a',
      'string.format',
      '\0',
      'a\0b',
      '\x7f',
      '\x80',
      'é',
      'ÿ',
      '€uro',
      'x😀y',
      '\ud83d',
      '\ude00x',
      'a\ud800\ud800b',
      'x'.repeat(100_000),
      `${'y'.repeat(1000)}é`,
      'é'.repeat(1000),
    ]
    for (const numbers of ['lua53', 'lua51'] as const) {
      const patched = fengari(numbers).internal.to_luastring
      for (const s of corpus) {
        const got = patched(s)
        expect(got).toBeInstanceOf(Uint8Array)
        expect([...got]).toEqual([...original.to_luastring(s)])
      }
    }
  })
  it.skipIf(!hasNative('lua5.3'))('strings built in a luaL_Buffer: the same bytes as native Lua 5.3 and unpatched fengari', () => {
    const native = spawnSync('lua5.3', ['-e', `io.write((function() ${BUFFERS} end)())`], { encoding: 'latin1' })
    expect(native.status).toBe(0)
    const { lua, lauxlib, lualib, to_luastring } = original
    const L = lauxlib.luaL_newstate()
    lualib.luaL_openlibs(L)
    expect(lauxlib.luaL_dostring(L, to_luastring(BUFFERS))).toBe(0)
    const unpatched = (lua as unknown as { lua_tolstring(L: unknown, i: number): Uint8Array }).lua_tolstring(L, -1)
    expect(Buffer.from(unpatched).toString('latin1')).toBe(native.stdout)
    const f = fengari('lua53')
    const P = f.lauxlib.luaL_newstate()
    const api = f.lua as unknown as { lua_pushjsfunction(L: unknown, fn: unknown): void; lua_setglobal(L: unknown, name: string): void }
    for (const name of ['base', 'string', 'table'] as const) {
      api.lua_pushjsfunction(P, f.lib[`luaopen_${name}`])
      f.lua.lua_callk(P, 0, 1, 0, null)
      if (name !== 'base') api.lua_setglobal(P, name)
    }
    expect(f.lauxlib.luaL_loadbufferx(P, f.internal.to_luastring(BUFFERS), null, '=b', 't')).toBe(0)
    f.lua.lua_callk(P, 0, 1, 0, null)
    expect(Buffer.from(f.lua.lua_tolstring(P, -1) as Uint8Array).toString('latin1')).toBe(native.stdout)
  })

  it('table.concat adds its pieces without a Uint8Array view per piece', () => {
    const subarray = vi.spyOn(Uint8Array.prototype, 'subarray')
    try {
      const run = runRaw("local t = {} for i = 1, 400 do t[i] = 'piece' .. i end return #table.concat(t, ', ')")
      expect(run.values).toEqual([9 * 6 + 90 * 7 + 301 * 8 + 399 * 2])
      // unpatched: two views per piece and per separator (~1,600)
      expect(subarray.mock.calls.length).toBeLessThan(100)
    } finally {
      subarray.mockRestore()
    }
  })
})
