import { createHost, type Host } from '@polyhost/core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { luaEngine } from '../src/index.js'
import { hasNative, printed, runNativeProgram } from './native-lua.js'

// The math functions whose results C computes with plain IEEE arithmetic (no libm
// approximation), printed with %.17g over a few thousand inputs and compared with native Lua
// in the same run: lmathlib.c's formulas differ between 5.1 and 5.3 (5.1's math.deg is
// x/(PI/180), 5.3's x*(180/PI)), so each mode must follow its own.
const SWEEP = `
local F = string.format
local fns = {
  deg = math.deg, rad = math.rad, sqrt = math.sqrt, abs = math.abs, floor = math.floor, ceil = math.ceil,
  fmod = function(v) return math.fmod(v, 1.7) end, fmod2 = function(v) return math.fmod(1e6, v) end,
  modf = math.modf, frexp = math.frexp, ldexp = function(v) return math.ldexp(v, 7) end,
}
local names = {'deg', 'rad', 'sqrt', 'abs', 'floor', 'ceil', 'fmod', 'fmod2', 'modf', 'frexp', 'ldexp'}
local inputs = {0, -0.0, 1, -1, 0.1, 0.5, 180, 360, 3.141592653589793, 1/0, -1/0, 1e-310, 5e-324, 1e300, -1e300, 2^52 + 0.5}
local x = 0.37
for i = 1, 3000 do
  x = (x * 7.123 + 0.311) % 13.7 - 3
  inputs[#inputs + 1] = x * (i % 7 == 0 and 1000 or 1) * (i % 11 == 0 and 1e-5 or 1)
end
for _, v in ipairs(inputs) do
  local out = {F('%.17g', v)}
  for _, n in ipairs(names) do
    if not (v > 2^52 and (n == 'floor' or n == 'ceil')) then
      local a, b = fns[n](v)
      out[#out + 1] = n .. '=' .. F('%.17g', a) .. (b and (',' .. F('%.17g', b)) or '')
    end
  end
  print(table.concat(out, ' '))
end
`

const modes = [
  ['lua51', 'lua5.1'],
  ['lua53', 'lua5.3'],
] as const

for (const [numbers, binary] of modes) {
  describe.skipIf(!hasNative(binary))(`math formulas of '${numbers}' against native ${binary}`, () => {
    let host: Host
    beforeAll(async () => {
      host = await createHost({ engines: [luaEngine({ numbers })], policy: 'standard', pool: { min: 1, max: 1 } })
    })
    afterAll(async () => {
      await host.close()
    })

    it('deg, rad, sqrt, abs, floor, ceil, fmod, modf, frexp and ldexp give native results to the last bit', async () => {
      const want = runNativeProgram(binary, SWEEP).split('\n')
      const got = printed((await host.execute({ language: 'lua', source: SWEEP, name: 'x.lua' })).logs).split('\n')
      expect(got.length).toBe(want.length)
      const diffs = got.flatMap((line, i) => (line === want[i] ? [] : [{ got: line, want: want[i] }]))
      expect(diffs.slice(0, 5)).toEqual([])
    })
  })
}
