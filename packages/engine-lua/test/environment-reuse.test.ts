import { createHost, type Host } from '@polyhost/core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { luaEngine } from '../src/index.js'

// One state runs every execution here (pool of one, no tenant). An execution's _ENV is kept
// for the next one when the script did not write to it: the host's globals are then put back
// to the base's values or removed. What the next execution sees must be exactly what a new
// copy of the base would hold, in the same order, whatever the previous one did.

const LIST = `local keys = {} for k, v in pairs(_G) do keys[#keys + 1] = tostring(k) .. ':' .. type(v) end
  return table.concat(keys, ',')`

let host: Host
let fresh: Host
beforeAll(async () => {
  host = await createHost({ engines: [luaEngine()], pool: { min: 1, max: 1 } })
  fresh = await createHost({ engines: [luaEngine()], pool: { min: 1, max: 1 } })
})
afterAll(async () => {
  await host.close()
  await fresh.close()
})

const lua = async (h: Host, source: string, globals: Record<string, unknown> = {}, context?: Record<string, unknown>) =>
  (await h.execute({ language: 'lua', source, globals, context })).values
/** The global table's keys and value types, in iteration order, on a state that never ran a script. */
const firstListing = async () => {
  const h = await createHost({ engines: [luaEngine()], pool: { min: 1, max: 1 } })
  try {
    return (await lua(h, LIST))[0]
  } finally {
    await h.close()
  }
}

describe('the execution environment after an earlier execution on the same state', () => {
  it('lists the same globals in the same order as on a new state', async () => {
    const expected = await firstListing()
    const previous: [string, Record<string, unknown>][] = [
      ['return a + b', { a: 1, b: 2 }],
      ['print = 5 return print', { zz: 'x' }],
      ['tostring = nil return 1', { extra: [1, 2] }],
      ['_G = 7 return 1', {}],
      ['return 1', {}],
    ]
    for (const [source, globals] of previous) {
      await lua(host, source, globals, { n: 1 })
      expect((await lua(host, LIST))[0]).toBe(expected)
    }
  })

  it('has none of the previous execution’s globals and the base’s own values back', async () => {
    // host globals cannot replace a built-in (builtin-globals.test.ts): the script replaces them
    await lua(host, "print = 'not a function' string = 1 return 1", { secret: 'A' })
    const [secret, printType, stringType, raw] = await lua(host, "return secret, type(print), type(string), rawget(_G, 'secret')")
    expect([secret, printType, stringType, raw]).toEqual([null, 'function', 'table', null])
  })

  it('drops what a script wrote to its globals, by assignment, rawset or metatable', async () => {
    await lua(host, 'leaked = 1; print = nil')
    await lua(host, "rawset(_G, 'leaked2', 2)")
    await lua(host, 'setmetatable(_G, { __index = function() return "meta" end })')
    const [a, b, c, d] = await lua(host, 'return leaked, leaked2, type(print), getmetatable(_G)')
    expect([a, b, c, d]).toEqual([null, null, 'function', null])
    expect((await lua(host, LIST))[0]).toBe(await firstListing())
  })

  it('sees the base as it is now, after a library a script changed was restored', async () => {
    // library tables are writable under the default preset (restored after the execution)
    const h = await createHost({ engines: [luaEngine()], pool: { min: 1, max: 1 } })
    try {
      await lua(h, 'return 1')
      await lua(h, 'string.marker = 1 return 1')
      const [marker, same] = await lua(h, "return string.marker, _G.string == require 'string'")
      expect([marker, same]).toEqual([null, true])
    } finally {
      await h.close()
    }
  })

  it('gives each execution its own context and host values, never the previous ones', async () => {
    for (let i = 0; i < 20; i++) {
      const [ctx, v] = await lua(fresh, 'return context.n, v', { v: i }, { n: i })
      expect([ctx, v]).toEqual([i, i])
    }
  })
})
