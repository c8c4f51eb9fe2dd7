import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { FENGARI_SPEED_PATCHES } from '../src/fengari-speed-patches.js'
import { allResults as all, hasNative, prng } from './native-lua.js'
import { numberHosts } from './number-hosts.js'

// The luaL_tolstring speed patch (a number is converted by lua_tolstring, not formatted by
// lua_pushfstring): every way a number becomes text through it, against native Lua.
const { agrees } = numberHosts()

const FIXED = [
  '0',
  '-0',
  '0.0',
  '-0.0',
  '1',
  '-1',
  '1.5',
  '-1.5',
  '0.1',
  '1/3',
  '-2/3',
  '100',
  '1e14',
  '1e15',
  '1e16',
  '-1e15',
  '2^53',
  '2^53 + 1',
  '2^63',
  '-2^63',
  '1e100',
  '1e-300',
  '5e-324',
  '1/0',
  '-1/0',
  '0/0',
  '-(0/0)',
  '123456789012345',
  '3.14159265358979',
  '99.5',
  '255',
  '2^31',
  '2^32',
  'math.pi',
  '-math.pi',
  '10 // 3',
  '7 % 3',
  '7.0 % 3',
  '1e308 * 10',
]

/** Integers and floats of every magnitude, as literal expressions Lua reads exactly. */
function generated(n: number): string[] {
  const next = prng(20261205)
  const out: string[] = []
  for (let i = 0; i < n; i++) {
    const m = Math.floor(next() * 2 ** 30)
    const e = Math.floor(next() * 80) - 40
    out.push(i % 3 === 0 ? String(m - 2 ** 29) : `${next() < 0.5 ? '-' : ''}${m} * 2^${e}`)
  }
  return out
}

/** tostring, print's path (luaL_tolstring), string.format('%s') and a table's error text. */
function forms(x: string): string[] {
  return [`(${x})`, `string.format('%s', ${x})`, all(`tostring(${x}), tostring(${x})`)]
}

describe('tostring of numbers (luaL_tolstring through lua_tolstring)', () => {
  it('the patch replaces the lua_pushfstring path of luaL_tolstring', () => {
    const require = createRequire(import.meta.url)
    const file = join(dirname(require.resolve('fengari/package.json')), 'src', 'lauxlib.js')
    const original = readFileSync(file, 'utf8')
    const p = FENGARI_SPEED_PATCHES.find((x) => x.file === 'lauxlib.js')
    expect(p && original.split(p.find).length).toBe(2) // applies exactly once to the pinned fengari
    expect(original).toContain('lua_pushfstring(L, p_f, lua_tonumber(L, idx))')
  })

  it.skipIf(!hasNative('lua5.3'))('Lua 5.3: the same text as native lua5.3', async () => {
    const exprs = [...FIXED, ...generated(300)].flatMap(forms)
    const overflows = await agrees(exprs, 'lua53')
    expect(overflows).toBeLessThan(exprs.length / 10)
  })

  it.skipIf(!hasNative('lua5.3'))('Lua 5.3: integer keys made from floats up to 2^63 print their exact digits', async () => {
    // a float key with an integral value is stored as an integer, as C Lua does up to 2^63:
    // such a key beyond 2^53 printed String()'s shortest digits (1152921504606847000)
    const next = prng(20261206)
    const keys = [
      '2^60',
      '-2^63',
      '2^53 + 2',
      '2^62 + 2^10',
      ...Array.from({ length: 40 }, () => `${Math.floor(next() * 2 ** 30)} * 2^${53 + Math.floor(next() * 10)}`),
    ]
    const exprs = keys.flatMap((k) => {
      const key = `next({ [${k}] = true })`
      return [key, `-${key}`, `${key} .. ''`, `math.type(${key})`, `('x'):rep(2, ${key})`]
    })
    expect(await agrees(exprs, 'lua53')).toBe(0)
  })

  it.skipIf(!hasNative('lua5.1'))('Lua 5.1 numbers: the same text as native lua5.1', async () => {
    const exprs = [...FIXED.filter((x) => !x.includes('//')), ...generated(300)].flatMap(forms)
    expect(await agrees(exprs, 'lua51')).toBe(0)
  })
})
