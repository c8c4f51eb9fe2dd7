import { ConversionError, type CustomType, createHost, defineBridge, type Host } from '@polyhost/core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { z } from 'zod'
import { luaEngine } from '../src/index.js'

/** Values never change silently: colliding keys, and custom types the script modified. */
class Money {
  constructor(readonly cents: number) {}
}
let rebuilt = 0
const money: CustomType<Money, { cents: number }> = {
  name: 'Money',
  test: (v) => v instanceof Money,
  toScript: (m) => ({ cents: m.cents }),
  fromScript: (s) => {
    rebuilt++
    return new Money(s.cents)
  },
}
const tag: CustomType<{ tag: string }, string> = {
  name: 'Tag',
  test: (v) => typeof v === 'object' && v !== null && 'tag' in v,
  toScript: (t) => t.tag,
  fromScript: (s) => ({ tag: s }),
}

let host: Host
beforeAll(async () => {
  host = await createHost({ engines: [luaEngine()], pool: { min: 1, max: 1 } })
  host.converters.register(money)
  host.converters.register(tag)
  host.bridges.register(defineBridge({ name: 'echo', methods: { back: { args: [z.unknown()], handler: (_ctx, v) => v } } }))
})
afterAll(() => host.close())
const lua = (source: string, globals: Record<string, unknown> = {}) => host.execute({ language: 'lua', source, globals })

describe('Lua tables with a number key and a string key for the same host key', () => {
  it("{[1]='a', ['1']='b', [3]='c'} is a ConversionError naming the key (was: 'a' dropped)", async () => {
    const e = await lua("return {[1]='a', ['1']='b', [3]='c'}").catch((x: unknown) => x)
    expect(e).toBeInstanceOf(ConversionError)
    expect((e as ConversionError).path).toBe('$["1"]')
    expect((e as ConversionError).message).toMatch(/number key 1 and the string key "1"/)
  })

  it('is found in either order, nested, for float keys, and in bridge arguments', async () => {
    const nested = await lua("return { list = { x = 1, ['2.5'] = 'b', [2.5] = 'a' } }").catch((x: unknown) => x)
    expect((nested as ConversionError).path).toBe('$.list["2.5"]')
    const arg = await lua("local ok, e = pcall(echo.back, { ['7'] = 1, [7] = 2 }) return e").then((r) => r.value)
    expect(arg).toMatch(/number key 7 and the string key "7"/)
  })

  it('keeps tables whose keys differ as host keys', async () => {
    expect((await lua("return {[1]='a', ['01']='b', [3]='c', x = 1}")).value).toEqual({ 1: 'a', '01': 'b', 3: 'c', x: 1 })
  })
})

describe('custom types are rebuilt only from data the script did not modify', () => {
  it('an unchanged value comes back as the host type, a modified one as plain data', async () => {
    const price = new Money(250)
    const same = await lua('return price, { inner = price }', { price })
    expect(same.values[0]).toBeInstanceOf(Money)
    expect((same.values[1] as { inner: Money }).inner).toBeInstanceOf(Money)
    rebuilt = 0
    const changed = (await lua('price.cents = 99999999 return price', { price })).value
    expect(changed).not.toBeInstanceOf(Money)
    expect(changed).toEqual({ cents: 99999999 })
    expect(rebuilt).toBe(0)
    const added = (await lua('price.owner = "eve" return price', { price })).value
    expect(added).toEqual({ cents: 250, owner: 'eve' })
  })

  it('a script-made look-alike is plain data; a string custom value (immutable) is rebuilt while it is the same string', async () => {
    expect((await lua('return { cents = 250 }', { price: new Money(250) })).value).not.toBeInstanceOf(Money)
    expect((await lua('return t', { t: { tag: 'x' } })).value).toEqual({ tag: 'x' })
    expect((await lua('return t .. ""', { t: { tag: 'x' } })).value).toEqual({ tag: 'x' })
    expect((await lua('return t .. "y"', { t: { tag: 'x' } })).value).toBe('xy')
  })
})
