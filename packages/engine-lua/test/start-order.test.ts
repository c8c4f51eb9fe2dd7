import { createHost, type EnginePlugin } from '@polyhost/core'
import { fakeEngine } from '@polyhost/core/testing'
import { describe, expect, it, vi } from 'vitest'
import { luaEngine } from '../src/index.js'

/** What ran first: fengari's loading (each of its files is compiled with vm.compileFunction) or another engine's start. */
const order: string[] = []

vi.mock('node:vm', async (importOriginal) => {
  const vm = await importOriginal<typeof import('node:vm')>()
  return {
    ...vm,
    compileFunction: (...args: Parameters<typeof vm.compileFunction>) => {
      if (!order.includes('fengari')) order.push('fengari')
      return vm.compileFunction(...args)
    },
  }
})

describe('luaEngine start-up beside other engines', () => {
  // Cold start: fengari's loading and the first Lua state are synchronous (tens of ms). The
  // engine yields once before them, so an engine listed after it (QuickJS) gets to start its
  // asynchronous loading (imports, the WASM compile on background threads) first, and that
  // runs beside fengari's loading instead of after it.
  it('lets an engine listed after it start before fengari loads', async () => {
    const fake = fakeEngine()
    const probe: EnginePlugin = {
      ...fake,
      create: (env) => {
        order.push('other engine')
        return fake.create(env)
      },
    }
    const host = await createHost({ engines: [luaEngine(), probe] })
    try {
      expect(order).toEqual(['other engine', 'fengari'])
      const r = await host.execute({ language: 'lua', source: 'return 1 + 1' })
      expect(r.value).toBe(2)
    } finally {
      await host.close()
    }
  })
})
