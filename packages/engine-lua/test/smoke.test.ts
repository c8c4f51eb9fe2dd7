import { createHost, defineBridge } from '@polyhost/core'
import { expect, it } from 'vitest'
import { z } from 'zod'
import { luaEngine } from '../src/index.js'

it('smoke', async () => {
  const host = await createHost({ engines: [luaEngine()] })
  host.bridges.register(
    defineBridge({
      name: 'kv',
      methods: {
        get: { args: [z.string()], handler: async (_c, k) => `v:${k}` },
        put: { args: [z.string()], handler: (_c, k) => k.length },
      },
    }),
  )
  const r = await host.execute({
    language: 'lua',
    source: 'print("hi", 1, nil) return a + b, kv.get("x"), kv.put("abc"), context.user',
    globals: { a: 1, b: 2 },
    context: { user: 'u7' },
  })
  console.log(r)
  await expect(host.execute({ language: 'lua', source: 'local x = 1\nerror("boom")', name: 'e.lua' })).rejects.toThrow(/boom/)
  const e = await host.execute({ language: 'lua', source: 'while true do end', limits: { instructions: 100000 } }).catch((e) => e)
  console.log(e)
  const e2 = await host
    .execute({ language: 'lua', source: 'local s = "x" while true do s = s .. s end', limits: { memoryBytes: 1 << 20 } })
    .catch((e) => e)
  console.log(e2)
  console.log(host.stats().engines.lua)
  await host.close()
})
