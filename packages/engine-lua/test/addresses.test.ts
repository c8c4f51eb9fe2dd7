import { createHost, type Host } from '@polyhost/core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { luaEngine } from '../src/index.js'

// tostring({}) shows an object id; fengari numbered objects with one counter per state, so
// on a reused state tenant B's addresses told how much tenant A had allocated. Each
// execution now numbers its objects from its own random base.

let host: Host
beforeAll(async () => {
  host = await createHost({ engines: [luaEngine()], pool: { min: 1, max: 1 } })
})
afterAll(() => host.close())

const lua = async (source: string, tenant: string) => (await host.execute({ language: 'lua', source, tenant })).values
const firstId = async () => Number.parseInt(String((await lua("return (tostring({}):match('0x(%x+)'))", 'B'))[0]), 16)
const allocate = (n: number) => lua(`local keep = {} for i = 1, ${n} do keep[i] = {} end return #keep`, 'A')

describe('object addresses', () => {
  it('do not reveal what another execution allocated', async () => {
    const id1 = await firstId()
    await allocate(1000)
    const id2 = await firstId()
    await allocate(5000)
    const id3 = await firstId()
    expect([id1, id2, id3].every(Number.isSafeInteger)).toBe(true)
    // with one counter per state this difference is exactly 4000
    expect(id3 - id2 - (id2 - id1)).not.toBe(4000)
    expect(Math.abs(id2 - id1)).toBeGreaterThan(1_000_000)
  })

  it('of functions are not carried over from an earlier execution', async () => {
    const [a] = await lua('return tostring(print)', 'A')
    const [b] = await lua('return tostring(print)', 'B')
    expect(a).toMatch(/^builtin: 0x[0-9a-f]+$|^function: 0x[0-9a-f]+$/)
    expect(b).not.toBe(a)
  })

  it('are stable and distinct within one execution', async () => {
    const [same, distinct] = await lua(
      `local t, u = {}, {} local f = function() end
       return tostring(t) == tostring(t) and tostring(print) == tostring(print),
              tostring(t) ~= tostring(u) and tostring(f) ~= tostring(t) and tostring(coroutine.create(f)) ~= tostring(f)`,
      'A',
    )
    expect([same, distinct]).toEqual([true, true])
  })
})
