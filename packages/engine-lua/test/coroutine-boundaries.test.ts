import { describe, expect, it } from 'vitest'
import { hasNative, iife } from './native-lua.js'
import { numberHosts } from './number-hosts.js'

// Where a coroutine may yield, against native Lua in the same run. Lua 5.3 continues a yield
// through pcall, metamethods and iterators and refuses it inside host functions that cannot
// continue (sort, gsub, tostring, require); Lua 5.1 (`numbers: 'lua51'`, Redis scripts)
// refuses it through anything but plain calls from Lua code. Also math.randomseed's argument.
const { agrees, lua } = numberHosts()

/** Resumes a coroutine running `body` and gives every result of the resume as one string. */
const resumed = (body: string) =>
  iife(
    'local function S(...) local t = {} for i = 1, select("#", ...) do t[i] = tostring((select(i, ...))) end ' +
      'return (table.concat(t, " "):gsub("table: [%w]+", "table")) end ' +
      `local co = coroutine.create(function() ${body} end) return S(coroutine.resume(co))`,
  )

const CASES = [
  "local function g() return coroutine.yield('deep') end return g()",
  "return coroutine.yield('tail')",
  "return pcall(coroutine.yield, 'y')",
  "return pcall(function() return coroutine.yield('in pcall') end)",
  'return xpcall(function() coroutine.yield(1) end, function(m) return "handled" end)',
  "return setmetatable({}, {__index = function() return coroutine.yield('i') end}).x",
  'return type(setmetatable({}, {__index = coroutine.yield}).x)',
  "for k in function() return coroutine.yield('it') end do end",
  "for k, v in pairs({1}) do coroutine.yield('in loop') end",
  'local m = {__eq = function() coroutine.yield(1) return true end} return setmetatable({}, m) == setmetatable({}, m)',
  "return setmetatable({}, {__add = function() return coroutine.yield('a') end}) + 1",
  "return setmetatable({}, {__concat = function() return coroutine.yield('c') end}) .. 'x'",
  "setmetatable({}, {__newindex = function() coroutine.yield('n') end}).x = 1",
  "return setmetatable({}, {__call = function(_, v) return coroutine.yield(v) end})('call')",
  "table.sort({3, 2, 1}, function(a, b) coroutine.yield('s') return a < b end)",
  "return string.gsub('ab', '.', function(c) coroutine.yield(c) end)",
  "return tostring(setmetatable({}, {__tostring = function() coroutine.yield('t') return 'x' end}))",
  "package.preload.m = function() coroutine.yield('from require') return 1 end return require('m')",
  "local w = coroutine.wrap(function() coroutine.yield('inner') end) return w()",
]

describe.skipIf(!hasNative('lua5.3') || !hasNative('lua5.1'))('coroutine yields across calls, against native Lua', () => {
  it('Lua 5.3: yields pass pcall, metamethods and iterators; host functions that cannot continue refuse them', async () => {
    await agrees(CASES.map(resumed), 'lua53')
  })

  it("Lua 5.1: only plain calls from Lua code pass a yield ('attempt to yield across metamethod/C-call boundary')", async () => {
    await agrees(CASES.map(resumed), 'lua51')
  })

  it('math.randomseed takes a number (or a numeric string), nothing else', async () => {
    const cases = ['', "'x'", '{}', 'nil', "'12'", '7', '2^40']
    for (const mode of ['lua53', 'lua51'] as const) {
      await agrees(
        cases.map((a) => iife(`return P(pcall(math.randomseed${a === '' ? '' : `, ${a}`}))`)),
        mode,
      )
    }
  })

  it('a busy module body is still time-sliced while its yields are refused', async () => {
    let ticks = 0
    const timer = setInterval(() => ticks++, 1)
    try {
      const r = await lua(
        "package.preload.m = function() local t = os.clock() while os.clock() - t < 0.15 do end return 'done' end return require('m')",
      )
      expect(r.value).toBe('done')
    } finally {
      clearInterval(timer)
    }
    expect(ticks).toBeGreaterThan(3)
  })
})
