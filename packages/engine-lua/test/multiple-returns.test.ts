import { createHost, type Host } from '@polyhost/core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { luaEngine } from '../src/index.js'

// A script may return as many values as Lua allows: 250 in a return statement (the
// register limit), more through table.unpack. 21 values crashed the state ("unacceptable
// index"). Worker mode loads the built packages (dist/): `pnpm run build` first.

const list = (n: number) => Array.from({ length: n }, (_, i) => i + 1)

for (const isolation of ['inline', 'worker'] as const) {
  describe(`multiple returns (${isolation})`, () => {
    let host: Host
    beforeAll(async () => {
      host = await createHost({ engines: [luaEngine()], isolation, workers: 1, pool: { min: 1, max: 1 } })
    })
    afterAll(() => host.close())

    for (const n of [20, 21, 100, 250]) {
      it(`return 1, ..., ${n}`, async () => {
        const r = await host.execute({ language: 'lua', source: `return ${list(n).join(', ')}` })
        expect(r.values).toEqual(list(n))
        expect(r.value).toBe(1)
      })
    }

    it('return table.unpack of 5,000 values, then the state still works', async () => {
      const r = await host.execute({ language: 'lua', source: 'local t = {} for i = 1, 5000 do t[i] = i end return table.unpack(t)' })
      expect(r.values).toEqual(list(5000))
      const next = await host.execute({ language: 'lua', source: 'return 6 * 7' })
      expect(next.values).toEqual([42])
    })
  })
}
