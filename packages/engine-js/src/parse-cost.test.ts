import { describe, expect, it } from 'vitest'
import { longestClass, mayParseSlowly } from './parse-cost.js'

const cjk = (n: number) => Array.from({ length: n }, (_, i) => String.fromCharCode(0x4e00 + 2 * i)).join('')

describe('which small sources are parsed off-thread first', () => {
  it('regexp literals that compile slowly', () => {
    expect(mayParseSlowly(Array.from({ length: 300 }, () => '/[\\P{Ll}\\P{Lu}\\P{L}\\P{N}\\P{Lo}]/iu').join(';'))).toBe(true)
    expect(mayParseSlowly(`/${'\\p{L}\\P{N}'.repeat(1600)}/iu`)).toBe(true)
    expect(mayParseSlowly(Array.from({ length: 900 }, () => '/\\p{RGI_Emoji}/v').join(';'))).toBe(true)
    expect(mayParseSlowly(Array.from({ length: 1800 }, () => '/[ -\uffff]/i').join(';'))).toBe(true)
    expect(mayParseSlowly(`/(?i:${'[ -\uffff]'.repeat(100)})/`)).toBe(true)
    expect(mayParseSlowly(`/[${cjk(16_000)}]/`)).toBe(true)
    // a `\]` does not close the class, nor a `[` open another one
    expect(mayParseSlowly(`/[${cjk(200)}\\]${cjk(200)}[${cjk(200)}]/`)).toBe(true)
  })

  it('ordinary scripts stay inline', () => {
    for (const source of [
      '/abc/i.test(s) && /^[a-z0-9_-]+$/i.test(name)',
      'const r = /\\p{L}+/u; r.test(s)',
      'a / i - b',
      '[1, [2, 3], 4]',
      `const data = [${Array.from({ length: 30 }, (_, i) => `[${i}, ${i + 1}]`).join(', ')}]`,
      `x = ${'a - b - '.repeat(500)}c`,
    ]) {
      expect(mayParseSlowly(source), source).toBe(false)
    }
    expect(longestClass('[a[b]c]')).toBe(4)
  })
})
