import { createHost, type Host } from '@polyhost/core'
import { seededRandom } from '@polyhost/core/engine'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { jsEngine } from '../src/index.js'

// The sandbox's string searches (guest-string-search.ts) split long searches into native
// calls of bounded cost, and sort long strings with a comparator that compares them in pieces. Their answers must be the native ones: each generated case is large
// enough to take the split path (haystack × needle over 2^18 comparisons, needles over the
// 4,096-character piece too) and is compared with the same calls made by V8 in this process.

const next = seededRandom(20261205)
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)] as T
const text = (n: number, alphabet: string) => Array.from({ length: n }, () => pick([...alphabet])).join('')
const TEMPLATES = ['[$&]', '$$-$`-', "$'", '$1$<x>$', 'plain', '$<a>$<', '$<$<$<']

interface Case {
  s: string
  t: string
  k: number
  tpl: string
}

function makeCase(): Case {
  const long = next() < 0.3
  const n = long ? 12_000 + Math.floor(next() * 8_000) : 2_000 + Math.floor(next() * 6_000)
  const s = text(n, pick(['ab', 'aab', 'abc']))
  const m = long ? 4_500 + Math.floor(next() * 2_000) : 150 + Math.floor(next() * 500)
  // a needle from the haystack (found, at least once) or a near miss (its last character changed)
  const at = Math.floor(next() * (n - m))
  let t = s.slice(at, at + m)
  if (next() < 0.4) t = t.slice(0, -1) + (t.endsWith('a') ? 'b' : 'a')
  return { s, t, k: Math.floor(next() * n) - 100, tpl: pick(TEMPLATES) }
}

// the same calls, as source for the guest and as a function for V8
const CALLS = `({ s, t, k, tpl }) => {
  const arr = Array.from({ length: Math.ceil(300000 / t.length) + 3 }, (_, i) => (i % 7 === 3 ? t.slice(0, -1) + 'x' : s.slice(i, i + t.length)))
  arr[arr.length - 2] = t
  return [
    s.indexOf(t), s.indexOf(t, k), s.lastIndexOf(t), s.lastIndexOf(t, k), s.includes(t), s.includes(t, k),
    s.split(t).length, s.split(t).join('|').length, s.split(t, 2),
    ...[t.slice(0, 2), t.slice(1, 4)].map((x) => { const a = s.repeat(20).split(x), b = s.repeat(20).split(x, 9); return [a.length, a.join('|').length, a[a.length >> 1], a.slice(-3), b] }), s.replace(t, tpl).length, s.replaceAll(t, tpl),
    s.replace(t, (m, p) => '<' + p + '>'), s.replaceAll(t, (m, p, w) => p + ':' + (w === s)),
    arr.indexOf(t), arr.lastIndexOf(t), arr.includes(t), arr.indexOf(t, -3), arr.lastIndexOf(t, 5), arr.includes(t + 'z'),
    ('x' + s.slice(0, 50)).replace(/(?<a>x)/g, tpl + s.slice(0, 300) + '$<'.repeat(50)),
    (() => { const b = 2n ** BigInt(t.length * 40) + BigInt(k), a = Array(3000).fill(b - 1n); a[2500] = b; return [a.indexOf(b), a.lastIndexOf(b, -600), a.includes(b + 1n), a.indexOf(b - 1n, 2999)] })(),
    [...arr, s, s.slice(1), undefined, 7, 'b'].toSorted(), (() => { const h = [...arr, s + 'a', s]; h[h.length + 2] = 'z'; return h.sort() })(),
  ]
}`

let host: Host
beforeAll(async () => {
  host = await createHost({ engines: [jsEngine()], limits: { timeoutMs: 60_000 }, pool: { min: 1, max: 1 } })
})
afterAll(() => host.close())

describe('split string searches give the native answers', () => {
  it('80 generated cases, every method, against V8', async () => {
    const cases = Array.from({ length: 80 }, makeCase)
    const native = new Function(`return ${CALLS}`)() as (c: Case) => unknown[]
    const r = await host.execute({ language: 'js', source: `cases.map(${CALLS})`, globals: { cases } })
    const got = r.value as unknown[][]
    for (const [i, c] of cases.entries()) expect(got[i], `case ${i}: n ${c.s.length}, m ${c.t.length}`).toEqual(native(c))
  }, 120_000)

  it('the edges: empty needle, needle longer than the haystack, positions out of range, regexp needles', async () => {
    const s = 'ab'.repeat(70_000)
    const t = `${'ab'.repeat(3_000)}a`
    const source = `[s.indexOf(''), s.indexOf('', 1e9), s.lastIndexOf(t, -5), s.lastIndexOf(t, NaN), s.indexOf(t, Infinity),
      s.includes(t, -1), t.indexOf(s), s.lastIndexOf(s + 'a'), s.split(t, 0), s.split(undefined).length,
      (() => { try { return s.includes(/a/) } catch (e) { return e.name } })(),
      s.replaceAll(/b/g, '').length, s.split({ [Symbol.split]: (o, l) => [typeof o, l] }, 4),
      'xundefinedy'.split(), 'undefined'.split(undefined), 'a undefined b undefined'.split(undefined, 2), 'undefined'.split(undefined, 0)]`
    const r = await host.execute({ language: 'js', source, globals: { s, t } })
    const expected = [
      s.indexOf(''),
      s.indexOf('', 1e9),
      s.lastIndexOf(t, -5),
      s.lastIndexOf(t, Number.NaN),
      s.indexOf(t, Number.POSITIVE_INFINITY),
      s.includes(t, -1),
      t.indexOf(s),
      s.lastIndexOf(`${s}a`),
      s.split(t, 0),
      s.split(undefined as unknown as string).length,
      'TypeError',
      s.replaceAll(/b/g, '').length,
      ['string', 4],
      // no separator is the whole string, whatever it holds ('undefined' is not a separator)
      'xundefinedy'.split(undefined as unknown as string),
      'undefined'.split(undefined as unknown as string),
      'a undefined b undefined'.split(undefined as unknown as string, 2),
      'undefined'.split(undefined as unknown as string, 0),
    ]
    expect(r.value).toEqual(expected)
  }, 60_000)
})
