import { readFileSync } from 'node:fs'
import { createHost, type Host } from '@polyhost/core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { luaEngine } from '../src/index.js'
import { hasNative, printed, runNativeProgram } from './native-lua.js'

// os.date under `numbers: 'lua51'` against native lua5.1 in the same run (TZ given to both):
// 5.1 checks no conversion, hands glibc's strftime each '%' with the character after it, and
// reads the format as a C string (src/os-strftime51.ts).
const PROGRAM = `
local fs = {"%Q", "%Ec", "%E", "%Oy", "a%", "%", "%%%", "%5d", "%9", "x\\0y%Y", "%q%v%i", "%-d", "%_H", "%#x", "%P", "%k", "%l",
  "%s", "%+", "%N", "%c %x %X", "%Y-%m-%d %H:%M:%S %Z %z", "*t\\0", "%"}
for c = 32, 126 do fs[#fs + 1] = "<%" .. string.char(c) .. ">" end
for _, t in ipairs({0, 3723, 86400 * 400 + 3723, 1e9, 1700000000, -86400 * 3, 1719792000}) do
  for _, bang in ipairs({"!", ""}) do
    for _, f in ipairs(fs) do
      local ok, v = pcall(os.date, bang .. f, t)
      print(string.format("%q", bang .. f), t, ok, type(v) == "table" and "table" or string.format("%q", v))
    end
  end
end`

// os.time and os.date at the edges, as lua-5.1.5's loslib.c: C int fields (a number or a
// numeral string, else "missing"), the table left untouched, nil where mktime answers -1 or
// gmtime/localtime fail (a year beyond C's int, NaN and infinities cast to time_t)
const TIME_PROGRAM = readFileSync(new URL('./fixtures/os-time51.lua', import.meta.url), 'utf8')

describe.skipIf(!hasNative('lua5.1'))("os.date of 'lua51' as native lua5.1", () => {
  let host: Host
  const tz = process.env.TZ
  beforeAll(async () => {
    host = await createHost({ engines: [luaEngine({ numbers: 'lua51' })], policy: 'minimal' })
  })
  afterAll(async () => {
    if (tz === undefined) delete process.env.TZ
    else process.env.TZ = tz
    await host.close()
  })

  it('os.time and os.date at the edges of C int and time_t (TZ=UTC)', async () => {
    process.env.TZ = 'UTC'
    const want = runNativeProgram('lua5.1', TIME_PROGRAM, { TZ: 'UTC' }).split('\n')
    const got = printed((await host.execute({ language: 'lua', source: TIME_PROGRAM, name: 'x.lua' })).logs).split('\n')
    expect(got.length).toBe(want.length)
    expect(got.flatMap((line, i) => (line === want[i] ? [] : [{ got: line, want: want[i] }])).slice(0, 6)).toEqual([])
  })

  it('a time beyond ±2^53 s, which lua5.1 computes in C integers, is an explicit error rather than a rounded double', async () => {
    process.env.TZ = 'UTC'
    const source = 'return select(2, pcall(os.time, {year = 2^31, month = 1, day = 1}))'
    expect((await host.execute({ language: 'lua', source })).value).toMatch(/beyond ±2\^53 seconds/)
  })

  // the zones whose %Z the engine names as glibc does (os-date-fidelity.test.ts compares %Z in these only)
  it.each(['UTC', 'America/New_York'])('any conversion, glibc extensions and NULs (TZ=%s)', async (zone) => {
    process.env.TZ = zone
    const want = runNativeProgram('lua5.1', PROGRAM, { TZ: zone }).split('\n')
    const got = printed((await host.execute({ language: 'lua', source: PROGRAM, name: 'x.lua' })).logs).split('\n')
    expect(got.length).toBe(want.length)
    expect(got.flatMap((line, i) => (line === want[i] ? [] : [{ got: line, want: want[i] }])).slice(0, 6)).toEqual([])
  })
})
