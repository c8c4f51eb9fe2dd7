import { describe, expect, it } from 'vitest'
import { escapeForTerminal, escapeJsonForTerminal } from './terminal-text.js'

describe('escapeForTerminal', () => {
  it('shows controls as escapes and leaves other text alone', () => {
    expect(escapeForTerminal('a\rb\x1b[2Kc\x07\x00\x7f\x9b')).toBe('a\\rb\\x1b[2Kc\\x07\\x00\\x7f\\x9b')
    expect(escapeForTerminal('plain, accents é, CJK 漢字, emoji 😀')).toBe('plain, accents é, CJK 漢字, emoji 😀')
  })

  it('escapes newline and tab unless the text is multi-line', () => {
    expect(escapeForTerminal('a\nb\tc')).toBe('a\\nb\\tc')
    expect(escapeForTerminal('a\nb\tc\r', { multiline: true })).toBe('a\nb\tc\\r')
  })

  it('escapes bidi controls and invisible format characters, keeps joiners', () => {
    expect(escapeForTerminal('\u202eabc\u2066\u2069\u200b\u200e\u061c\u2028\ufeff\u00ad')).toBe(
      '\\u202eabc\\u2066\\u2069\\u200b\\u200e\\u061c\\u2028\\ufeff\\xad',
    )
    const family = '👩\u200d👩\u200d👧'
    expect(escapeForTerminal(family)).toBe(family)
  })

  it('escapes astral format characters (tags) and lone surrogates', () => {
    expect(escapeForTerminal('x\u{e0041}y')).toBe('x\\u{e0041}y')
    expect(escapeForTerminal('x\ud800y')).toBe('x\\ud800y')
  })

  it('gives the same answer on repeated calls (no regex state carried over)', () => {
    for (let i = 0; i < 3; i++) expect(escapeForTerminal('\x1b')).toBe('\\x1b')
  })
})

describe('escapeJsonForTerminal', () => {
  it('keeps the JSON equal while escaping what JSON.stringify leaves raw', () => {
    const value = { s: 'a\x7fb\x85c\u202ed\u{e0041}e\u2028f\x1b', k: ['\u200d'] }
    const json = escapeJsonForTerminal(JSON.stringify(value))
    expect(json).toBe('{"s":"a\\u007fb\\u0085c\\u202ed\\udb40\\udc41e\\u2028f\\u001b","k":["\u200d"]}')
    expect(JSON.parse(json)).toEqual(value)
  })
})
