import { describe, expect, it } from 'vitest'
import { ConverterRegistry } from './converters.js'
import { classifyHostValue, fitsInteger, hasLoneSurrogate } from './kinds.js'

const reg = new ConverterRegistry()
const kind = (v: unknown) => classifyHostValue(v, reg).kind

describe('classifyHostValue', () => {
  it('follows the value model table', () => {
    expect(classifyHostValue(undefined, reg)).toEqual({ kind: 'nil', undefined: true })
    expect(classifyHostValue(null, reg)).toEqual({ kind: 'nil', undefined: false })
    expect([true, 's', 1.5, 10n, () => 1].map(kind)).toEqual(['boolean', 'string', 'number', 'bigint', 'function'])
    expect(kind([1])).toBe('array')
    expect(kind({ a: 1 })).toBe('object')
    expect(kind(Object.create(null))).toBe('object')
    const bytes = Buffer.from('x')
    expect(classifyHostValue(bytes, reg)).toEqual({ kind: 'bytes', bytes })
    expect(kind(new Map([['a', 1]]))).toBe('map')
  })

  it('treats Date as the registered custom type', () => {
    const k = classifyHostValue(new Date(0), reg)
    expect(k.kind === 'custom' && k.type.name).toBe('Date')
  })

  it('consults custom types before the built-in rows', () => {
    const r = new ConverterRegistry()
    r.register({ name: 'Pair', test: (v) => Array.isArray(v) && v.length === 2, toScript: (v) => v, fromScript: (v) => v })
    expect(classifyHostValue([1, 2], r).kind).toBe('custom')
    expect(classifyHostValue([1, 2, 3], r).kind).toBe('array')
  })

  it('names unsupported values and suggests a custom type', () => {
    expect(classifyHostValue(Symbol('s'), reg)).toEqual({ kind: 'unsupported', what: 'symbol' })
    class Money {}
    const k = classifyHostValue(new Money(), reg)
    expect(k).toEqual({ kind: 'unsupported', what: 'instance of Money (register a custom type for it)' })
    expect(kind(new Set())).toBe('unsupported')
  })
})

describe('fitsInteger', () => {
  const int32: [number, number] = [-(2 ** 31), 2 ** 31 - 1]
  it('accepts integers in range only', () => {
    expect(fitsInteger(5, int32)).toBe(true)
    expect(fitsInteger(2 ** 31 - 1, int32)).toBe(true)
    expect(fitsInteger(2 ** 31, int32)).toBe(false)
    expect(fitsInteger(-(2 ** 31) - 1, int32)).toBe(false)
  })
  it('rejects fractions, -0, NaN and infinities', () => {
    for (const n of [1.5, -0, Number.NaN, Number.POSITIVE_INFINITY]) expect(fitsInteger(n, int32)).toBe(false)
  })
  it('without a range any integer fits', () => {
    expect(fitsInteger(2 ** 53, undefined)).toBe(true)
  })
})

describe('hasLoneSurrogate', () => {
  it('finds unpaired halves only', () => {
    expect(['a\ud800b', 'a\udc00', '\ud800'].map(hasLoneSurrogate)).toEqual([true, true, true])
    expect(['', 'abc', 'a\ud83d\ude00b', 'é'].map(hasLoneSurrogate)).toEqual([false, false, false, false])
  })
})
