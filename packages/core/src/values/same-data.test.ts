import { describe, expect, it } from 'vitest'
import { sameData } from './same-data.js'

describe('sameData (what came back equals what was sent)', () => {
  it('accepts data that crossed unchanged, in the forms the engines give it back', () => {
    expect(sameData({ cents: 5, cur: 'EUR' }, { cents: 5, cur: 'EUR' })).toBe(true)
    expect(sameData({ a: 1 }, { a: 1, skipped: undefined })).toBe(true)
    expect(sameData({ a: 1 }, new Map([['a', 1]]))).toBe(true)
    expect(sameData(7, 7n)).toBe(true)
    expect(sameData([1, [2, 'x']], [1, [2, 'x']])).toBe(true)
    expect(sameData(new Uint8Array([1, 2]), new Uint8Array([1, 2]))).toBe(true)
    expect(sameData(Number.NaN, Number.NaN)).toBe(true)
    expect(sameData(new Date(5), new Date(5))).toBe(true)
  })

  it('refuses anything the script changed, added or removed', () => {
    expect(sameData({ cents: 99999999, cur: 'EUR' }, { cents: 5, cur: 'EUR' })).toBe(false)
    expect(sameData({ cents: 5, cur: 'EUR', extra: 1 }, { cents: 5, cur: 'EUR' })).toBe(false)
    expect(sameData({ cents: 5 }, { cents: 5, cur: 'EUR' })).toBe(false)
    expect(sameData([1, 2], [1, 2, 3])).toBe(false)
    expect(sameData({ 0: 1 }, [1])).toBe(false)
    expect(sameData(new Uint8Array([1, 3]), new Uint8Array([1, 2]))).toBe(false)
    expect(sameData('5', 5)).toBe(false)
    expect(sameData(8, 7n)).toBe(false)
  })

  it('matches a class instance only to itself', () => {
    class Money {}
    const m = new Money()
    expect(sameData(m, m)).toBe(true)
    expect(sameData(new Money(), m)).toBe(false)
    expect(sameData({}, m)).toBe(false)
  })
})
