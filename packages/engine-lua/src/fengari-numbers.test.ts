import { createHost, type Host, InvalidArgumentError, ScriptRuntimeError, ScriptSyntaxError } from '@polyhost/core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { hasNative, runEngine, runNative } from '../test/native-lua.js'
import { fengari } from './fengari-api.js'
import { luaEngine } from './index.js'

// Each group exercises one family of patches in fengari-numbers.ts; expected values come from
// native Lua in the same run (skipped with a message when it is not installed).
const hosts: Partial<Record<'lua53' | 'lua51', Host>> = {}
beforeAll(async () => {
  for (const numbers of ['lua53', 'lua51'] as const) {
    hosts[numbers] = await createHost({ engines: [luaEngine({ numbers })], policy: 'minimal', pool: { min: 1, max: 1 } })
  }
})
afterAll(async () => {
  for (const h of Object.values(hosts)) await h?.close()
})

/** Every expression gives native's tostring, or `integer overflow` where native's integer is beyond ±(2^53 − 1). */
async function agrees(exprs: string[], mode: 'lua53' | 'lua51' = 'lua53'): Promise<number> {
  const binary = mode === 'lua53' ? 'lua5.3' : 'lua5.1'
  const want = runNative(binary, exprs)
  let overflows = 0
  for (const [i, expr] of exprs.entries()) {
    const got = await runEngine(hosts[mode] as Host, expr)
    const w = want[i]
    if (w?.big && !got.ok && got.text.startsWith('integer overflow')) overflows++
    else expect({ expr, ...got }).toEqual({ expr, ok: w?.ok, text: w?.text })
  }
  return overflows
}

const lua = (source: string, mode: 'lua53' | 'lua51' = 'lua53') => (hosts[mode] as Host).execute({ language: 'lua', source, name: 't.lua' })

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

  it('table keys: a float key with an integer value is that integer key (C Lua: up to 2^63)', async () => {
    await agrees([
      '(function() local t = {} t[2^40] = 1 return t[1099511627776] end)()',
      '(function() local t = {[2^53] = 1} return next(t) end)()',
      '(function() local t = {[-0.0] = 1} return next(t) end)()',
      '(function() local t = {} for i = 1, 1000 do t[i] = i end return #t end)()',
      '(function() local t = {} t[9007199254740991] = 1 return t[9007199254740991.0] end)()',
    ])
  })

  it('math: abs, fmod, floor, ceil, tointeger, ult, log of a negative', async () => {
    const n = await agrees([
      'math.abs(-9007199254740991)',
      'math.fmod(-5, 5)',
      'math.fmod(-9007199254740991, 10)',
      'math.floor(2^52 + 0.5)',
      'math.ceil(-2^52 - 0.5)',
      'math.tointeger(2^40)',
      'math.tointeger(2^53)',
      'math.ult(-1, 1)',
      'math.log(-1)',
      'math.floor(2^60)',
    ])
    expect(n).toBe(2)
  })

  it('string.format integer and float conversions print as C printf', async () => {
    await agrees([
      'string.format("%d|%5d|%-5d|%+d|%05d|%.3d", 2^40, 42, 42, 42, -42, 7)',
      'string.format("%x|%X|%#x|%o|%#o", -1, 255, 255, 8, 8)',
      'string.format("%.0f %.0f %.0f %.1f %.2f", 0.5, 1.5, 2.5, 0.25, 1.005)',
      'string.format("%g|%g|%g|%g", 1e20, 1e-5, 100000, 1234567)',
      'string.format("%e|%.0e|%E|%10.3e", 12345.678, 5, 1e-300, -0.0)',
      'string.format("%.14g|%.3g|%#g|%G", 0.1, 1/3, 1, 1e-10)',
      'string.format("%f|%5.1f|%-8.2f|", 1/0, -1/0, 0/0)',
      'string.format("%.20f", 0.1)',
      'string.format("%f", 1e22)',
      'string.format("%q", 9007199254740991)',
      'string.format("%c%c", 72, 256 + 105)',
      'string.format("%d", 3.0)',
    ])
  })

  it('tostring of floats: %.14g plus .0, -0.0, inf, nan with its sign', async () => {
    await agrees([
      '1e15',
      '1e16',
      '1e-05',
      '-0.0',
      '2^53',
      '1/0',
      '-1/0',
      '0/0',
      '-(0/0)',
      '123456789012345.0',
      '100.0',
      '0.1 + 0.2',
      '1e100',
      '5e-324',
      '2^63',
      '-2^63',
      '1733333333000.0',
      '3.14159265358979',
      '"x" .. 1e15',
      '1e15 .. ""',
    ])
  })

  it('string.pack and string.unpack handle 64-bit integers', async () => {
    const n = await agrees([
      'string.unpack("j", string.pack("j", 1099511627776))',
      'string.unpack("i8", string.pack("i8", -5))',
      '#string.pack("j", 1)',
      'string.unpack("J", string.pack("J", 4294967296))',
      '#string.pack("T", 1)',
      'string.pack(">i3", -2) == "\\255\\255\\254"',
      'string.unpack("<i16", string.pack("<i16", -9007199254740991))',
      'string.unpack("j", string.pack("j", -1) )',
      'select(2, pcall(function() return string.pack("i2", 40000) end)):match("bad.*")',
      'select(2, pcall(function() return string.pack("I4", -1) end)):match("bad.*")',
      'string.unpack("<I8", "\\255\\255\\255\\255\\255\\255\\255\\255")',
      'string.unpack("<i8", "\\0\\0\\0\\0\\0\\0\\32\\0")',
      'select(2, pcall(function() return string.unpack("<i9", "\\0\\0\\0\\0\\0\\0\\0\\0\\1") end)):match(":%d+: (.*)")',
    ])
    expect(n).toBe(1)
  })

  it('string.sub and string.rep take any integer index', async () => {
    await agrees([
      'string.sub("hello", 2, 9007199254740991)',
      'string.sub("hello", -(2^40), 2)',
      'string.rep("ab", 3, ",")',
      'string.sub("hello", 2^31)',
    ])
  })
})

