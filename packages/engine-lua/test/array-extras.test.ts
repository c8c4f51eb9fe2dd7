import { ConversionError, createHost, defineBridge, type Host } from '@polyhost/core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { z } from 'zod'
import { luaEngine } from '../src/index.js'

// A host array's own properties past its elements (`a.x = 1`, a regexp match's `index`) were
// silently dropped on the way into Lua: `globals: { x: Object.assign([1], { y: 2 }) }` read
// back as `[1]`. A sequence table has no place for them, so the array is refused naming them,
// as the JS engine refuses a Date with own properties. Found by test/random-values.test.ts.

const hosts: Record<string, Host> = {}
let reply: unknown
beforeAll(async () => {
  for (const isolation of ['inline', 'worker'] as const) {
    const host = await createHost({ engines: [luaEngine()], ...(isolation === 'worker' ? { isolation, workers: 1 } : {}) })
    host.bridges.register(defineBridge({ name: 'b', methods: { get: { args: [], returns: z.any(), handler: () => reply } } }))
    hosts[isolation] = host
  }
}, 60_000)
afterAll(async () => {
  for (const h of Object.values(hosts)) await h.close()
})

describe.each(['inline', 'worker'])('a host array with own properties past its elements (%s)', (isolation) => {
  it('is a ConversionError naming them, in globals', async () => {
    const x = { list: Object.assign([1, 2], { y: 3, '-1': 4 }) }
    const e = await (hosts[isolation] as Host).execute({ language: 'lua', source: 'return x', globals: { x } }).catch((v: unknown) => v)
    expect(e).toBeInstanceOf(ConversionError)
    expect((e as Error).message).toBe('$.x.list: an array with own properties ("y", "-1") cannot cross to Lua')
  })

  it('is a catchable error as a bridge result', async () => {
    reply = /b(c)/.exec('abc')
    const r = await (hosts[isolation] as Host).execute({ language: 'lua', source: 'local ok, e = pcall(b.get) return ok, e' })
    expect(r.values[0]).toBe(false)
    expect(String(r.values[1])).toMatch(
      /invalid return value: \$: an array with own properties \("index", "input", "groups"\) cannot cross to Lua/,
    )
  })

  it('an array without them still crosses, holes and all', async () => {
    const r = await (hosts[isolation] as Host).execute({ language: 'lua', source: 'return x', globals: { x: [1, null, 3] } })
    expect(r.value).toEqual([1, null, 3])
  })
})
