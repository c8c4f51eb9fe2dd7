import { type CustomType, createHost, type Host } from '@polyhost/core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { jsEngine } from '../src/index.js'

/** Custom types are rebuilt only from data the script did not modify. */
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

let host: Host
beforeAll(async () => {
  host = await createHost({ engines: [jsEngine()], pool: { min: 1, max: 1 } })
  host.converters.register(money)
})
afterAll(() => host.close())
const js = (source: string, globals: Record<string, unknown> = {}) => host.execute({ language: 'js', source, globals })

describe('custom types are rebuilt only from data the script did not modify', () => {
  it('an unchanged value comes back as the host type, a modified one as plain data', async () => {
    const price = new Money(250)
    const same = (await js('[price, { inner: price }]', { price })).value as [Money, { inner: Money }]
    expect(same[0]).toBeInstanceOf(Money)
    expect(same[1].inner).toBeInstanceOf(Money)
    rebuilt = 0
    const changed = (await js('price.cents = 99999999; price', { price })).value
    expect(changed).not.toBeInstanceOf(Money)
    expect(changed).toEqual({ cents: 99999999 })
    expect(rebuilt).toBe(0)
    expect((await js('price.owner = "eve"; price', { price })).value).toEqual({ cents: 250, owner: 'eve' })
    expect((await js('delete price.cents; price', { price })).value).toEqual({})
  })

  it('a value from an earlier execution on the same state is not taken for this one', async () => {
    await js('globalThis.kept = price; 1', { price: new Money(1) })
    const r = (await js('({ cents: 1 })', { price: new Money(1) })).value
    expect(r).not.toBeInstanceOf(Money)
  })
})
