import { describe, expect, it } from 'vitest'
import { keyAndNameCases, libraryEdgeCases, numberEdgeCases, utf8GotoCases } from './edge-snippets.js'
import { sortLexerCases } from './edge-snippets-lexer.js'
import { hasNative } from './native-lua.js'
import { numberHosts } from './number-hosts.js'

// A second sweep next to fidelity-sweep.test.ts, in areas it leaves out (test/edge-snippets.ts
// and test/edge-snippets-lexer.ts list them), each snippet judged by native lua5.3 / lua5.1 in the same run. A snippet whose
// native result is an integer beyond ±(2^53 − 1) must give `integer overflow` here (by design);
// bytes outside printable ASCII are compared as <n>, as a non-UTF-8 result reaches the host as bytes.
const { agrees } = numberHosts()

const ascii = (expr: string) => `(tostring((${expr})):gsub('[\\0-\\31\\128-\\255]', function(c) return '<' .. c:byte() .. '>' end))`

for (const mode of ['lua53', 'lua51'] as const) {
  const binary = mode === 'lua53' ? 'lua5.3' : 'lua5.1'
  describe.skipIf(!hasNative(binary))(`edge fidelity against native ${binary}`, () => {
    it('integer and float arithmetic edges, string to number coercion', async () => {
      const cases = numberEdgeCases(mode)
      expect(cases.length).toBeGreaterThan(mode === 'lua53' ? 200 : 150)
      expect(await agrees(cases.map(ascii), mode)).toBe(0)
    }, 300_000)

    it('format %s %c %i, unpack and # with holes, next, ipairs, strings with zeros', async () => {
      const cases = libraryEdgeCases(mode)
      expect(cases.length).toBeGreaterThan(250)
      expect(await agrees(cases.map(ascii), mode)).toBe(0)
    }, 300_000)

    it('utf8 edge code points and goto (5.3), number keys, error messages naming variables', async () => {
      const cases = [...utf8GotoCases(mode), ...keyAndNameCases()]
      expect(cases.length).toBeGreaterThan(mode === 'lua53' ? 120 : 50)
      expect(await agrees(cases.map(ascii), mode)).toBe(0)
    }, 300_000)

    it('sort permutations with odd comparators, table functions through metamethods, the lexer, float printing', async () => {
      const cases = sortLexerCases(mode)
      expect(cases.length).toBeGreaterThan(120)
      expect(await agrees(cases.map(ascii), mode)).toBe(0)
    }, 300_000)
  })
}
