import { describe, expect, it } from 'vitest'
import { toJsonValue } from './json-value.js'

describe('toJsonValue', () => {
  it('shows dates as ISO strings, and an invalid date as null (as JSON.stringify does) without throwing', () => {
    expect(toJsonValue(new Date(0)).value).toBe('1970-01-01T00:00:00.000Z')
    const invalid = toJsonValue(new Date(Number.NaN))
    expect(invalid.value).toBe(JSON.parse(JSON.stringify(new Date(Number.NaN))))
    expect(invalid.value).toBeNull()
    expect(invalid.text).toBe('Invalid Date')
    expect(toJsonValue({ when: new Date(Number.NaN) }).value).toEqual({ when: null })
  })
})
