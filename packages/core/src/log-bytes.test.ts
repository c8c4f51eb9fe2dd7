import { describe, expect, it } from 'vitest'
import { LOG_LINE_BYTES, logLineBytes } from './log-bytes.js'

const encoder = new TextEncoder()
/** What the line costs when written out: TextEncoder writes a lone surrogate as U+FFFD. */
const written = (s: string) => LOG_LINE_BYTES + encoder.encode(s).byteLength

describe('logLineBytes', () => {
  it('counts a line as the UTF-8 bytes it is written as, lone surrogates included', () => {
    const samples = ['', 'ascii', 'é', '€', '😀', '\ud800', '\udc00', '\ud800x', 'x\udfff', '\ud800\ud800', '\udc00\ud800', 'a😀\ud83d']
    for (const s of samples) expect([s, logLineBytes(s)]).toEqual([s, written(s)])
    expect(logLineBytes('\ud800'.repeat(492))).toBe(written('\ud800'.repeat(492)))
  })

  it('agrees with the encoder on random short and long strings', () => {
    const units = [0x41, 0xe9, 0x20ac, 0xd83d, 0xde00, 0xd800, 0xdfff, 0x7ff, 0x800, 0xffff]
    let seed = 7
    const next = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff)
    for (let round = 0; round < 500; round++) {
      const length = round % 50 === 0 ? 1500 : next() % 40
      const s = String.fromCharCode(...Array.from({ length }, () => units[next() % units.length] as number))
      expect(logLineBytes(s)).toBe(written(s))
    }
  })
})
