import { describe, it } from 'vitest'
import { allResults as all, hasNative, iife, prng } from './native-lua.js'
import { numberHosts } from './number-hosts.js'

// lua51-vm-patches.ts, lua51-sort-patches.ts, lua51-error-patches.ts and the 5.1 constant
// patches of number-patches-parser.ts, each expression compared with native lua5.1 in the same run.
const { agrees } = numberHosts()

describe.skipIf(!hasNative('lua5.1'))("'lua51' VM rules against native lua5.1", () => {
  it('metamethods: __lt/__le/__eq need one shared metamethod, __len is not for tables, tostring returns any value', async () => {
    await agrees(
      [
        iife('local t = setmetatable({1,2}, {__len = function() return 42 end}) return #t'),
        iife('local a = setmetatable({}, {__len = function(...) return select("#", ...) end}) return #a, table.getn(a)'),
        iife('return tostring(setmetatable({}, {__tostring = function() return 42 end}))'),
        iife('return type(tostring(setmetatable({}, {__tostring = function() return {} end})))'),
        iife('return tostring(setmetatable({}, {__tostring = function() return nil end}))'),
        iife(
          'local a, b = setmetatable({}, {__lt = function() return true end}), setmetatable({}, {__lt = function() return false end}) return P(pcall(function() return a < b end))',
        ),
        iife(
          'local f = function() return true end local a, b = setmetatable({}, {__lt = f}), setmetatable({}, {__lt = f}) return a < b, a > b',
        ),
        iife('local a = setmetatable({}, {__lt = function() return true end}) return P(pcall(function() return a < 1 end))'),
        iife('local a = setmetatable({}, {__lt = function() return true end}) return P(pcall(function() return 1 < a end))'),
        iife("local a = setmetatable({}, {__lt = function() return true end}) return P(pcall(function() return a < 'x' end))"),
        iife(
          'local mt = {__lt = function(x, y) return false end} local a, b = setmetatable({}, mt), setmetatable({}, mt) return a <= b, a >= b',
        ),
        iife('local mt = {__le = function() return 1 end} local a, b = setmetatable({}, mt), setmetatable({}, mt) return a <= b, a >= b'),
        iife('local a = setmetatable({}, {__le = function() return nil end}) return P(pcall(function() return a <= 1 end))'),
        iife(
          'local a, b = setmetatable({}, {__eq = function() return true end}), setmetatable({}, {__eq = function() return true end}) return a == b',
        ),
        iife('local f = function() return true end return setmetatable({}, {__eq = f}) == setmetatable({}, {__eq = f})'),
        iife('local a = setmetatable({}, {__eq = function() return true end}) return a == 1, a == {}, {} == a'),
        iife('local a = setmetatable({}, {__eq = function() return true end}) local b = setmetatable({}, {}) return a == b, b == a'),
        iife('return P(pcall(function() return {} < {} end))'),
        iife("return P(pcall(function() return 1 < 'x' end))"),
        iife('local t = setmetatable({}, {__name = "My"}) return P(pcall(function() return t < 1 end))'),
      ],
      'lua51',
    )
  })

  it('newproxy makes userdata with a new or shared metatable', async () => {
    await agrees(
      [
        iife('local u = newproxy(true) return type(u), type(getmetatable(u))'),
        iife('local u = newproxy() return type(u), getmetatable(u), type(newproxy(false)), getmetatable(newproxy(nil))'),
        iife('local u = newproxy(true) local v = newproxy(u) return getmetatable(u) == getmetatable(v), u == v'),
        iife('return P(pcall(newproxy, setmetatable({}, {})))'),
        iife('return P(pcall(newproxy, 1))'),
        iife("local u = newproxy(true) getmetatable(u).__index = function(_, k) return k .. '!' end return u.x"),
        iife('local u = newproxy(true) getmetatable(u).__len = function(...) return select("#", ...) end return #u'),
        iife('local u = newproxy(true) return P(pcall(function() return u.x end))'),
      ],
      'lua51',
    )
  })

  it('runtime and syntax errors are worded as in 5.1', async () => {
    await agrees(
      [
        '#math.pi',
        "-' '",
        iife('local function f() return ({}):len() end return f()'),
        iife('local t = {} return t.x.y'),
        iife('local t = {} return t.x + 1'),
        iife('return undefinedglobal()'),
        iife('local s = "x" return s + 1'),
        iife('local up = nil local function f() return up.x end return f()'),
        iife('return ("x")()'),
        iife('return {} .. "x"'),
        iife('local a = setmetatable({}, {__name = "My"}) return a + 1'),
        all("loadstring('return (')"),
        all("loadstring('x = ')"),
        all("loadstring('for')"),
        all("loadstring('local function end')"),
        all("loadstring('f(')"),
        all("loadstring('if x then')"),
        all("loadstring('x = \"abc')"),
        all("loadstring('x = }')"),
        all("loadstring('return 1 ..')"),
        all("loadstring('x x', 'chunk')"),
        all("loadstring('f() = 1')"),
        all("loadstring('x.y')"),
        iife('return P(pcall(string.rep))'),
        iife('return P(pcall(table.concat, {{}}))'),
        iife('return P(pcall(newproxy, {}))'),
        'string.rep()',
        "('x'):rep('y')",
        'loadstring(nil)',
        all('loadstring(12)'),
        all("loadstring('return 5', 'name')()"),
        'loadstring({})',
        "loadstring('return 1', {})",
      ],
      'lua51',
    )
  })

  it('0 and -0 are one number constant of a function, the first one wins (generated)', async () => {
    const exprs = [
      iife('return tostring(-0.0), tostring(0)'),
      iife('local z = 0 return tostring(-0.0)'),
      iife('return tostring(math.max(-0, 1/0))'),
      iife('local x = 0 local function f() return tostring(-0.0) end return f(), tostring(-0.0), tostring(-1*0)'),
    ]
    const atoms = [
      '0',
      '-0',
      '0.0',
      '-0.0',
      '1',
      '0*-1',
      '-(0)',
      '(-0)^1',
      '1/0',
      '1/-0',
      '-1*0',
      '2-2',
      '-(2-2)',
      '0e5',
      '-0e5',
      '0x0',
      'x',
      '-x',
      '0-0',
      '-0-0',
    ]
    const rnd = prng(5)
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)] as T
    const expr = (d: number): string =>
      d > 1 || rnd() < 0.5 ? pick(atoms) : `(${expr(d + 1)} ${pick(['+', '-', '*', '/'])} ${expr(d + 1)})`
    for (let i = 0; i < 250; i++) {
      const es = Array.from({ length: 1 + Math.floor(rnd() * 4) }, () => `tostring(${expr(0)})`)
      const pre = pick(['', 'local x = 0 ', 'local x = -0 ', 'local x = 1 ', 'local function g() return -0 end '])
      const nested = rnd() < 0.3 ? `local function f() return ${es[0]} end ` : ''
      exprs.push(iife(`${pre}${nested}return ${nested ? 'f(), ' : ''}${es.join(', ')}`))
    }
    await agrees(exprs, 'lua51')
  }, 60_000)

  it("table.sort is 5.1's auxsort: the same permutation or error for inconsistent comparators (generated)", async () => {
    const comps = [
      'nil',
      'function(a,b) return a<b end',
      'function(a,b) return a<=b end',
      'function(a,b) return a>=b end',
      'function(a,b) return true end',
      'function(a,b) return false end',
      'function(a,b) return (a+b)%3==0 end',
      'function(a,b) return a%2<b%2 end',
    ]
    const rnd = prng(11)
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)] as T
    const exprs: string[] = [
      iife("local t = {3,1,'x'} return P(pcall(table.sort, t))"),
      iife('local t = setmetatable({3,1,2}, {__index = function() return 0 end}) table.sort(t) return t[1], t[2], t[3], t[4]'),
    ]
    for (let i = 0; i < 400; i++) {
      const n = pick([2, 3, 4, 5, 7, 8, 12, 20, 33, 60])
      const top = pick([1, 3, 10, 100])
      const vals = Array.from({ length: n }, () => Math.floor(rnd() * (top + 1)))
      exprs.push(
        iife(`local t = {${vals.join(',')}} local ok, e = P(pcall(table.sort, t, ${pick(comps)})) return ok and table.concat(t, ',') or e`),
      )
    }
    await agrees(exprs, 'lua51')
  }, 60_000)
})
