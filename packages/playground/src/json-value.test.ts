import { describe, expect, it } from 'vitest'
import { toJsonData, toJsonValue } from './json-value.js'

describe('toJsonValue', () => {
  it('shows dates as ISO strings, and an invalid date as null (as JSON.stringify does) without throwing', () => {
    expect(toJsonValue(new Date(0)).value).toBe('1970-01-01T00:00:00.000Z')
    const invalid = toJsonValue(new Date(Number.NaN))
    expect(invalid.value).toBe(JSON.parse(JSON.stringify(new Date(Number.NaN))))
    expect(invalid.value).toBeNull()
    expect(invalid.text).toBe('Invalid Date')
    expect(toJsonValue({ when: new Date(Number.NaN) }).value).toEqual({ when: null })
  })

  it('keeps bigints and non-finite numbers apart from strings (toJsonData, which the CLI uses too)', () => {
    const v = ['1', 1n, 'NaN', Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, -0, 0]
    const want = ['1', { $bigint: '1' }, 'NaN', { $number: 'NaN' }, { $number: 'Infinity' }, { $number: '-Infinity' }, { $number: '-0' }, 0]
    expect(toJsonData(v)).toEqual(want)
    expect(toJsonValue(v).value).toEqual(want)
  })

  it("reads Lua's nil as nil, and leaves JS's null and undefined as JS prints them", () => {
    expect(toJsonValue(null, 'lua')).toEqual({ value: null, text: 'nil' })
    expect(toJsonValue(undefined, 'lua')).toEqual({ value: null, text: 'nil' })
    expect(toJsonValue(null, 'js').text).toBe('null')
    expect(toJsonValue(undefined, 'js').text).toBe('undefined')
    expect(toJsonValue(null).text).toBe('null')
    // only the value itself: inside a table it is data (its JSON), as the CLI prints it
    expect(toJsonValue([1, null], 'lua').text).toBe('[ 1, null ]')
  })
})
