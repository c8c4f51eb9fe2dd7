import { createRequire } from 'node:module'
import { describe, expect, it } from 'vitest'
import { fengari } from './fengari-api.js'

const original = createRequire(import.meta.url)('fengari') as { to_luastring(s: string, cache?: boolean): Uint8Array }

describe('speed patches give what unpatched fengari gives', () => {
  it('to_luastring: ASCII, NUL, Latin-1, BMP, astral, lone surrogates, long strings, cached', () => {
    const corpus = [
      '',
      'a',
      'string.format',
      '\0',
      'a\0b',
      '\x7f',
      '\x80',
      'é',
      'ÿ',
      '€uro',
      'x😀y',
      '\ud83d',
      '\ude00x',
      'a\ud800\ud800b',
      'x'.repeat(100_000),
      `${'y'.repeat(1000)}é`,
      'é'.repeat(1000),
    ]
    for (const numbers of ['lua53', 'lua51'] as const) {
      const patched = fengari(numbers).internal.to_luastring
      for (const s of corpus) {
        const got = patched(s)
        expect(got).toBeInstanceOf(Uint8Array)
        expect([...got]).toEqual([...original.to_luastring(s)])
      }
    }
  })
})
