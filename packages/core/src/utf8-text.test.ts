import { describe, expect, it } from 'vitest'
import { InvalidArgumentError } from './errors.js'
import { decodeUtf8, firstInvalidUtf8 } from './utf8-text.js'

const bytes = (...b: number[]) => new Uint8Array(b)

describe('decodeUtf8', () => {
  it('decodes UTF-8 and drops a leading byte order mark', () => {
    expect(decodeUtf8(Buffer.from('return "é€😀"'), 'a.lua', 'run')).toBe('return "é€😀"')
    expect(decodeUtf8(bytes(0xef, 0xbb, 0xbf, 0x31), 'a.lua', 'run')).toBe('1')
  })

  it('refuses bytes that are not UTF-8, naming the input and the offset', () => {
    const latin1 = Buffer.from('return #"\xe9"', 'latin1')
    expect(() => decodeUtf8(latin1, 'latin.lua', 'run')).toThrow(
      new InvalidArgumentError('run: latin.lua is not UTF-8: byte 0xE9 at offset 9 (scripts and inputs must be UTF-8 text)'),
    )
    expect(() => decodeUtf8(bytes(0xff, 0x20, 0x31), '<stdin>', 'eval')).toThrow(/eval: <stdin> is not UTF-8: byte 0xFF at offset 0/)
  })
})

describe('firstInvalidUtf8', () => {
  it.each([
    ['ASCII', [0x61, 0x62], -1],
    ['a 4-byte sequence', [0xf0, 0x9f, 0x98, 0x80], -1],
    ['a stray continuation', [0x61, 0x80], 1],
    ['an overlong form', [0xc0, 0xaf], 0],
    ['an overlong 3-byte form', [0xe0, 0x80, 0xaf], 0],
    ['a surrogate', [0x61, 0xed, 0xa0, 0x80], 1],
    ['past U+10FFFF', [0xf4, 0x90, 0x80, 0x80], 0],
    ['a sequence cut short at the end', [0x61, 0xe2, 0x82], 1],
    ['a sequence broken by ASCII', [0xe2, 0x22, 0x61], 0],
  ])('%s', (_what, input, at) => {
    expect(firstInvalidUtf8(bytes(...input))).toBe(at)
  })

  it('agrees with the fatal TextDecoder on random bytes, and what precedes the offset decodes', () => {
    const fatal = new TextDecoder('utf-8', { fatal: true })
    const wrong: string[] = []
    let seed = 42
    const random = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31
      return seed / 2 ** 31
    }
    for (let n = 0; n < 20_000; n++) {
      const b = new Uint8Array(Math.floor(random() * 7))
      for (let j = 0; j < b.length; j++) b[j] = random() < 0.6 ? 0x80 + Math.floor(random() * 0x80) : Math.floor(random() * 256)
      let valid = true
      try {
        fatal.decode(b)
      } catch {
        valid = false
      }
      const at = firstInvalidUtf8(b)
      let prefixValid = true
      try {
        if (!valid) fatal.decode(b.subarray(0, at))
      } catch {
        prefixValid = false
      }
      if (valid !== (at === -1) || !prefixValid) wrong.push([...b].map((x) => x.toString(16)).join(' '))
    }
    expect(wrong).toEqual([])
  })
})