describe.skipIf(!hasNative('lua5.1'))("numbers: 'lua51' against native lua5.1", () => {
  it('every number is a double printed as %.14g', async () => {
    await agrees(
      [
        '0x100000000',
        '0x100000000 == 4294967296',
        '2^53 + 1',
        '9007199254740993',
        '1e15',
        '100',
        '-0',
        '0 * -1',
        '7 / 2',
        'math.floor(3.7)',
        'math.floor(-0.0)',
        'string.format("%d", 2^40)',
        'string.format("%d", 3.7)',
        '1733333333 * 1000',
        '#"abc"',
        'tonumber("0x10")',
        'tonumber("inf")',
        'tonumber("-10", 2)',
        '5.5 % 2',
        '-1 % 1',
        'math.log(8, 2)',
        'string.rep("ab", 3, ",")',
        '(function() local t = {} t[1] = 1 t[2] = 2 return next(t) end)()',
      ],
      'lua51',
    )
  })

  it('math.floor/ceil stay doubles at any size and error(number) gets a position, as in 5.1 (no overflow)', async () => {
    const exprs = [
      'math.floor(2^63)',
      'math.ceil(-2^63 - 2^20)',
      'math.floor(2^53) + 2',
      'math.floor(2^63) == 2^63',
      'string.gsub(select(2, pcall(function() error(42) end)), "^.*:(%d+):", "line %1:")',
      'string.gsub(select(2, pcall(function() error(4.5, 1) end)), "^.*:(%d+):", "line %1:")',
      'select(2, pcall(function() error(42, 0) end))',
    ]
    const want = runNative('lua5.1', exprs)
    for (const [i, expr] of exprs.entries()) {
      expect({ expr, ...(await runEngine(hosts.lua51 as Host, expr)) }).toEqual({ expr, ok: want[i]?.ok, text: want[i]?.text })
    }
  })

  it('deviation: 5.3 syntax and library members stay available in lua51 mode', async () => {
    const r = await lua('return 7 // 2, 1 << 4, math.type ~= nil, utf8 ~= nil', 'lua51')
    expect(r.values).toEqual([3, 16, true, true])
    await expect(lua('return string.format("%d", 2^60)', 'lua51')).rejects.toThrow('integer overflow')
  })

  it('has the 5.1 names (loadstring only with dynamic code allowed)', async () => {
    await agrees(
      ['unpack({1, 2, 3})', 'math.pow(2, 10)', 'math.mod(-7, 3)', 'table.getn({1, 2, 3})', 'string.gfind("a b", "%a")()'],
      'lua51',
    )
    // minimal allows dynamic code (eval); strict does not
    expect((await lua('return loadstring("return 1 + 1")()', 'lua51')).values).toEqual([2])
    const strict = await createHost({ engines: [luaEngine({ numbers: 'lua51' })], policy: 'strict', pool: { min: 1, max: 1 } })
    try {
      const r = await strict.execute({ language: 'lua', source: 'return loadstring == nil, load == nil, unpack ~= nil' })
      expect(r.values).toEqual([true, true, true])
    } finally {
      await strict.close()
    }
  })
})
