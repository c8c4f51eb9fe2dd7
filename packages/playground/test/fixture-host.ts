import { createHost, defineBridge, type Host } from '@polyhost/core'
import { jsEngine } from '@polyhost/engine-js'
import { luaEngine } from '@polyhost/engine-lua'
import { z } from 'zod'
import { type Preset, withRunLogs } from '../src/index.js'

/** A host like an operator's: Lua and JS, a `kv` bridge, a declared global and context. */
export async function fixtureHost(preset: Preset = 'standard'): Promise<Host> {
  const host = await createHost({
    // wrapped as `polyhost playground` wraps its engines: a failed run answers its logs
    engines: [withRunLogs(luaEngine()), withRunLogs(jsEngine())],
    policy: preset,
    limits: { timeoutMs: 10_000, instructions: 5_000_000 },
    pool: { min: 0, max: 4 },
    globals: { order: z.object({ id: z.string(), qty: z.number().int() }).describe('The order at hand') },
    context: z.object({ tenant: z.string() }),
  })
  const store = new Map<string, string>()
  host.bridges.register(
    defineBridge({
      name: 'kv',
      description: 'Tenant key-value store',
      methods: {
        get: {
          description: 'Reads a key',
          args: [z.string().meta({ title: 'key' })],
          returns: z.string().nullable(),
          handler: (ctx, key) => store.get(`${ctx.tenant}:${key}`) ?? null,
        },
        set: {
          description: 'Writes a key',
          args: [z.string().meta({ title: 'key' }), z.string().meta({ title: 'value' })],
          handler: (ctx, key, value) => {
            store.set(`${ctx.tenant}:${key}`, value)
          },
        },
      },
    }),
  )
  return host
}
