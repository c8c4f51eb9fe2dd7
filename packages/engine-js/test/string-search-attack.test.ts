import { describe, expect, it } from 'vitest'
import { type Outcome, runInline } from './child/run-inline.js'

// QuickJS searches a string for another one by comparing the whole needle at every position,
// never calling the interrupt handler: with 300 KB of strings each search below held an
// inline host for ~9 s under a 100 ms limit, and the time grows with the product of the two
// lengths (a 2 MB / 1 MB pair ran past a minute). A string needle in the Array searches is
// compared with every element of its length, and a replacement template's `$<` without a
// `>` after it is a scan to the end at each one (20 s for a 400 KB template); `sort` compares
// long strings natively (2,000 copies of a 1 MB string: 20.7 s). The searches
// now run as native calls of bounded cost (guest-string-search.ts). Run in a child that is
// killed if it holds on (built packages: `pnpm run build` first).

const PAIR = "const s = 'a'.repeat(2e5), t = 'a'.repeat(1e5) + 'b';"
const ELEMENTS = "const s = 'a'.repeat(1 << 20), a = Array(8000).fill(s), t = s.slice(1) + 'b';"
const SEARCHES: Record<string, string> = {
  indexOf: `${PAIR} s.indexOf(t)`,
  lastIndexOf: `${PAIR} s.lastIndexOf(t)`,
  includes: `${PAIR} s.includes(t)`,
  split: `${PAIR} s.split(t).length`,
  replace: `${PAIR} s.replace(t, 'x').length`,
  replaceAll: `${PAIR} s.replaceAll(t, 'x').length`,
  'indexOf from a position': `${PAIR} s.indexOf(t, 5)`,
  'Array indexOf with a long string': `${ELEMENTS} a.indexOf(t)`,
  'Array lastIndexOf with a long string': `${ELEMENTS} a.lastIndexOf(t)`,
  'Array includes with a long string': `${ELEMENTS} a.includes(t)`,
  'Array includes with a huge BigInt': 'const b = 2n ** 1000000n, a = Array(4e5).fill(b); a.includes(b + 1n)',
  'sort of long strings': "const s = 'a'.repeat(1 << 20), a = Array(8000).fill(s); for (;;) a.sort()",
  'toSorted of long strings': "const s = 'a'.repeat(1 << 20), a = [s + 'b', s + 'a', s + 'c', s]; for (;;) a.toSorted()",
  "'$<' without '>' in a template": "'x'.replace(/(?<a>x)/, '$<'.repeat(2e6)).length",
}

describe('long string searches stop at the time limit (inline)', () => {
  it('each trips the 100 ms limit within 3 s, and the host keeps working', async () => {
    const outcomes = await runInline([...Object.values(SEARCHES), "'abcabc'.indexOf('ca') + 'a-b'.split('-').length"])
    for (const [i, name] of Object.keys(SEARCHES).entries()) {
      const o = outcomes[i] as Outcome
      expect(o.error?.name, name).toBe('LimitExceededError')
      expect(o.error?.limit, name).toBe('timeout')
      expect(o.ms, name).toBeLessThan(3_000)
    }
    expect(outcomes.at(-1)?.value).toBe(4)
  }, 60_000)

  it('searches under the limit give their answers', async () => {
    const [o] = await runInline(
      [
        `const s = 'ab'.repeat(2e4) + 'c', t = 'ab'.repeat(1e3) + 'c', a = Array(400).fill(t.slice(1)); a.push(t);
        [s.indexOf(t), s.lastIndexOf(t), s.includes(t, 4e4), s.split(t).length, s.replace(t, '[$&]').length, a.indexOf(t), a.includes(t)].join()`,
      ],
      { timeoutMs: 10_000, memoryBytes: 16 * 2 ** 20 },
    )
    expect(o?.error).toBeUndefined()
    expect(o?.value).toBe('38000,38000,false,2,40003,400,true')
  }, 60_000)
})
