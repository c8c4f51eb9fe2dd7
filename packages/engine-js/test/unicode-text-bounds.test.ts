import { describe, expect, it } from 'vitest'
import { expectEachTimesOut, runInline } from './child/run-inline.js'
import { itAnswersAsRaw, rawDifferential } from './raw-differential.js'

// `normalize` and `localeCompare` were one native call each, which no interrupt stops, at up
// to ~500 ns a character: inline, under a 200 ms limit, the normalize of 8 MB of 'A\u030A' held
// the host 2.3–2.7 s, of 6 MB of one CJK ideograph 4.2–4.4 s, a localeCompare of two 4 MB CJK
// strings 3.2–4.5 s, of two 33 MB ASCII strings 2.7–2.8 s. They now work in pieces cut before
// ASCII and CJK ideographs, with deadline checks between them, and a run with no such
// character that could not finish in the time left is refused (guest-unicode-text.ts). The
// answers must stay QuickJS's own: each case runs on a plain context of the same build too.

// a deterministic mix of what normalization reorders, decomposes and composes: combining
// marks of several classes, Hangul jamo and syllables, compatibility characters, surrogate
// pairs and lone surrogates, and the boundary characters (ASCII, CJK) at varying density
const MIX = `const mix = (n, seed, boundaries) => {
  const marks = ['\\u0301', '\\u0323', '\\u0308', '\\u0345', '\\u031b', '\\u302a', '\\u3099', '\\u0cd5', '\\u0cc2', '\\u09be', '\\u1161', '\\u11a8'];
  const others = ['\\u00c5', '\\u1e0a', '\\u1100', '\\uac00', '\\uac01', '\\ufdfa', '\\uff76', '\\u2460', '\\u0cc6', '\\u09c7', '\\u304b', '\\uf900',
    '\\ud835\\udc00', '\\ud800', '\\udc00', '\\u00e9', '\\u03d3', '\\u1f80', '\\u0ddd'];
  const stops = ['a', 'A', ' ', 'e', '\\u4e00', '\\u9fa5', '\\u0000', '\\u007f'];
  let x = seed, s = '';
  const next = () => { x = (Math.imul(x, 1103515245) + 12345) >>> 0; return x >>> 8; };
  while (s.length < n) {
    const r = next() % 1000;
    s += r < boundaries ? stops[next() % stops.length] : r < 600 ? marks[next() % marks.length] : others[next() % others.length];
  }
  return s;
};
const digest = (r) => { let h = 0; for (let i = 0; i < r.length; i++) h = (Math.imul(h, 31) + r.charCodeAt(i)) | 0; return r.length + ':' + h; };`

describe('normalize and localeCompare of long strings answer as QuickJS', () => {
  // QuickJS's NFC costs ~200 ns a character natively: the cases take seconds on both sides
  const d = rawDifferential({ limits: { timeoutMs: 60_000 } })
  itAnswersAsRaw(d, {
    'normalize, every form, boundaries dense and sparse': `${MIX} const out = [];
      for (const [seed, density] of [[1, 300], [2, 20], [3, 2], [4, 0]]) {
        const s = mix(70000, seed, density);
        for (const f of ['NFC', 'NFD', 'NFKC', 'NFKD']) out.push(digest(s.normalize(f)));
        out.push(digest(s.normalize()), digest(s.normalize(undefined)));
      }
      JSON.stringify(out)`,
    'normalize: conversions, errors and non-string receivers': `${MIX} const s = mix(40000, 5, 50), log = [];
      const form = { toString() { log.push('form'); return 'NFD' } };
      const self = { toString() { log.push('self'); return s } };
      const t = (g) => { try { return digest(g()) } catch (e) { return e.name + ': ' + e.message } };
      JSON.stringify([t(() => String.prototype.normalize.call(self, form)), log, t(() => s.normalize('nfc')), t(() => s.normalize(null)),
        t(() => s.normalize(Symbol())), t(() => String.prototype.normalize.call(null)), t(() => String.prototype.normalize.call(Symbol())),
        t(() => new String(s).normalize('NFKC')), String.prototype.normalize.length, String.prototype.normalize.name])`,
    'localeCompare at every kind of first difference': `${MIX} const a = mix(34000, 6, 100), b = mix(50000, 7, 3);
      const tails = ['', 'a', '\\u0301', '\\udc00', '\\ud800\\udc00', '\\ue000'];
      const out = [];
      for (const p of [a, a + '\\ud800']) for (const x of tails) for (const y of tails) out.push((p + x).localeCompare(p + y));
      out.push(a.localeCompare(b), b.localeCompare(a), a.localeCompare(a.normalize('NFD')), a.normalize('NFKD').localeCompare(a));
      JSON.stringify(out)`,
    'localeCompare: conversions and receivers': `${MIX} const s = mix(40000, 8, 50), log = [];
      const self = { toString() { log.push('self'); return s } }, that = { toString() { log.push('that'); return s + 'x' } };
      const t = (g) => { try { return g() } catch (e) { return e.name + ': ' + e.message } };
      JSON.stringify([t(() => String.prototype.localeCompare.call(self, that)), log, t(() => s.localeCompare(Symbol())), t(() => s.localeCompare()),
        t(() => String.prototype.localeCompare.call(undefined, s)), t(() => ('undefined' + s).localeCompare(undefined)),
        String.prototype.localeCompare.length, String.prototype.localeCompare.name])`,
  })
})

