import { createHost, type Host, InvalidArgumentError } from '@polyhost/core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { luaEngine } from '../src/index.js'

// Host globals add names to an execution; they never replace a built-in (a library, a base
// function, _G, _ENV), as in the JS engine: `globals: { print: 1 }` made `type(print)` a number.

let hosts: Host[]
beforeAll(async () => {
  hosts = await Promise.all(
    (['lua53', 'lua51'] as const).map((numbers) => createHost({ engines: [luaEngine({ numbers })], pool: { min: 1, max: 1 } })),
  )
})
afterAll(() => Promise.all(hosts.map((h) => h.close())))

describe('host globals and built-in names', () => {
  for (const name of ['print', 'string', 'math', 'table', '_G', '_ENV', 'pairs', 'tostring', 'error']) {
    it(`'${name}' is refused with InvalidArgumentError, and the state keeps working`, async () => {
      // in 5.1 _ENV is an ordinary name (see lua51-env-name.test.ts)
      for (const host of name === '_ENV' ? hosts.slice(0, 1) : hosts) {
        const run = host.execute({ language: 'lua', source: 'return 1', globals: { [name]: 1 } })
        await expect(run).rejects.toThrow(InvalidArgumentError)
        await expect(run).rejects.toThrow(`'${name}' would replace a built-in global`)
        const r = await host.execute({ language: 'lua', source: `return type(${name})` })
        expect(r.value).toBe(['_G', '_ENV', 'string', 'math', 'table'].includes(name) ? 'table' : 'function')
      }
    })
  }

  it("'_ENV' is an ordinary global in 5.1", async () => {
    const lua51 = hosts[1] as Host
    expect((await lua51.execute({ language: 'lua', source: 'return _ENV, type(print)', globals: { _ENV: 1 } })).values).toEqual([
      1,
      'function',
    ])
    expect((await lua51.execute({ language: 'lua', source: 'return _ENV' })).value).toBeNull()
  })

  it('new names are globals of that execution only', async () => {
    for (const host of hosts) {
      expect(
        (await host.execute({ language: 'lua', source: 'return order.id, KEYS[1]', globals: { order: { id: 7 }, KEYS: ['k'] } })).values,
      ).toEqual([7, 'k'])
      expect((await host.execute({ language: 'lua', source: 'return order' })).value).toBeNull()
    }
  })
})
