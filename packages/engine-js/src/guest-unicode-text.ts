import { SMALL_WORK } from './guest-heavy-builtins.js'

/**
 * Characters `normalize` handles one piece at a time: at most this many (then up to the next
 * boundary character), each piece one uninterrupted call of the builtin.
 */
export const NORMALIZE_PIECE = 1 << 14

/**
 * Guest source of `boundUnicodeText(G, charge, afford, wrapping)`, spliced into the setup script and
 * called after `boundHeavyBuiltins`, whose `normalize` and `localeCompare` wrappers it
 * replaces.
 *
 * Why: each of these builtins is one call that no interrupt stops, and its cost per character
 * depends on the text: inline, under a 100 ms limit, `'\u0041\u030A'.repeat(3e6).normalize()`
 * held the host 1.0–1.3 s, `'\u4e00'.repeat(6e6).normalize()` 3 s (~500 ns a character), a
 * `localeCompare` of two 30 MB strings 0.5–0.6 s. Charging them (guest-heavy-builtins) only
 * brings the next check forward, and that check comes after the call.
 *
 * - `normalize` of a long string runs in pieces of NORMALIZE_PIECE characters, each ended
 *   just before a boundary character: ASCII or a CJK unified ideograph (U+4E00–U+9FFF). Each
 *   of those is a starter (canonical combining class 0) with no decomposition, canonical or
 *   compatibility, and is never the second character of a composition, so no normalization
 *   form reorders, decomposes or composes across the position before it: the form of the
 *   whole is the pieces' forms joined (UAX #15, stable code points), and the result is the
 *   builtin's (`test/unicode-text-bounds.test.ts` compares with a plain context). Between
 *   pieces the host's interrupt check runs. A run of more than two pieces with no boundary
 *   character is one call; while its end is looked for, a piece at a time, it is refused
 *   (below) as soon as what it has grown to could not finish in the time left even at
 *   NORMALIZE_NS a character.
 * - `localeCompare` (QuickJS: both strings to NFC, then the difference of the first unequal
 *   code points, else -1, 0 or 1 by length) of long strings takes each string's NFC in those
 *   pieces, then compares them a block of NORMALIZE_PIECE code units at a time (two slices
 *   compared natively) and the first unequal block unit by unit, and answers from the code
 *   points there (a high surrogate just before the first unequal unit begins the code point
 *   that differs).
 *
 * A refusal asks the host (`afford(ms)`), which records the execution's `timeout` (as a
 * statement script that cannot parse in the time left is refused) and answers false; the
 * wrapper then throws a RangeError that the script cannot outlive: its next check point
 * stops it and the execution fails with `LimitExceededError('timeout')`. Without a time
 * limit nothing is refused. NORMALIZE_NS is a lower bound (measured on a 2-core machine and
 * halved: 16–32 ns a character for Latin text, 60–500 ns for combining marks, Hangul and
 * CJK), so a refused run could not have finished, and a run let through overruns by at most
 * the ratio of its real cost to the bound (inline; a worker stops at the deadline).
 */
