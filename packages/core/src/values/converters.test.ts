import { describe, expect, it } from 'vitest'
import { ConversionError, InvalidArgumentError } from '../errors.js'
import { ConverterRegistry, type CustomType, dateType } from './converters.js'

class Money {
  constructor(readonly cents: number) {}
}
const money: CustomType<Money, { cents: number }> = {
  name: 'Money',
  test: (v) => v instanceof Money,
  toScript: (m) => ({ cents: m.cents }),
  fromScript: (s) => new Money(s.cents),
}

describe('ConverterRegistry', () => {
  it('has Date by default, as an ISO string that round-trips', () => {
    const r = new ConverterRegistry()
    const d = new Date('2024-05-01T10:00:00.000Z')
    expect(r.find(d)).toBe(dateType)
    expect(dateType.toScript(d)).toBe('2024-05-01T10:00:00.000Z')
    expect(dateType.fromScript(dateType.toScript(d)).getTime()).toBe(d.getTime())
    expect(dateType.toScript(new Date(Number.NaN))).toBe('Invalid Date')
  })

  it('registers, finds, lists and unregisters custom types; versions every change', () => {
    const r = new ConverterRegistry()
    const v0 = r.version
    r.register(money)
    expect(r.version).toBe(v0 + 1)
    expect(r.find(new Money(5))?.name).toBe('Money')
    // engines get the guarded form (find, get); list gives the types as registered
    expect(r.get('Money')).toBe(r.find(new Money(5)))
    expect(r.list()).toEqual([money, dateType])
    expect(r.unregister('Money')).toBe(true)
    expect(r.unregister('Money')).toBe(false)
    expect(r.version).toBe(v0 + 2)
    expect(r.find(new Money(5))).toBeUndefined()
  })

  it('tries the newest type first, so a host can replace how Date crosses', () => {
    const r = new ConverterRegistry()
    r.register({
      name: 'EpochDate',
      test: (v) => v instanceof Date,
      toScript: (d: Date) => d.getTime(),
      fromScript: (n: number) => new Date(n),
    })
    expect(r.find(new Date())?.name).toBe('EpochDate')
  })

  it('never tests primitives', () => {
    const r = new ConverterRegistry([])
    let calls = 0
    r.register({ name: 'Any', test: () => ++calls > 0, toScript: (v) => v, fromScript: (v) => v })
    expect(r.find('x')).toBeUndefined()
    expect(r.find(null)).toBeUndefined()
    expect(calls).toBe(0)
  })

  it('rejects malformed and duplicate types with InvalidArgumentError', () => {
    const r = new ConverterRegistry()
    expect(() => r.register({ ...money, name: '' })).toThrow(InvalidArgumentError)
    expect(() => r.register({ ...money, toScript: 5 } as never)).toThrow("custom type 'Money': toScript must be a function")
    expect(() => r.register(null as never)).toThrow(InvalidArgumentError)
    r.register(money)
    expect(() => r.register(money)).toThrow("custom type 'Money' is already registered")
  })

  it('a fromScript that throws is a ConversionError naming the type, its message sanitised', () => {
    const r = new ConverterRegistry()
    r.register({
      ...money,
      fromScript: () => {
        throw new Error('bad cents at /srv/app/money.js:3:1')
      },
    })
    const t = r.find(new Money(1)) as CustomType
    expect(() => t.fromScript({ cents: 1 })).toThrow(ConversionError)
    expect(() => t.fromScript({ cents: 1 })).toThrow("$: custom type 'Money': fromScript failed: bad cents at <host>")
    expect(t.toScript(new Money(2))).toEqual({ cents: 2 })
  })
})
