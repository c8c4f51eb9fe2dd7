import { createHost, InvalidArgumentError, ScriptRuntimeError, ScriptSyntaxError } from '@polyhost/core'
import { describe, expect, it } from 'vitest'
import { hasNative } from '../test/native-lua.js'
import { fengari } from './fengari-api.js'
import { luaEngine } from './index.js'
import { numberHosts } from '../test/number-hosts.js'

// Each group exercises one family of patches in fengari-numbers.ts; expected values come from
// native Lua in the same run (skipped with a message when it is not installed).
const { agrees, lua } = numberHosts()

describe('number patches', () => {
  it('apply exactly once to fengari 0.1.5 in both modes', () => {
    expect(fengari('lua53').numbers).toBe('lua53')
    expect(fengari('lua51').numbers).toBe('lua51')
    expect(fengari('lua51')).not.toBe(fengari('lua53'))
  })

  it('an unknown number mode is a typed error', async () => {
    // biome-ignore lint/suspicious/noExplicitAny: deliberately invalid option
    await expect(createHost({ engines: [luaEngine({ numbers: 'lua54' as any })] })).rejects.toThrow(InvalidArgumentError)
  })
})

describe.skipIf(!hasNative('lua5.3'))('numbers (5.3) against native lua5.3', () => {
  it('integer + - * // % and unary minus are exact; no integer -0', async () => {
    const n = await agrees([
      '1733333333 * 1000',
      '2147483647 + 1',
      '-2147483648 - 1',
      '4294967296 * 4294967296',
      '3037000500 * 3037000500',
      '9007199254740991 // 2',
      '-9007199254740991 // 7',
      '9007199254740991 % -1000',
      '-7 // 2',
      '-7 % 3',
      '7 % -3',
      '(0 * -1) / 1',
      '(-5 % 5) / 1',
      '(0 // -3) / 1',
      '-(9007199254740991)',
      '9007199254740991 + 1',
      '-9007199254740991 - 1',
      '94906266 * 94906266',
      '4294967296 * 4294967296 * 3',
    ])
    expect(n).toBe(4)
  })

  it('bitwise operators give the 64-bit result when it fits, also from floats beyond 2^53', async () => {
    const n = await agrees([
      '1 << 52',
      '1 << 53',
      '1 << 64',
      '-1 >> 11',
      '-1 >> 10',
      '0xff << 40',
      '~5',
      '~9007199254740991',
      '5 & 3.0',
      '"3" | 4',
      '(2^53) & 3',
      '(2^60) >> 60',
      '-1 & 0xfffffffffffff',
      '0x7fffffff ~ -1',
      '~"7"',
      '(2^53) | 1',
    ])
    expect(n).toBe(4)
  })

  it('a shift by 0 or to the right of a float beyond 2^53 is integer overflow when its result is (it escaped the range)', async () => {
    const cases = ['1e16 >> 0', '1e16 << 0', '(2^62) >> 1', '(2^62) << -1', '(2^60 >> 0) // 3', '(2^63 - 1024) >> 8', '-(2^60 >> 0)']
    expect(await agrees(cases)).toBe(cases.length)
    await agrees(['(2^53) >> 1', '(2^60) >> 8', '(2^54) >> 2 == 2^52'])
    await expect(lua('return math.type(1e16 >> 0)')).rejects.toThrow('integer overflow')
  })

  it('numerals: decimal and hex (wrapping modulo 2^64); an overflowing numeral is a syntax error naming it', async () => {
    await agrees(['0x100000000', '0xffffffffffffffff', '0xfffffffffffffffe', '9007199254740991', '9223372036854775808', '0x1p4'])
    await expect(lua('return 9007199254740993')).rejects.toThrow(ScriptSyntaxError)
    await expect(lua('return 9007199254740993')).rejects.toThrow("integer overflow near '9007199254740993'")
    const r = await lua('return load("return 0x8000000000000000")')
    expect(r.values).toEqual([null, `[string "return 0x8000000000000000"]:1: integer overflow near '0x8000000000000000'`])
  })

  it('tonumber, tonumber with a base and string coercion', async () => {
    await agrees([
      'tonumber("9007199254740991")',
      'tonumber("0x100000000")',
      'tonumber("1e15")',
      'tonumber("ffffffffffffffff", 16)',
      'tonumber("7fffffffffffffff", 16)',
      'tonumber("zz", 36)',
      '"9007199254740993" + 0',
      '"0xffffffffffffffff" + 0',
      '"10" * "10"',
      'tonumber("9007199254740993")',
      'math.type(tonumber("9007199254740991"))',
    ])
  })

  it('constant folding leaves an overflowing operation to run time, where it is catchable with a line', async () => {
    const r = await lua('local ok, e = pcall(function() return 9007199254740991 + 1 end) return ok, e')
    expect(r.values).toEqual([false, 't.lua:1: integer overflow'])
    await expect(lua('local x = 1\nreturn 2^60 | x')).rejects.toThrow(ScriptRuntimeError)
    const co = await lua('return coroutine.resume(coroutine.create(function() return 4503599627370496 * 4 end))')
    expect(co.values).toEqual([false, 't.lua:1: integer overflow'])
  })

  it('numeric for loops are exact up to the range ends, also when init − step lies beyond 2^53', async () => {
    const loop = (a: string, b: string, c: string) =>
      `(function() local n, s = 0, 0 for i = ${a}, ${b}, ${c} do n = n + 1 s = i end return n .. ":" .. s end)()`
    await agrees([
      loop('9007199254740985', '9007199254740991', '2'),
      loop('-9007199254740991', '-9007199254740980', '3'),
      loop('-9007199254740985', '0', '4503599627370496'),
      loop('9007199254740990', '9007199254740991', '1'),
      loop('1', '3.5', '1'),
      loop('2147483640', '2147483650', '3'),
      loop('1', '0', '1'),
      loop('-9007199254740991', '-9007199254740991', '-5'),
    ])
  })

  it('a float limit beyond 2^63 runs the loop on to integer overflow where C Lua goes past 2^53 − 1, never stops early', async () => {
    const last = (a: string, b: string, c: string, stop: string) =>
      `(function() local last for i = ${a}, ${b}, ${c} do last = i if ${stop} then break end end return last end)()`
    const n = await agrees([
      last('9007199254740989', '1e100', '1', 'i > 9007199254740992'),
      last('-9007199254740989', '-1e100', '-1', 'i < -9007199254740992'),
      last('9007199254740990', 'math.huge', '2', 'i > 9007199254740992'),
      last('1', '1e100', '1', 'i == 3'),
      last('1', '1e100', '-1', 'false'),
      last('1', '-1e100', '1', 'false'),
      last('9007199254740989', '9007199254740991', '1', 'false'),
    ])
    expect(n).toBe(3)
  })

  it('^ is C pow: 1^y and (-1)^±inf are 1, x^±0 is 1, also where constant folding declines a NaN', async () => {
    // no NaN results here: their sign is V8's (see the README's deviations)
    const pairs = [
      '1, 0/0',
      '1, 1/0',
      '1, -1/0',
      '-1, 1/0',
      '-1, -1/0',
      '0/0, 0',
      '0/0, -0.0',
      '1/0, 0',
      '0.0, -1',
      '-0.0, -3',
      '-0.0, -1/0',
      '2, -1/0',
      '0.5, -1/0',
      '-1/0, 3',
      '-1/0, -2',
    ]
    await agrees([
      ...pairs.map((p) => `(function(x, y) return x ^ y end)(${p})`),
      '1 ^ (0/0)',
      '1 ^ 1e999',
      '(-1) ^ -1e999',
      '(-1) ^ (1/0)',
      '(1) ^ (0/0) | (2^32)',
    ])
  })

  it('table keys: a float key with an integer value is that integer key (C Lua: up to 2^63)', async () => {
    await agrees([
      '(function() local t = {} t[2^40] = 1 return t[1099511627776] end)()',
      '(function() local t = {[2^53] = 1} return next(t) end)()',
      '(function() local t = {[-0.0] = 1} return next(t) end)()',
      '(function() local t = {} for i = 1, 1000 do t[i] = i end return #t end)()',
      '(function() local t = {} t[9007199254740991] = 1 return t[9007199254740991.0] end)()',
    ])
  })
})
