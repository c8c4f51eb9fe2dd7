import { describe, expect, it } from 'vitest'
import { hasNative } from './native-lua.js'
import { numberHosts } from './number-hosts.js'

// Hex float numerals are rounded once, to nearest with ties to even, as glibc's strtod (which
// lua5.3 and lua5.1 use) rounds them: lua_strx2number summed the digits in a double, rounding
// after each one past 53 bits, so `0x20a9Ff9C542e.85A7fEeBf9fDcECfC0p4` was 574632159953640.25
// (native: .375). Found by test/random-differential.test.ts's numerals. Each numeral goes
// through tonumber, string arithmetic and the lexer, printed with %.17g, against native.
const { agrees } = numberHosts()

const NUMERALS = [
  '0x20a9Ff9C542e.85A7fEeBf9fDcECfC0p4',
  '-0x36Fc6E84FDe781bae25f2p+35',
  '0X4fF0aEb38f74F2ff8f',
  '0xEfb89f67Bcb074cCffF049.',
  '0x07CaEACf.ff8CdF2A988f0P+8',
  '-0xbddd088C02c2f4ffE2A2C.C4dfBBC88a176C202FB8e0eP-564',
  '0x1.00000000000008p0', // exactly halfway: to even (down)
  '0x1.00000000000018p0', // exactly halfway: to even (up)
  '0x1.000000000000080000000000000000000001p0', // a sticky digit far beyond the kept ones: up
  '0x1.fffffffffffff8p0', // rounds up to 2
  '0x1.fffffffffffff8p1023', // rounds up past the largest double: inf
  '0x1.fffffffffffff7ffffp1023',
  '0x.0000000000001p-1022', // the smallest subnormal
  '0x1p-1075', // half of it: to even (0)
  '0x1.0000001p-1075', // just over half: the smallest subnormal
  '0x3p-1076', // 0.75 of it: up
  '0x1.8000000000000000001p-1074',
  '0x0.00000000000000000000000000000000000000000001p200',
  '0x123456789abcdef123456789abcdef',
  '0x0000000000000000000000000000000000001.8p0',
  '0x1p99999999999',
  '0x1p-99999999999',
]

for (const mode of ['lua53', 'lua51'] as const) {
  const binary = mode === 'lua53' ? 'lua5.3' : 'lua5.1'
  describe.skipIf(!hasNative(binary))(`hex float numerals against native ${binary}`, () => {
    it('tonumber, coercion and the lexer round once, ties to even', async () => {
      const load = mode === 'lua53' ? 'load' : 'loadstring'
      // without '.' or 'p' a hex numeral is an integer in 5.3 (wrapping modulo 2^64), a float in 5.1
      const numerals = mode === 'lua53' ? NUMERALS.filter((n) => /[.pP]/.test(n)) : NUMERALS
      const cases = numerals.flatMap((n) => [
        `string.format('%.17g', tonumber('${n}'))`,
        `string.format('%.17g', ' ${n} ' + 0)`,
        `string.format('%.17g', -('${n}'))`,
        ...(n.startsWith('-') ? [] : [`string.format('%.17g', ${load}('return ${n}')())`]),
      ])
      expect(await agrees(cases, mode)).toBe(0)
    }, 120_000)
  })
}
