import { describe, expect, it } from 'vitest'
import { decodeLuaString, luaText } from './lua-strings.js'

describe('decodeLuaString', () => {
  it('returns strings for valid UTF-8 (ASCII fast path included)', () => {
    expect(decodeLuaString(new TextEncoder().encode('abc'))).toBe('abc')
    expect(decodeLuaString(new TextEncoder().encode('héllo ✓ 😀'))).toBe('héllo ✓ 😀')
    expect(decodeLuaString(new TextEncoder().encode('x'.repeat(100)))).toBe('x'.repeat(100))
  })

  it('returns a copy of the bytes for invalid UTF-8', () => {
    const bytes = new Uint8Array([0x61, 0xff, 0x00])
    const out = decodeLuaString(bytes)
    expect(out).toEqual(bytes)
    expect(out).not.toBe(bytes)
  })

  it('luaText replaces invalid sequences for messages', () => {
    expect(luaText(new Uint8Array([0x61, 0xff]))).toBe('a\uFFFD')
    expect(luaText(null)).toBe('')
  })
})
