import { createHost } from '@polyhost/core'
import { describe, expect, it } from 'vitest'
import { luaEngine } from '../src/index.js'
import { allResults, hasNative, iife, runNative } from './native-lua.js'
import { numberHosts } from './number-hosts.js'

// What Debian's lua5.3 (built with LUA_COMPAT_5_2) has beyond plain 5.3: __ipairs, the
// LUA_COMPAT_MATHLIB functions and bit32. Every expression's result (all its values, or its
// error) here must be native lua5.3's in the same run.

const { agrees } = numberHosts()

const VALUES = [
  '0',
  '1',
  '-1',
  '5',
  '0xF0F0',
  '2^31',
  '2^32 - 1',
  '2^32',
  '2^32 + 5',
  '-2^31',
  '-2^31 - 1',
  '2^52 + 3',
  '-2^52',
  '1.0',
  "'12'",
  '0x7fffffff',
]
const COUNTS = ['-40', '-33', '-32', '-31', '-1', '0', '1', '7', '31', '32', '33', '40', '2^40', '-2^40']

const bitCases = (): string[] => {
  const out: string[] = []
  for (const a of VALUES) {
    out.push(allResults(`bit32.bnot(${a})`), allResults(`bit32.band(${a}, 0xFF00FF)`), allResults(`bit32.bor(${a}, 0x0F)`))
    out.push(allResults(`bit32.bxor(${a}, 0xFFFF, 3)`), allResults(`bit32.btest(${a}, 1)`))
    for (const n of COUNTS) {
      for (const f of ['lshift', 'rshift', 'arshift', 'lrotate', 'rrotate']) out.push(allResults(`bit32.${f}(${a}, ${n})`))
    }
  }
  for (const [f, w] of [
    ['0', '1'],
    ['0', '32'],
    ['31', '1'],
    ['4', '8'],
    ['16', '16'],
    ['30', '3'],
    ['-1', '1'],
    ['0', '0'],
    ['0', '-1'],
    ['33', '1'],
    ['1', 'nil'],
    ['2^40', '1'],
  ]) {
    out.push(allResults(`bit32.extract(0xDEADBEEF, ${f}, ${w})`), allResults(`bit32.replace(0xDEADBEEF, 0x12345, ${f}, ${w})`))
    out.push(allResults(`bit32.replace(-1, 0, ${f}, ${w})`), allResults(`bit32.extract(-2^31, ${f}, ${w})`))
  }
  out.push(
    ...[
      'bit32.band()',
      'bit32.bor()',
      'bit32.bxor()',
      'bit32.btest()',
      'bit32.band(1.5)',
      "bit32.band('x')",
      'bit32.bnot()',
      'bit32.lshift(1)',
      'bit32.lshift(1, 1.5)',
      'bit32.extract(1)',
      'bit32.replace(1, 2)',
      "bit32.extract(1, 'a')",
      'bit32.extract(1, 0, 1.5)',
      'bit32.band({})',
      'bit32.bor(1, 2, {})',
    ].map(allResults),
  )
  return out
}

const MATH = [
  'math.pow(2, 10)',
  'math.pow(2, 0.5)',
  'math.pow(-8, 1/3)',
  'math.pow(0, -1)',
  "math.pow('2', '3')",
  "math.pow('x', {})",
  'math.pow(2)',
  'math.cosh(0)',
  'math.cosh(1)',
  'math.sinh(-0.0)',
  'math.tanh(100)',
  'math.tanh(0.5)',
  "math.cosh('x')",
  'math.log10(1000)',
  'math.log10(0)',
  'math.log10(-1)',
  'math.log10(2)',
  'math.frexp(8)',
  'math.frexp(-0.3)',
  'math.frexp(0)',
  'math.frexp(-0.0)',
  'math.frexp(1/0)',
  'math.frexp(2^-1074)',
  'math.frexp(3)',
  'math.ldexp(1, 2)',
  'math.ldexp(0.75, 3)',
  'math.ldexp(1, 2^32 + 3)',
  'math.ldexp(1, -1075)',
  'math.ldexp(1, 1024)',
  'math.ldexp(1, 2.5)',
  "math.ldexp(1, '3')",
  'math.ldexp()',
  'math.atan2(1, 1)',
  'math.atan2(1)',
  'math.atan2(-0.0, -1)',
  'math.atan2 == math.atan',
  'math.atan2()',
].map(allResults)

const IPAIRS = [
  `local t = setmetatable({}, {__ipairs = function(t) return function(_, i) if i < 3 then return i + 1, 'v' .. i end end, t, 0 end})
   local r = {} for i, v in ipairs(t) do r[#r + 1] = i .. v end return table.concat(r, ',')`,
  `return select('#', ipairs(setmetatable({}, {__ipairs = function() return 1, 2, 3, 4 end})))`,
  `return ipairs(setmetatable({}, {__ipairs = function(t) return 'a' end}))`,
  `return P(pcall(ipairs, setmetatable({}, {__ipairs = 1})))`,
  `return P(pcall(ipairs, setmetatable({}, {__ipairs = function() error('inside') end})))`,
  `local r = {} for i, v in ipairs(setmetatable({}, {__index = function(_, i) if i < 4 then return i * 10 end end})) do r[#r + 1] = v end return table.concat(r, ',')`,
  `local r = {} for i, v in ipairs({1, 2, nil, 4}) do r[#r + 1] = v end return #r`,
  `return P(pcall(ipairs))`,
  `return select('#', ipairs('abc'))`,
].map((body) => iife(body.replace(/\s*\n\s*/g, ' ')))

const NAMES = [
  'type(bit32), type(math.pow), type(math.cosh), type(math.log10), type(math.ldexp), type(math.frexp), type(math.atan2)',
  'package.loaded.bit32 == bit32',
  "(function() local n = {} for k in pairs(bit32) do n[#n + 1] = k end table.sort(n) return table.concat(n, ' ') end)()",
  'string.len ~= nil, table.maxn, table.getn, unpack, loadstring, math.mod',
].map(allResults)

describe.skipIf(!hasNative('lua5.3'))("LUA_COMPAT_5_2 as Debian's lua5.3 has it", () => {
  it('the library names exist (and no 5.1 ones)', () => agrees(NAMES))
  it('ipairs honours __ipairs', () => agrees(IPAIRS))
  it('math.pow, cosh, sinh, tanh, log10, frexp, ldexp, atan2', () => agrees(MATH))
  it.each(['standard', 'strict'] as const)(
    'under the %s preset the new members are there as the other math members are',
    async (policy) => {
      const expr = allResults(
        'type(bit32), type(bit32.band), type(math.pow), type(math.ldexp), type(math.floor), math.pow(2, 3), bit32.bxor(5, 3)',
      )
      const [want] = runNative('lua5.3', [expr])
      const host = await createHost({ engines: [luaEngine()], policy })
      try {
        const r = await host.execute({ language: 'lua', source: `return tostring(${expr})` })
        expect(r.values).toEqual([want?.text])
      } finally {
        await host.close()
      }
    },
  )
  it('bit32: 32-bit unsigned results, shifts and rotations of any count, fields and their errors', async () => {
    await agrees(bitCases())
  })
})
