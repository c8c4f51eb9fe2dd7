import { createHost } from '@polyhost/core'
import { describe, expect, it } from 'vitest'
import { hasNative, runEngine, runNative } from '../test/native-lua.js'
import { luaEngine } from './index.js'
import { numberHosts } from '../test/number-hosts.js'

// Each group exercises one family of patches in fengari-numbers.ts; expected values come from
// native Lua in the same run (skipped with a message when it is not installed).
const { agrees, lua, host } = numberHosts()

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
      expect({ expr, ...(await runEngine(host('lua51'), expr)) }).toEqual({ expr, ok: want[i]?.ok, text: want[i]?.text })
    }
  })

  it('printf and the C library as 5.1 runs them: %c and %s widths, %x flags, ties, pow, argument order', async () => {
    const bytes = (e: string) => `table.concat({string.byte(${e}, 1, -1)}, ",")`
    await agrees(
      [
        'string.format("%5c|%-5c|%05c|", 65, 65, 65)',
        bytes('string.format("%5c|%-5c|%c%c|", 0, 0, 0, 65)'),
        bytes('string.format("%5c|%c|", 2^40, 2^40 + 66)'),
        'string.format("% s|%#s|%+s|%05s|%0-5s|", "a", "a", "a", "ab", "ab")',
        bytes('string.format("%5s|%.1s|%-4s|", "\\200", "\\200\\201", "\\195\\169")'),
        'string.format("%05x|%05X|%05o|%#05x", 12, 10, 8, 12)',
        'string.format("%.0e|%.0g|%.1g|%.e", 2.5, 65, 65, 2.5)',
        '1 ^ (0/0)',
        '(-1) ^ (1/0)',
        'math.pow(1, 0/0)',
        'math.pow(-1, -1/0)',
        'math.pow("abc")',
        'math.mod("x")',
        'math.fmod("x")',
      ],
      'lua51',
    )
  })

  it('5.3 syntax and library members are lua53 mode only (lua51 mode against native: test/lua51-syntax.test.ts, test/lua51-names.test.ts)', async () => {
    const r = await lua('return 7 // 2, 1 << 4, math.type ~= nil, utf8 ~= nil')
    expect(r.values).toEqual([3, 16, true, true])
    await expect(lua('return 7 // 2', 'lua51')).rejects.toThrow("unexpected symbol near '/'")
    expect((await lua('return math.type == nil, utf8 == nil, _VERSION', 'lua51')).values).toEqual([true, true, 'Lua 5.1'])
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
