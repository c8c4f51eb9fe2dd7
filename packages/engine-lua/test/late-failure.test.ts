import { createHost, defineBridge, type Host, LimitExceededError } from '@polyhost/core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { luaEngine } from '../src/index.js'

// A script that ran out of time in one long call (a synchronous host function here, where no
// count hook runs) and then failed was reported by its failure: a ScriptRuntimeError or a
// ConversionError, 200 ms past a 100 ms limit. It ran out of time first, as a normal return
// after the same call reports.

const LIMIT = 100

let host: Host
beforeAll(async () => {
  host = await createHost({ engines: [luaEngine()], limits: { timeoutMs: LIMIT } })
  host.bridges.register(
    defineBridge({
      name: 'slow',
      methods: {
        busy: {
          args: [],
          handler: () => {
            const t = performance.now()
            while (performance.now() - t < 3 * LIMIT);
            return 1
          },
        },
      },
    }),
  )
})
afterAll(() => host.close())

describe('a failure after the deadline reports the timeout', () => {
  for (const [what, source] of [
    ['a script error', "slow.busy() error('plain failure')"],
    ['a result that cannot cross', 'slow.busy() return function() end'],
    ['a later result that cannot cross', 'return slow.busy(), function() end'],
  ] as [string, string][]) {
    it(what, async () => {
      const err = await host.execute({ language: 'lua', source }).catch((e) => e)
      expect(err).toBeInstanceOf(LimitExceededError)
      expect(err).toMatchObject({ limit: 'timeout', max: LIMIT })
    })
  }

  it('a failure within the limit is still the failure', async () => {
    await expect(host.execute({ language: 'lua', source: "error('plain failure')" })).rejects.toThrow('plain failure')
  })
})
