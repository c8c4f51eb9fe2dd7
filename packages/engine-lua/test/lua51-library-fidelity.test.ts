import { describe, expect, it } from 'vitest'
import { allResults, hasNative, iife } from './native-lua.js'
import { numberHosts } from './number-hosts.js'

// Library behaviour of `numbers: 'lua51'` that generated programs found apart from native
// lua5.1 (each expected answer comes from native Lua in the same run): the table library's raw
// access, math.atan's one argument, NaN signs through math.modf/frexp/log10, assert's message,
// math.random's C int limits, and 5.1's wording where it differs. The last group is 5.3's.
const { agrees } = numberHosts()

/** A table whose metamethods would show any non-raw access: __index, __newindex and __len. */
const META = [
  "setmetatable({1, 2}, {__index = function(t, k) return 'i' .. tostring(k) end,",
  "__newindex = function(t, k, v) rawset(t, k, 'n' .. tostring(v)) end, __len = function() return 4 end})",
].join(' ')

describe.skipIf(!hasNative('lua5.1'))('Lua 5.1 library against native lua5.1', () => {
  it('the table library reads and writes raw, takes tables only and ignores __len', async () => {
    await agrees(
      [
        iife(`local T = ${META} return unpack(T, 1, 4)`),
        iife(`local T = ${META} return unpack(T)`),
        iife(`local T = ${META} return P(pcall(table.concat, T, ',', 1, 4))`),
        iife(`local T = ${META} table.insert(T, 'x') return rawget(T, 3), rawget(T, 5), #T`),
        iife(`local T = ${META} table.insert(T, 1, 'x') return rawget(T, 1), rawget(T, 2), rawget(T, 3)`),
        iife(`local T = ${META} return table.remove(T, 1), rawget(T, 1), rawget(T, 2)`),
        iife(`local T = ${META} return table.getn(T), table.maxn(T)`),
        iife(`return P(pcall(unpack, 'abc'))`),
        iife(`return P(pcall(unpack, 'abc', 1, 2))`),
        iife(`return P(pcall(unpack))`),
        iife(`return P(pcall(unpack, nil, 1, 2))`),
        iife(`return P(pcall(unpack, 5, 'x'))`),
        iife(`return P(pcall(table.concat, 'abc'))`),
        iife(`return P(pcall(table.insert, 'abc', 1))`),
        iife(`return P(pcall(table.remove, setmetatable({}, {__len = function() return 2 end})))`),
      ],
      'lua51',
    )
  })

  it('resuming a coroutine that is not suspended names its status (5.3 says "non-suspended")', async () => {
    const self = 'local co co = coroutine.create(function() return coroutine.resume(co) end)'
    await agrees(
      [
        iife(`${self} return coroutine.resume(co)`),
        iife(`${self} coroutine.resume(co) return coroutine.resume(co)`),
        iife(
          'local outer outer = coroutine.create(function() ' +
            'local inner = coroutine.create(function() return coroutine.resume(outer) end) return coroutine.resume(inner) end) ' +
            'return coroutine.resume(outer)',
        ),
        iife(
          "local e = coroutine.create(function() error('x', 0) end) coroutine.resume(e) return coroutine.resume(e), coroutine.status(e)",
        ),
        iife('local f f = coroutine.wrap(function() return f() end) return P(pcall(f))'),
        iife('local g = coroutine.wrap(function() return 1 end) g() return P(pcall(g))'),
        iife(
          'local s = coroutine.create(function() coroutine.yield(coroutine.status(coroutine.running())) end) ' +
            'return coroutine.status(s), select(2, coroutine.resume(s)), coroutine.status(s), coroutine.resume(s), coroutine.status(s)',
        ),
      ],
      'lua51',
    )
  })

  it("ipairs' iterator reads its control as a C int, checks the table after it, reads raw and returns no value at the end", async () => {
    const controls = [
      '0',
      '5',
      '2^32',
      '2^32 + 1',
      '2^52',
      '2^53 - 1',
      '2^53',
      '1/0',
      '-1/0',
      '0/0',
      '-1.5',
      '2.7',
      '2^31 - 1',
      '-2^31 - 1',
      "'1'",
    ]
    const T = "{'a', 'b', [0] = 'z', [2^31] = 'big', [-2^31] = 'low', [2^52 + 1] = 'x', [3.5] = 'f'}"
    await agrees(
      [
        ...controls.map((c) => iife(`local f = ipairs({}) return P(pcall(f, ${T}, ${c}))`)),
        iife("local f = ipairs({}) return P(pcall(f, 5, 'x'))"),
        iife('local f = ipairs({}) return P(pcall(f, 5, 1))'),
        iife('local f = ipairs({}) return P(pcall(f, {}))'),
        iife("local s = '' for i, v in ipairs({1, 2, nil, 4}) do s = s .. i .. '=' .. v .. ' ' end return s"),
        iife(`local s = '' for i, v in ipairs(${META}) do s = s .. i .. '=' .. v .. ' ' end return s`),
        iife('local f, t, c = ipairs({7}) return f(t, c)'),
        iife('local f, t, c = ipairs({7}) return f(t, 1)'),
      ],
      'lua51',
    )
  })

  it('math.atan takes one argument; a second is ignored', async () => {
    const cases: string[] = []
    for (const y of ['0', '-0.0', '1', '-3', '2.5', '1/0', '0/0', '-(0/0)'])
      for (const x of ['', ', -3', ', 2.5', ', -1/0', ', true', ', "abc"']) cases.push(allResults(`math.atan(${y}${x})`))
    cases.push(iife('return P(pcall(math.atan))'), iife("return P(pcall(math.atan, 'x', 1))"))
    await agrees(cases, 'lua51')
  })

  it('NaN signs: math.modf and math.frexp keep them once optimised, math.log10 passes them on', async () => {
    const warm = (f: string, arg: string) =>
      iife(`local N = 0/0 for i = 1, 30000 do ${f}(i + 0.25) end return ${f}(N), ${f}(-N), ${f}(${arg})`)
    await agrees(
      [
        warm('math.modf', '-1.5'),
        warm('math.frexp', '-0.0'),
        warm('math.log10', '-1'),
        allResults('math.log10(0/0)'),
        allResults('math.log10(-(0/0))'),
        allResults('math.log10(-1/0)'),
        allResults('math.modf(0/0)'),
      ],
      'lua51',
    )
  })

  it('assert raises its message as a string; nil gives the default text and a table is a bad argument', async () => {
    const cases = ['false, 12', 'false, 1.5', 'false, nil', 'nil', 'false, {}', "false, 'x', 3", 'false, true', '']
    await agrees(
      cases.flatMap((a) => [iife(`return P(pcall(assert, ${a}))`), iife(`return type(select(2, pcall(assert, ${a})))`)]),
      'lua51',
    )
  })

  it('math.random reads its limits as C ints and reports an empty interval at its upper limit', async () => {
    const limits = ['2^32 + 1, 2^32 + 1', '0/0', '3.7, 3.2', '2^31', '-2^31, 2^31', '0', '2, 1', '1, 1', "'x'", '1, 2, 3']
    await agrees(
      limits.map((a) => iife(`return P(pcall(math.random, ${a}))`)),
      'lua51',
    )
  })

  it('load checks its chunk name (#2) before its function (#1); loadstring and load take a number as a name', async () => {
    const args = [
      'load, nil, true',
      'load, nil, {}',
      'load, true',
      "load, 'x'",
      'load, function() end, true',
      'load, function() end, 7',
      "load, function() return 'x =' end, 7.5",
      "loadstring, 'x =', 5",
      "loadstring, 'x =', true",
      'loadstring, nil, true',
      'loadstring, 12, 3',
    ]
    const call = (a: string) => iife(`local ok, f, e = pcall(${a}) if ok then return type(f), e end return P(ok, f)`)
    await agrees([...args.map(call), iife(`return P(pcall(loadstring('error("e")', 42)))`)], 'lua51')
  })

  it("5.1's wording: __index/__newindex loops, coroutine expected, Lua function expected, no __name, string and thread compare as 'two string values'", async () => {
    await agrees(
      [
        iife('local t = setmetatable({}, {}) getmetatable(t).__index = t return P(pcall(function() return t.x end))'),
        iife('local t = setmetatable({}, {}) getmetatable(t).__newindex = t return P(pcall(function() t.x = 1 end))'),
        iife('return P(pcall(coroutine.resume, 1))'),
        iife('return P(pcall(coroutine.status, {}))'),
        iife('return P(pcall(coroutine.create, print))'),
        iife('return P(pcall(coroutine.wrap, string.rep))'),
        iife('return coroutine.create(print)'),
        iife('return type(coroutine.create(function() end)), type(coroutine.wrap(function() end))'),
        iife("local t = setmetatable({}, {__name = 'MyType'}) return (tostring(t):gsub('0x%x+', 'ADDR'))"),
        iife("local t = setmetatable({}, {__name = 'MyType'}) return P(pcall(math.floor, t))"),
        iife("local c = coroutine.create(function() end) return P(pcall(function() return 'x' < c end))"),
        iife("local c = coroutine.create(function() end) return P(pcall(function() return c <= '10' end))"),
        iife('local c = coroutine.create(function() end) return P(pcall(function() return c < c end))'),
        iife("return P(pcall(function() return {} < 'x' end))"),
      ],
      'lua51',
    )
  })
})

describe.skipIf(!hasNative('lua5.3'))('math.random against native lua5.3', () => {
  it('an empty interval is bad argument #1 to math.random', async () => {
    expect(await agrees([iife('return P(pcall(math.random, 0))'), iife('return P(pcall(math.random, 2, 1))')])).toBe(0)
  })
})
