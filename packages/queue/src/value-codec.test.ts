import { deserialize, serialize } from 'node:v8'
import { ConversionError } from '@polyhost/core'
import { describe, expect, it } from 'vitest'
import { seededRandom } from '@polyhost/core/engine'
import { decodeValue, encodeValue, encodeValueSized } from './value-codec.js'

/** Through a job's JSON, as a value travels in Redis. */
const roundTrip = (v: unknown) => decodeValue(JSON.parse(JSON.stringify(encodeValue(v))))
/** What structured clone (V8's serializer, the format values used to travel in alone) gives. */
const cloned = (v: unknown) => deserialize(serialize(v))

class Point {
  constructor(
    readonly x: number,
    readonly y: number,
  ) {}
}

// a hole (index 1), written so: a literal hole is what the linter refuses
const sparse = [1, 2, 3]
delete sparse[1]
const extra = Object.assign([1, 2], { label: 'x' })
// holes after the last element: a length set past it
const longer = [1, 2]
longer.length = 4
const deep = Array.from({ length: 40 }).reduce<unknown>((inner) => ({ inner }), 1)

describe('encodeValue / decodeValue give what structured clone gives', () => {
  const cases: [string, unknown, 'json' | 'v8'][] = [
    ['a number', 6, 'json'],
    ['a string with a lone surrogate', 'a\ud800b', 'json'],
    ['nested plain data', { a: [1, 'two', null, true, { b: 2.5 }], c: {} }, 'json'],
    ['a __proto__ key', JSON.parse('{"__proto__": 1, "x": 2}'), 'json'],
    ['an object without prototype', Object.assign(Object.create(null), { a: 1 }), 'json'],
    ['-0', -0, 'v8'],
    ['NaN', Number.NaN, 'v8'],
    ['Infinity in an array', [1, Number.POSITIVE_INFINITY], 'v8'],
    ['undefined', undefined, 'v8'],
    ['undefined in an object', { a: undefined }, 'v8'],
    ['a sparse array', sparse, 'v8'],
    ['an array with an extra property', extra, 'v8'],
    ['an array with holes at its end', longer, 'v8'],
    ['a bigint', 12n, 'v8'],
    ['a Date', new Date(5), 'v8'],
    ['a Uint8Array', new Uint8Array([0, 255]), 'v8'],
    ['a Map', new Map([['a', 1]]), 'v8'],
    ['a class instance', new Point(1, 2), 'v8'],
    ['nesting deeper than the JSON path checks', deep, 'v8'],
  ]
  for (const [name, value, path] of cases) {
    it(`${name} (${path})`, () => {
      const encoded = encodeValue(value)
      expect(typeof encoded === 'string' ? 'v8' : 'json').toBe(path)
      const back = roundTrip(value)
      const want = cloned(value)
      expect(back).toStrictEqual(want)
      if (typeof want === 'number') expect(Object.is(back, want)).toBe(true)
      if (want && typeof want === 'object') expect(Object.getPrototypeOf(back)).toBe(Object.getPrototypeOf(want))
    })
  }

  it('a value structured clone refuses is a ConversionError', () => {
    expect(() => encodeValue({ f: () => 1 })).toThrow(/cannot be stored in a job/)
  })

  it('a V8 encoding that does not decode is a ConversionError, not a bare Error', () => {
    // a truncated object ('o' with no end): another producer's data, or a corrupted job
    for (const bad of ['/w9v', 'AAAA']) {
      expect(() => decodeValue(bad)).toThrow(ConversionError)
      expect(() => decodeValue(bad)).toThrow(/^\$: cannot be read from a job: Unable to deserialize/)
    }
  })
})

describe('encodeValueSized', () => {
  /** UTF-8 bytes of the encoding as a job's JSON holds it. */
  const stored = (encoded: unknown) => Buffer.byteLength(JSON.stringify(encoded))

  it('bounds the stored bytes from above, at the widest forms JSON writes', () => {
    const widest = [
      -0.0000012345678901234567,
      -2.2250738585072014e-308,
      -Number.MAX_VALUE,
      '\u0001\u001f"\\',
      'a\ud800b\udc00',
      '😀é中',
      { '\u0000\ud800': ['\u007f', true, false, null] },
      [[], {}, [{}], ''],
    ]
    for (const value of widest) {
      const { encoded, maxBytes } = encodeValueSized(value)
      expect(typeof encoded).toBe('object')
      expect(maxBytes).toBeGreaterThanOrEqual(stored(encoded))
    }
    // each number, string unit and container at its widest: the bound is exact there
    expect(encodeValueSized(-0.0000012345678901234567).maxBytes).toBe(stored({ j: -0.0000012345678901234567 }))
    expect(encodeValueSized('\u0001\ud800').maxBytes).toBe(stored({ j: '\u0001\ud800' }))
  })

  it('bounds random plain data, and gives the V8 form its exact size', () => {
    const next = seededRandom(20261206)
    const leaf = (): unknown => {
      const k = Math.floor(next() * 5)
      if (k === 0) return (next() - 0.5) * 10 ** Math.floor(next() * 40 - 20)
      if (k === 1) return String.fromCharCode(...Array.from({ length: Math.floor(next() * 8) }, () => Math.floor(next() * 0x10000)))
      if (k === 2) return next() < 0.5
      if (k === 3) return null
      return Math.floor(next() * 1e6)
    }
    const value = (depth: number): unknown => {
      if (depth > 3 || next() < 0.4) return leaf()
      const n = Math.floor(next() * 4)
      if (next() < 0.5) return Array.from({ length: n }, () => value(depth + 1))
      return Object.fromEntries(Array.from({ length: n }, () => [String(leaf()), value(depth + 1)]))
    }
    for (let i = 0; i < 2000; i++) {
      const { encoded, maxBytes } = encodeValueSized(value(0))
      expect(maxBytes).toBeGreaterThanOrEqual(stored(encoded))
    }
    for (const v8 of [new Map([['a', 1]]), -0, [1, undefined]]) {
      const { encoded, maxBytes } = encodeValueSized(v8)
      expect(typeof encoded).toBe('string')
      expect(maxBytes).toBe(stored(encoded))
    }
  })
})
