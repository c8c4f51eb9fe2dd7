import { describe, expect, it } from 'vitest'
import { utf8Bytes } from '../src/store/text-bytes.js'

describe('utf8Bytes', () => {
  it("gives Buffer.from(s, 'utf8')'s bytes for ASCII, non-ASCII, long and broken strings", () => {
    const cases = [
      '',
      'HMSET',
      'bull:bench:1',
      '\0\x01\x7f',
      'é',
      'a\x80',
      'x'.repeat(64),
      `${'x'.repeat(63)}é`,
      'x'.repeat(65),
      '\ud83d\ude00',
      'lone \ud83d',
      'lone \ude00 low',
      `${'y'.repeat(40)}\u00ff`,
    ]
    for (const s of cases) expect(utf8Bytes(s).toString('hex'), JSON.stringify(s)).toBe(Buffer.from(s, 'utf8').toString('hex'))
  })

  it('gives a buffer of its own (writing it leaves other results alone)', () => {
    const a = utf8Bytes('abc')
    const b = utf8Bytes('abc')
    a[0] = 0x7a
    expect(b.toString('latin1')).toBe('abc')
  })
})
