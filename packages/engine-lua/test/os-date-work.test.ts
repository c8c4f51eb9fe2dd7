import { createHost, type Host } from '@polyhost/core'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { luaEngine } from '../src/index.js'
import { convert } from '../src/os-strftime.js'
import { hasNative, printed, runNativeProgram } from './native-lua.js'

// os.date's work for a long format: each distinct conversion is computed once per call (a
// time has one text per specifier). Converting every occurrence again cost 10-27 µs each, so
// one call of ('%c'):rep(1e5) held the event loop for 1-2.7 s. The count of conversions is
// the measure here (no timing); the output is judged against native Lua in the same run.
vi.mock('../src/os-strftime.js', async (original) => {
  const real = await original<typeof import('../src/os-strftime.js')>()
  return { ...real, convert: vi.fn(real.convert) }
})

const hosts: Partial<Record<'lua53' | 'lua51', Host>> = {}
beforeAll(async () => {
  for (const numbers of ['lua53', 'lua51'] as const)
    hosts[numbers] = await createHost({ engines: [luaEngine({ numbers })], policy: 'minimal' })
})
afterAll(async () => {
  for (const h of Object.values(hosts)) await h?.close()
})

const FORMAT = "('%c|%Y-%m-%d %H:%M:%S %Z %% %a.'):rep(2000)"
const SOURCE = `print(os.date('!' .. ${FORMAT}, 1700000000)) print(os.date('!' .. ${FORMAT}, 0))`

for (const [mode, binary] of [
  ['lua53', 'lua5.3'],
  ['lua51', 'lua5.1'],
] as const) {
  describe.skipIf(!hasNative(binary))(`os.date of a long format (${mode})`, () => {
    it(`converts each distinct specifier once per call, and prints what ${binary} prints`, async () => {
      const spy = vi.mocked(convert)
      spy.mockClear()
      const r = await (hosts[mode] as Host).execute({ language: 'lua', source: SOURCE, name: 'x.lua' })
      // 10 distinct specifiers in each of the two calls (before: 2 × 2000 × 10)
      expect(spy.mock.calls.length).toBeLessThanOrEqual(2 * 10)
      expect(printed(r.logs)).toBe(runNativeProgram(binary, SOURCE))
    })
  })
}
