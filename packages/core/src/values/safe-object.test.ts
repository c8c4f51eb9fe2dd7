import { describe, expect, it } from 'vitest'
import { DANGEROUS_KEYS, deepFreeze, isPlainObject, setSafe } from './safe-object.js'

describe('setSafe', () => {
  it.each([...DANGEROUS_KEYS])('stores %s as an own data property without touching prototypes', (key) => {
    const obj: Record<string, unknown> = {}
    setSafe(obj, key, { polluted: true })
    expect(Object.getPrototypeOf(obj)).toBe(Object.prototype)
    expect(Object.getOwnPropertyDescriptor(obj, key)?.value).toEqual({ polluted: true })
    expect(Object.keys(obj)).toEqual([key])
    expect(({} as Record<string, unknown>).polluted).toBeUndefined()
    expect((Object.prototype as unknown as Record<string, unknown>).polluted).toBeUndefined()
  })

  it('sets ordinary keys normally', () => {
    const obj: Record<string, unknown> = {}
    setSafe(obj, 'a', 1)
    expect(obj).toEqual({ a: 1 })
  })
})

describe('isPlainObject', () => {
  it('accepts literals and null-prototype objects only', () => {
    expect(isPlainObject({})).toBe(true)
    expect(isPlainObject(Object.create(null))).toBe(true)
    for (const v of [null, [], new Date(), new Map(), new (class A {})(), 'x', 1, () => 1]) expect(isPlainObject(v)).toBe(false)
  })
})

describe('deepFreeze', () => {
  it('freezes nested objects and arrays, tolerating cycles', () => {
    const v: Record<string, unknown> = { a: { b: [1, { c: 2 }] } }
    v.self = v
    deepFreeze(v)
    expect(Object.isFrozen(v)).toBe(true)
    expect(Object.isFrozen((v.a as { b: unknown[] }).b[1])).toBe(true)
  })

  it('leaves byte arrays (which cannot be frozen) as they are instead of throwing', () => {
    const v = deepFreeze({ bytes: new Uint8Array([1, 2]) })
    expect(Object.isFrozen(v)).toBe(true)
    expect(v.bytes[0]).toBe(1)
  })
})
