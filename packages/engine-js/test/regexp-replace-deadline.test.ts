import { describe, it } from 'vitest'
import { expectEachTimesOut } from './child/run-inline.js'
import { itAnswersAsRaw, rawDifferential } from './raw-differential.js'

// A global replace with the builtin exec finds every match, builds the result and frees the
// matches in one native call that checks no interrupt: inline, under a 200 ms limit,
// `'a'.repeat(4e6).replace(/a/g, 'bb')` returned up to 2.4 s after its deadline on a loaded
// machine, and `'a'.repeat(1.6e7).replace(/a/g, '')` could only record its timeout at 640 ms,
// when the call was over. On a subject of 2^20 characters or more the matches are now counted
// first in a guest loop, and a call that cannot finish in the time left is refused
// (guest-string-search.ts); the replace itself is still the native call.

describe('a global regexp replace on a long string stops near the deadline (inline)', () => {
  const LIMITS = { timeoutMs: 200, memoryBytes: 256 * 2 ** 20 }
  const CALLS: Record<string, string> = {
    "4e6 matches, 'bb'": "const s = 'a'.repeat(4e6); s.replace(/a/g, 'bb').length",
    "6.4e7 matches, ''": "const s = 'a'.repeat(6.4e7); s.replace(/a/g, '').length",
    'empty matches at 3.2e7 positions': "const s = 'a'.repeat(3.2e7); s.replace(/(?:)/g, '').length",
    'a sticky global regexp through String.prototype.replace': "const s = 'ab'.repeat(2e7); s.replace(/a|b/gy, '$&').length",
    'a function replacer': "const s = 'a'.repeat(4e6); s.replace(/a/g, () => 'b').length",
    // 13 ns a substitution: these held the host 9.1 s and 26.6 s
    '200 empty $1 a match (4e6 matches)': "const s = 'a'.repeat(4e6); s.replace(/()a/g, '$1'.repeat(200)).length",
    '1,000 empty $1 a match (2e6 matches)': "const s = 'a'.repeat(2e6); s.replace(/()a/g, '$1'.repeat(1000)).length",
    '5e4 empty $1 a match (1e5 matches)': "const s = 'ab'.repeat(1e5); s.replace(/()a/g, '$1'.repeat(5e4)).length",
  }
  it('each ends with the timeout within 1.5 s, and the next execution runs', { timeout: 90_000 }, async () => {
    await expectEachTimesOut(CALLS, LIMITS, 1_500)
  })
})

describe('a global regexp replace on a long string answers as raw QuickJS', () => {
  const d = rawDifferential({ limits: { memoryBytes: 256 * 2 ** 20 } })
  // subjects of 2^20 characters and more (counted first), and the regexp's lastIndex after
  const long = "const s = 'ab'.repeat(1 << 19) + 'c\\ud83d\\ude00d'.repeat(1000);"
  const shown = (e: string) =>
    `${long} const r = ${e}; const out = s.replace(r, T); [out.length, escape(out.slice(0, 40)), escape(out.slice(-40)), r.lastIndex].join('|')`
  const at = (e: string, t: string) => shown(e).replace('T)', () => `${t})`)
  itAnswersAsRaw(d, {
    'a literal, $&': at('/b/g', "'[$&]'"),
    'many substitutions a match': "const s = 'ab'.repeat(5e4); s.replace(/(a)(?<n>b)/g, '$1$<n>$2$$$&'.repeat(40)).length",
    'empty matches (unicode: whole code points)': at('/(?:)/gu', "'-'"),
    'empty matches (not unicode: units)': at('/(?:)/g', "'-'"),
    'empty and nonempty matches': at('/a*/g', "'<$&>'"),
    'sticky and global': at('/a|b/gy', "'$&$&'"),
    "$` and $' near the end":
      "const s = 'x'.repeat(1 << 20) + 'yz'; s.replace(/[yz]/g, \"[$`]\").length + '|' + s.replace(/[yz]/g, \"$'$'\").slice(-8)",
    'named groups and $<': at('/(?<p>a)(b)/g', "'$<p>$2$1$$'"),
    'lookbehind and multiline anchors': at('/(?<=a)b$|^a/gm', "'#'"),
    'lastIndex set before (a global replace starts at 0)': `${long} const r = /a/g; r.lastIndex = 7; [s.replace(r, '').length, r.lastIndex].join()`,
    'a function replacer': `${long} let n = 0; const out = s.replace(/b/g, (m, i) => { n++; return i & 1 ? '' : m }); [out.length, n].join()`,
    'a regexp with its own exec': `${long} const r = /b/g; let n = 0; Object.defineProperty(r, 'exec', { value(t) { n++; return RegExp.prototype.exec.call(this, t) } }); [s.replace(r, '').length, n].join()`,
    'a regexp subclass': `${long} class R extends RegExp {} [s.replace(new R('b', 'g'), 'x').length, s.replace(new R('b', 'g'), 'x').slice(0, 9)].join()`,
    'not global': at('/b/', "'x'"),
    'replaceAll with a regexp': `${long} s.replaceAll(/b/g, '$&$&').length`,
    'a frozen regexp (lastIndex not writable)': `${long} try { s.replace(Object.freeze(/b/g), '') } catch (e) { String(e) }`,
  })
})