describe('one call of normalize or localeCompare stops at the time limit', () => {
  const LIMITS = { timeoutMs: 200, memoryBytes: 512 * 2 ** 20 }
  // each string is a rope made in microseconds; the builtin flattens and walks it
  const doubled = (unit: string, n: number) => `let s = '${unit}'; while (s.length < ${n}) s += s;`
  const CALLS: Record<string, string> = {
    "normalize('NFC') of 8 MB of A\\u030A": `${doubled('\\u0041\\u030A', 6e6)} s.normalize('NFC').length`,
    'normalize of 6 MB of one CJK ideograph': `${doubled('\\u4e00', 6e6)} s.normalize().length`,
    'normalize of 33 MB with no boundary, caught': `${doubled('\\u0301', 2e7)} try { s.normalize().length } catch (e) { for (;;) {} }`,
    'localeCompare of two 4 MB CJK strings': `${doubled('\\u4e00', 4e6)} s.localeCompare(s + 'x')`,
    'localeCompare of two 33 MB ASCII strings': `${doubled('x', 3e7)} s.localeCompare(s + 'x')`,
  }
  it('each ends with timeout, near the limit', { timeout: 60_000 }, async () => {
    // the first execution also makes the state (a second or more on a loaded machine): not timed
    await expectEachTimesOut(CALLS, LIMITS, 2_000)
  })
  it('without a time limit nothing is refused', { timeout: 60_000 }, async () => {
    const [o] = await runInline([`${doubled('\\u0301', 2e6)} s.normalize().length`], { timeoutMs: false, memoryBytes: 512 * 2 ** 20 })
    expect(o?.value).toBe(2 ** 21)
  })
})

// RegExp.escape wrote each white space, line terminator, lone surrogate and punctuator such as
// ',' through a formatted print, 0.6-3.5 µs a character (load), in one call: inline, under a 1 s
// limit, RegExp.escape(' '.repeat(1.6e7)) held the host 9.5 s (a heap growth refused past the
// deadline does not end the call). A long string is now escaped in pieces
// (guest-unicode-text.ts), with the host's check between them; the answers stay QuickJS's own.
describe('RegExp.escape of long strings', () => {
  const d = rawDifferential({ limits: { timeoutMs: 60_000 } })
  // pieces are 16,384 code units: surrogate pairs, lone surrogates and escaped characters on
  // both sides of every cut, and every kind of first character
  const ESCAPES = `${MIX} const P = 16384, out = [];
    const around = (fill, at) => fill.repeat(at - 1) + '\\ud83d\\ude00' + ',\\u2028\\ud800x\\udc00 1a.' + fill.repeat(P);
    for (const first of ['', '1', 'a', 'Z', ' ', '_', '\\ud83d\\ude00', '\\ud800', '.', ',']) {
      for (const s of [around('x', P), around('x', P - 1), around(' ', 2 * P), around('\\ud83d\\ude00', P / 2), mix(3 * P + 7, 9, 400)]) {
        out.push(digest(RegExp.escape(first + s)));
      }
    }
    out.push(RegExp.escape('a'.repeat(2 * P)).length, RegExp.escape('a'.repeat(2 * P + 1)).length, RegExp.escape.name, RegExp.escape.length);`
  itAnswersAsRaw(d, {
    'answers, pieces cut at every kind of character': `${ESCAPES} JSON.stringify(out)`,
    'errors: no conversion of a non-string': `const t = (v) => { try { return RegExp.escape(v) } catch (e) { return e.name + ': ' + e.message } };
      JSON.stringify([t(1), t(undefined), t(new String('x'.repeat(40000))), t({ toString() { return 'x' } }), t(Symbol())])`,
  })
  it('one call stops at the time limit', { timeout: 60_000 }, async () => {
    await expectEachTimesOut(
      {
        'RegExp.escape of 16 MB of spaces': "RegExp.escape(' '.repeat(1.6e7)).length",
      },
      { timeoutMs: 1_000, memoryBytes: 512 * 2 ** 20 },
      3_000,
    )
  })
})
