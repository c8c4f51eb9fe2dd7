import { describe, expect, it } from 'vitest'
import { describeValue, PolicyError, quoteText } from './errors.js'

describe('quoteText', () => {
  it('quotes a short string whole, as JSON', () => {
    expect(quoteText('a"b')).toBe('"a\\"b"')
    expect(quoteText('x'.repeat(40))).toBe(`"${'x'.repeat(40)}"`)
  })

  it('cuts a long string after 40 characters and gives its length', () => {
    expect(quoteText('y'.repeat(100_000))).toBe(`"${'y'.repeat(40)}…" (100000 characters)`)
  })

  it('never leaves half of a surrogate pair at the cut', () => {
    const s = `${'a'.repeat(39)}😀${'b'.repeat(10)}`
    const quoted = quoteText(s)
    expect(quoted).toBe(`"${'a'.repeat(39)}…" (51 characters)`)
    expect(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])/.test(quoted)).toBe(false)
  })
})

describe('describeValue', () => {
  it.each([
    [-1, '-1'],
    [Number.NaN, 'NaN'],
    [true, 'true'],
    [null, 'null'],
    [undefined, 'undefined'],
    ['5', '"5"'],
    [[1], 'an array'],
    [{ a: 1 }, 'an object'],
    [() => 1, 'a function'],
    [10n, 'bigint'],
    [Symbol('s'), 'symbol'],
  ])('describes %o as %s', (value, text) => {
    expect(describeValue(value)).toBe(text)
  })

  it('quotes long strings as quoteText does, so a policy error stays short', () => {
    const e = new PolicyError('limits.timeoutMs', `received ${describeValue('z'.repeat(5000))}`)
    expect(e.message).toBe(`limits.timeoutMs: received "${'z'.repeat(40)}…" (5000 characters)`)
  })
})
