import { createHost, defineBridge, type Host } from '@polyhost/core'
import { HOST_SECRETS, hostileValues } from '@polyhost/core/testing'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { z } from 'zod'
import { luaEngine } from '../src/index.js'

/**
 * No host path, host source text or host stack frame in any message a script sees (or the
 * host gets) about a bridge result that host code fails to read: a fuzz of throwing getters
 * and Proxy traps, with and without a return schema, inline and on worker threads.
 */
for (const isolation of ['inline', 'worker'] as const) {
  describe(`host text reaching Lua scripts is sanitised (${isolation})`, () => {
    let host: Host
    let current: () => unknown = () => null
    beforeAll(async () => {
      host = await createHost({
        engines: [luaEngine()],
        pool: { min: 1, max: 1 },
        ...(isolation === 'worker' ? { isolation, workers: 1 } : {}),
      })
      host.bridges.register(
        defineBridge({
          name: 'users',
          methods: {
            bad: { args: [], handler: () => current() },
            checked: { args: [], returns: z.unknown(), handler: () => current() },
            shaped: { args: [], returns: z.object({ x: z.string() }), handler: () => current() },
          },
        }),
      )
    })
    afterAll(() => host.close())

    it('a fuzz of throwing getters and Proxy traps in bridge results', async () => {
      for (const c of hostileValues(isolation === 'inline' ? 7 : 11, 24)) {
        current = c.value
        for (const method of ['bad', 'checked', 'shaped']) {
          const source = `local ok, e = pcall(users.${method}) if ok then return 'ok' end return tostring(e)`
          const seen = await host.execute({ language: 'lua', source }).then(
            (r) => String(r.value),
            (e: Error) => `host: ${e.message}`,
          )
          for (const secret of HOST_SECRETS) expect(seen, `${c.label}, users.${method}`).not.toContain(secret)
        }
      }
    })
  })
}
