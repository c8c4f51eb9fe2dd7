import { describe, expect, it } from 'vitest'
import { numeralMode, repeatInto, str2number } from './numerals.js'

const bytes = (s: string) => new TextEncoder().encode(s)

describe('repeatInto', () => {
  it('fills s, sep, s, ..., s exactly like a loop of copies', () => {
    for (const [s, sep, n] of [
      ['ab', ',', 7],
      ['x', '', 33],
      ['abc', '--', 1],
      ['', '|', 5],
      ['q', '', 0],
    ] as const) {
      const total = Math.max(0, n * s.length + (n - 1) * sep.length)
      const p = new Uint8Array(total)
      repeatInto(p, bytes(s), bytes(sep), total)
      expect(new TextDecoder().decode(p)).toBe(Array.from({ length: n }, () => s).join(sep))
    }
  })
})

describe('str2number', () => {
  it('matches parseFloat of the same numeral, with its length in bytes', () => {
    for (const text of ['  12.5e3  ', '-0', '.5', '5.', '1e', '1e+', '0x10', '00012', '1.2.3']) {
      const m = /^[\t\v\f \n\r]*[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]*)(?:[eE][+-]?[0-9]+)?/.exec(text)
      const want = m && !Number.isNaN(Number.parseFloat(m[0])) ? { n: Number.parseFloat(m[0]), i: m[0].length } : null
      expect(str2number(bytes(text)), text).toEqual(want)
    }
    expect(str2number(bytes('.'))).toBeNull()
    expect(str2number(bytes('-'))).toBeNull()
  })

  it('keeps correct rounding past 800 digits (sticky digit)', () => {
    expect(str2number(bytes(`9007199254740993.${'0'.repeat(1000)}1`))?.n).toBe(9007199254740994)
    expect(str2number(bytes(`9007199254740993.${'0'.repeat(1000)}`))?.n).toBe(9007199254740992)
  })
})

describe('numeralMode', () => {
  it("is the first of '.xXnN', as strpbrk", () => {
    expect(String.fromCharCode(numeralMode(bytes('12x.5')))).toBe('x')
    expect(String.fromCharCode(numeralMode(bytes('1.5e5n')))).toBe('.')
    expect(numeralMode(bytes('123'))).toBe(0)
  })
})