export const GUEST_UNICODE_TEXT = `function boundUnicodeText(G, charge, afford, { callOf, wrap }) {
  const SMALL = ${SMALL_WORK}, PIECE = ${NORMALIZE_PIECE}, NORMALIZE_NS = 8;
  const getOwnPropertyDescriptor = Object.getOwnPropertyDescriptor;
  const RangeErrorCtor = RangeError, toText = String;
  const S = G.String.prototype;
  const slice = callOf(S.slice), unitAt = callOf(S.charCodeAt), pointAt = callOf(S.codePointAt), test = callOf(RegExp.prototype.test);
  // up to PIECE characters that are not boundary characters, from lastIndex on
  const run = /[^\\0-\\x7f\\u4e00-\\u9fff]{0,${NORMALIZE_PIECE}}/y;
  const native = getOwnPropertyDescriptor(S, 'normalize').value, normalize = callOf(native);
  // where the piece of s from i ends: PIECE characters on, at the next boundary character (or
  // n); a longer run is refused as soon as what it has grown to could not finish in time
  const pieceEnd = (s, i, n) => {
    let j = i + PIECE;
    while (j < n) {
      run.lastIndex = j;
      test(run, s);
      const k = run.lastIndex;
      if (k - j < PIECE) return k;
      j = k;
      charge(PIECE * 8);
      if (!afford(((j - i) * NORMALIZE_NS) / 1e6)) {
        throw new RangeErrorCtor('normalize of ' + (j - i) + ' characters or more cannot finish in the time left');
      }
    }
    return n;
  };
  // the form f (a valid one) of string s, a piece at a time
  const pieces = (s, f) => {
    const n = s.length;
    let out = '';
    for (let i = 0; i < n;) {
      const j = pieceEnd(s, i, n);
      // about 64 units (ns) a character: the host's check runs every piece or two
      charge((j - i) * 64);
      out += normalize(slice(s, i, j), f);
      i = j;
    }
    return out;
  };
  // ToString(this), then ToString(form), as the builtin (which throws for null, undefined and symbols)
  wrap(S, 'normalize', () => ({ normalize(form) {
    const self = this;
    if (self === null || self === undefined || typeof self === 'symbol' || typeof form === 'symbol') return normalize(self, form);
    const s = typeof self === 'string' ? self : toText(self);
    const n = s.length;
    if (n <= 2 * PIECE) {
      if (n >= SMALL) charge(n);
      const r = normalize(s, form);
      if (r.length >= SMALL) charge(r.length);
      return r;
    }
    const f = form === undefined ? 'NFC' : toText(form);
    normalize('', f);
    return pieces(s, f);
  } }).normalize);
  // QuickJS: both strings to NFC, then the difference of the first unequal code points, else
  // -1, 0 or 1 by length. Long strings: their NFC in pieces, compared a block at a time
  wrap(S, 'localeCompare', (original) => { const localeCompare = callOf(original); return { localeCompare(that) {
    const self = this;
    if (self === null || self === undefined || typeof self === 'symbol') return localeCompare(self, that);
    const s = typeof self === 'string' ? self : toText(self);
    if (typeof that === 'symbol') return localeCompare(s, that);
    const t = typeof that === 'string' ? that : toText(that);
    if (s.length + t.length <= 4 * PIECE) {
      if (s.length + t.length >= SMALL) charge(s.length + t.length);
      return localeCompare(s, t);
    }
    const x = pieces(s, 'NFC'), y = pieces(t, 'NFC');
    const m = x.length < y.length ? x.length : y.length;
    let d = 0;
    while (d < m) {
      const e = d + PIECE < m ? d + PIECE : m;
      charge((e - d) * 4);
      if (slice(x, d, e) !== slice(y, d, e)) {
        while (unitAt(x, d) === unitAt(y, d)) d++;
        break;
      }
      d = e;
    }
    // a high surrogate before the first unequal unit begins the first unequal code point
    if (d > 0) {
      const u = unitAt(x, d - 1);
      if (u >= 0xd800 && u <= 0xdbff) {
        const cx = pointAt(x, d - 1), cy = pointAt(y, d - 1);
        if (cx !== cy) return cx - cy;
      }
    }
    if (d === m) return x.length === y.length ? 0 : x.length < y.length ? -1 : 1;
    return pointAt(x, d) - pointAt(y, d);
  } }.localeCompare; });
  // RegExp.escape writes each white space, line terminator, lone surrogate and punctuator
  // such as ',' as a \\xHH or \\uHHHH escape through a formatted print, 0.6-3.5 µs a character
  // here, in one call that a heap growth refused past the deadline does not end
  // (' '.repeat(1.6e7) held an inline host 9.5 s of 1 s, ' '.repeat(4e6) 3-12 s). A long string is
  // escaped in pieces: only its first code point is escaped apart (a leading digit or ASCII
  // letter), so each later piece is escaped behind a '_' (which stays '_') and that dropped;
  // no piece ends between the halves of a surrogate pair. ESCAPE_UNITS a character makes the
  // host's check run after every piece
  const ESCAPE_UNITS = 256;
  wrap(G.RegExp, 'escape', (original) => { const escape = callOf(original); return { escape(s) {
    if (typeof s !== 'string' || s.length <= 2 * PIECE) return escape(undefined, s);
    const n = s.length;
    const end = (i) => {
      let j = i + PIECE < n ? i + PIECE : n;
      const u = unitAt(s, j - 1);
      if (j < n && u >= 0xd800 && u <= 0xdbff) j++;
      return j;
    };
    let j = end(0);
    charge(j * ESCAPE_UNITS);
    let out = escape(undefined, slice(s, 0, j));
    for (let i = j; i < n; i = j) {
      j = end(i);
      charge((j - i) * ESCAPE_UNITS);
      out += slice(escape(undefined, '_' + slice(s, i, j)), 1);
    }
    return out;
  } }.escape; });
}`
