import { describe, it } from 'vitest'
import { allResults as all, hasNative, iife } from './native-lua.js'
import { numberHosts } from './number-hosts.js'

// lua51-globals.ts (the names 5.3 added, _VERSION, 5.1's load) and lua51-base.ts's loadstring of
// binary strings, each expression compared with native lua5.1 in the same run.
const { agrees } = numberHosts()

/** A reader giving `pieces` one by one, as Lua source. */
const reader = (...pieces: string[]): string =>
  `(function() local t, i = {${pieces.map((s) => JSON.stringify(s)).join(', ')}}, 0 return function() i = i + 1 return t[i] end end)()`

const NAMES = [
  'table.pack',
  'table.unpack',
  'table.move',
  'utf8',
  'math.type',
  'math.tointeger',
  'math.ult',
  'math.maxinteger',
  'math.mininteger',
  'rawlen',
  'string.pack',
  'string.unpack',
  'string.packsize',
  'coroutine.isyieldable',
  '("").pack',
  'unpack',
  'loadstring',
  'load',
  'select',
  'xpcall',
]

describe.skipIf(!hasNative('lua5.1'))("'lua51' globals against native lua5.1", () => {
  it('the names 5.3 added are absent, _VERSION is Lua 5.1', async () => {
    await agrees(['_VERSION', ...NAMES.map((n) => `type(${n})`)], 'lua51')
  })

  it('load takes a reader function and a chunk name only', async () => {
    await agrees(
      [
        iife("return P(pcall(load, 'return 1'))"),
        "load('return 1')",
        'load()',
        'load(1)',
        iife(`return load(${reader('return ', '1 + ', '2')})()`),
        iife(`local f, e = load(${reader('return (')}) return f, e`),
        iife(`local f, e = load(${reader('return (')}, 'name') return f, e`),
        iife(`local f, e = load(${reader('return (')}, '=eq') return f, e`),
        iife(`return load(${reader('return ...')}, 'n', 'b', {})(4, 5)`),
        iife(`return load(${reader('return x')}, nil, nil, {x = 1})()`),
        iife(`return P(pcall(load, ${reader('return 1')}, {}))`),
        iife(`local f = load(${reader('return 1')}, 12) return f()`),
        iife('local n = 0 return P(pcall(load, function() n = n + 1 if n == 1 then return 1 end end))'),
        iife('return P(pcall(load, function() return {} end))'),
        iife("return loadstring('return ...', 'x')(6)"),
      ],
      'lua51',
    )
  })

  it('unchanged 5.1 behaviours: select, xpcall, %q, table.concat', async () => {
    await agrees(
      [
        iife("return select(-1, 'a', 'b')"),
        iife("return P(pcall(select, 0, 'a'))"),
        iife('return xpcall(function(...) return select("#", ...) end, print, 1, 2)'),
        iife('return P(pcall(xpcall, function() end))'),
        iife("return string.format('%q', 1/3), string.format('%q', 1), string.format('%q', 'a\\0b\\r\"')"),
        "table.concat({1, 2.5, 1e15, 1e16, -0}, ',')",
      ],
      'lua51',
    )
  })

  it('a binary string is refused in 5.1 words (unexpected end, bad header)', async () => {
    const bins = [
      '\\27',
      '\\27Lua',
      '\\27LuaQ\\0\\1\\4\\8\\4\\8',
      '\\27LuaR\\0\\1\\4\\8\\4\\8\\0xx',
      '\\27Lux\\81\\0\\1\\4\\8\\4\\8\\0',
      '\\27Lua\\81\\1',
    ]
    const names = ['', ", 'name'", ", '=eq'", ", '@at'", ", '\\27x'", ", 'a\\0b'", ', 7']
    await agrees(
      bins.flatMap((b) => names.map((n) => all(`loadstring('${b}'${n})`))),
      'lua51',
    )
  })
})
