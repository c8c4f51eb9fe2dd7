import { spawnSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { describe, expect, it } from 'vitest'
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

const original = createRequire(import.meta.url)('fengari') as { to_luastring(s: string, cache?: boolean): Uint8Array }

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
})
