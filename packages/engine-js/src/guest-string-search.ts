// Over 250 lines: one guest function — its wrappers share the captured builtins and the windowed search.
import { SMALL_WORK } from './guest-heavy-builtins.js'

/**
 * Guest source of `boundStringSearch(G, charge, afford, fits, wrapping)`, spliced into the setup script beside
 * `boundArrayBuiltins` and called before the intrinsics are discovered (the wrappers are then
 * frozen with the rest).
 *
 * Why: QuickJS searches a string for another one naively, comparing the whole needle at every
 * position (n × m character comparisons), without an interrupt check: `'a'.repeat(2e5)
 * .indexOf('a'.repeat(1e5) + 'b')` held an inline host for 8.9 s under a 100 ms limit, and a
 * 2e6 / 1e6 pair (3 MB of strings) ran past a minute. The same loop serves `lastIndexOf`,
 * `includes`, `split`, `replace` and `replaceAll` with a string. The Array methods compare a
 * string needle with every element of its length (`Array(2000).fill(s).indexOf(t)` over 1 MB
 * strings: 2 s; 2e6 elements of 16 MB would be hours), and `sort` compares them
 * (`Array(2000).fill(s)` of 1 MB strings sorted for 20.7 s of a 100 ms limit). And a
 * replacement template's `$<` with no `>` after it makes QuickJS look for that `>` to the end
 * again at each one: `'x'.replace(/(?<a>x)/, '$<'.repeat(2e5))` ran 20 s of a 1 s limit.
 *
 * When a search could cost more than BUDGET comparisons (and its needle is longer than one
 * character: that search is linear), it is made of native calls that each
 * cost at most about BUDGET (windows of the haystack) or PIECE (a long needle compared piece by
 * piece): a guest loop between them, which the interrupt handler stops. Results, the order of
 * conversions and of calls are those of the native methods (a getter may run once more: a
 * `Symbol.match` read again by the builtin a regexp is handed to, an element read by `sort`'s
 * walk); a search under the budget is the native call itself. In a template, a `$<` after the
 * last `>` becomes `$$<` (the same text).
 */
export const GUEST_STRING_SEARCH = `function boundStringSearch(G, charge, afford, fits, { callOf, wrap }) {
  const BUDGET = 1 << 18, PIECE = 1 << 12, FIRST_WINDOW = 64, SMALL = ${SMALL_WORK};
  const apply = Reflect.apply, getOwnPropertyDescriptor = Object.getOwnPropertyDescriptor;
  const isArray = Array.isArray, trunc = Math.trunc, max = Math.max, min = Math.min, clz32 = Math.clz32;
  const S = G.String.prototype, A = G.Array.prototype, R = G.RegExp.prototype;
  const indexOf = S.indexOf, lastIndexOf = S.lastIndexOf, includes = S.includes, split = S.split;
  const replace = S.replace, replaceAll = S.replaceAll, slice = S.slice, startsWith = S.startsWith;
  const push = A.push;
  const matchSymbol = Symbol.match, replaceSymbol = Symbol.replace, splitSymbol = Symbol.split;
  const regexpSource = getOwnPropertyDescriptor(R, 'source').get;
  // (callOf and wrap: guest-setup.ts)
  const callIndexOf = callOf(indexOf), callLastIndexOf = callOf(lastIndexOf), callIncludes = callOf(includes);
  const callSplit = callOf(split), callReplace = callOf(replace), callReplaceAll = callOf(replaceAll);
  const callSlice = callOf(slice), callStartsWith = callOf(startsWith), callPush = callOf(push);
  const str = (x) => \`\${x}\`; // ToString: throws for a Symbol, as the builtins do
  const isObject = (x) => x !== null && (typeof x === 'object' || typeof x === 'function');
  const isRegExp = (x) => {
    if (!isObject(x)) return false;
    const m = x[matchSymbol];
    if (m !== undefined) return !!m;
    try { apply(regexpSource, x, []); return x !== R; } catch { return false; }
  };
  // a native search of n characters is one tick: charged as work (guest-heavy-builtins.ts), the result passed on
  const scanned = (n, r) => { if (n >= SMALL) charge(n); return r; };
  const toIndex = (p, n) => { const d = +p; return d !== d ? 0 : d <= 0 ? 0 : d >= n ? n : trunc(d); };
  // whether t (of length m) occurs in s at i, given that its first h characters do
  const restAt = (s, t, i, h) => {
    for (let k = h; k < t.length; k += PIECE) if (!callStartsWith(s, callSlice(t, k, k + PIECE), i + k)) return false;
    return true;
  };
  // the first i >= from with t at s[i]: the needle's head is searched in growing windows
  const find = (s, t, from) => {
    const n = s.length, m = t.length;
    if (from + m > n) return m === 0 && from <= n ? from : -1;
    if (m <= 1 || (n - from) * m <= BUDGET) return callIndexOf(s, t, from);
    const head = m <= PIECE ? t : callSlice(t, 0, PIECE), h = head.length, wide = max(1, trunc(BUDGET / h));
    for (let i = from, w = min(FIRST_WINDOW, wide); i + m <= n; ) {
      const j = callIndexOf(callSlice(s, i, min(n, i + w + h - 1)), head);
      if (j < 0) { i += w; if (w < wide) w = min(wide, w * 2); continue; }
      const at = i + j;
      if (at + m > n) return -1;
      if (h === m || restAt(s, t, at, h)) return at;
      i = at + 1;
    }
    return -1;
  };
  // the last i <= from with t at s[i] (0 <= from <= n - m)
  const findLast = (s, t, from) => {
    const m = t.length;
    if (m <= 1 || (from + 1) * m <= BUDGET) return callLastIndexOf(s, t, from);
    const head = m <= PIECE ? t : callSlice(t, 0, PIECE), h = head.length, wide = max(1, trunc(BUDGET / h));
    for (let i = from, w = min(FIRST_WINDOW, wide); i >= 0; ) {
      const lo = max(0, i - w + 1);
      const j = callLastIndexOf(callSlice(s, lo, i + h), head);
      if (j < 0) { i = lo - 1; if (w < wide) w = min(wide, w * 2); continue; }
      const at = lo + j;
      if (h === m || restAt(s, t, at, h)) return at;
      i = at - 1;
    }
    return -1;
  };
  // GetSubstitution for a string pattern (no captures): $$, $&, $\` and $'
  const substitute = (tpl, matched, at, s) => {
    let out = '', i = 0;
    for (let d = callIndexOf(tpl, '$'); d >= 0 && d + 1 < tpl.length; d = callIndexOf(tpl, '$', i)) {
      const c = tpl[d + 1];
      out += callSlice(tpl, i, d);
      if (c === '$') out += '$';
      else if (c === '&') out += matched;
      else if (c === '\`') out += callSlice(s, 0, at);
      else if (c === "'") out += callSlice(s, at + matched.length);
      else { out += '$'; i = d + 1; continue; }
      i = d + 2;
    }
    return out + callSlice(tpl, i);
  };
  const replaced = (s, t, at, fn, tpl) => (fn ? str(apply(tpl, undefined, [t, at, s])) : substitute(tpl, t, at, s));
  wrap(S, 'indexOf', () => ({ indexOf(search, position) {
    if (typeof this === 'string' && typeof search === 'string' && (search.length <= 1 || this.length * search.length <= BUDGET)) {
      if (this.length >= SMALL) charge(this.length);
      return callIndexOf(this, search, position);
    }
    if (this === null || this === undefined) return callIndexOf(this, search, position);
    const s = str(this), t = str(search);
    if (t.length <= 1 || s.length * t.length <= BUDGET) return scanned(s.length, callIndexOf(s, t, position));
    return find(s, t, toIndex(position, s.length));
  } }).indexOf);
  wrap(S, 'includes', () => ({ includes(search, position) {
    if (typeof this === 'string' && typeof search === 'string' && (search.length <= 1 || this.length * search.length <= BUDGET)) {
      if (this.length >= SMALL) charge(this.length);
      return callIncludes(this, search, position);
    }
    if (this === null || this === undefined) return callIncludes(this, search, position);
    const s = str(this);
    if (isRegExp(search)) return callIncludes(s, search, position);
    const t = str(search);
    if (t.length <= 1 || s.length * t.length <= BUDGET) return scanned(s.length, callIncludes(s, t, position));
    return find(s, t, toIndex(position, s.length)) >= 0;
  } }).includes);
  wrap(S, 'lastIndexOf', () => ({ lastIndexOf(search, position) {
    if (typeof this === 'string' && typeof search === 'string' && (search.length <= 1 || this.length * search.length <= BUDGET)) {
      if (this.length >= SMALL) charge(this.length);
      return callLastIndexOf(this, search, position);
    }
    if (this === null || this === undefined) return callLastIndexOf(this, search, position);
    const s = str(this), t = str(search), n = s.length, m = t.length;
    if (m <= 1 || n * m <= BUDGET) return scanned(n, callLastIndexOf(s, t, position));
    const d = +position;
    let from = n - m;
    if (from < 0) return -1;
    if (d === d) from = d <= 0 ? 0 : d < from ? trunc(d) : from;
    return findLast(s, t, from);
  } }).lastIndexOf);
  wrap(S, 'split', () => ({ split(separator, limit) {
    if (typeof this === 'string' && typeof separator === 'string' && (separator.length <= 1 || this.length * separator.length <= BUDGET)) return callSplit(this, separator, limit);
    if (this === null || this === undefined) return callSplit(this, separator, limit);
    if (isObject(separator)) {
      const splitter = separator[splitSymbol];
      if (splitter !== undefined && splitter !== null) return apply(splitter, separator, [this, limit]);
    }
    const s = str(this), lim = limit === undefined ? 4294967295 : limit >>> 0, t = str(separator), m = t.length;
    // no separator: the whole string (t is 'undefined' here, which must not be split on)
    if (separator === undefined) return callSplit(s, undefined, lim);
    if (m <= 1 || s.length * m <= BUDGET) return callSplit(s, t, lim);
    const out = [], n = s.length, w = max(1, trunc(BUDGET / m));
    if (lim === 0) return out;
    // the native split of a window holds every separator that starts in its first w positions;
    // its last piece is where the next window starts (or, with no separator, the next one is found)
    for (let p = 0; ; ) {
      const end = min(n, p + w + m - 1), pieces = callSplit(callSlice(s, p, end), t), k = pieces.length - 1;
      for (let i = 0; i < k; i++) {
        callPush(out, pieces[i]);
        if (out.length === lim) return out;
        p += pieces[i].length + m;
      }
      if (end === n) { callPush(out, pieces[k]); return out; }
      if (k > 0) continue;
      const q = find(s, t, p + w);
      if (q < 0) { callPush(out, callSlice(s, p)); return out; }
      callPush(out, callSlice(s, p, q));
      if (out.length === lim) return out;
      p = q + m;
    }
  } }).split);
  wrap(S, 'replace', () => ({ replace(searchValue, replaceValue) {
    if (typeof this === 'string' && typeof searchValue === 'string' && (searchValue.length <= 1 || this.length * searchValue.length <= BUDGET)) {
      if (this.length >= SMALL) charge(this.length);
      return callReplace(this, searchValue, replaceValue);
    }
    if (this === null || this === undefined) return callReplace(this, searchValue, replaceValue);
    if (isObject(searchValue)) {
      const replacer = searchValue[replaceSymbol];
      if (replacer !== undefined && replacer !== null) return apply(replacer, searchValue, [this, replaceValue]);
    }
    const s = str(this), t = str(searchValue), fn = typeof replaceValue === 'function', tpl = fn ? replaceValue : str(replaceValue);
    if (t.length <= 1 || s.length * t.length <= BUDGET) return scanned(s.length, callReplace(s, t, tpl));
    const at = find(s, t, 0);
    if (at < 0) return s;
    return callSlice(s, 0, at) + replaced(s, t, at, fn, tpl) + callSlice(s, at + t.length);
  } }).replace);
  wrap(S, 'replaceAll', () => ({ replaceAll(searchValue, replaceValue) {
    if (typeof this === 'string' && typeof searchValue === 'string' && (searchValue.length <= 1 || this.length * searchValue.length <= BUDGET)) {
      if (this.length >= SMALL) charge(this.length);
      return callReplaceAll(this, searchValue, replaceValue);
    }
    if (this === null || this === undefined || isRegExp(searchValue)) return callReplaceAll(this, searchValue, replaceValue);
    if (isObject(searchValue)) {
      const replacer = searchValue[replaceSymbol];
      if (replacer !== undefined && replacer !== null) return apply(replacer, searchValue, [this, replaceValue]);
    }
    const s = str(this), t = str(searchValue), fn = typeof replaceValue === 'function', tpl = fn ? replaceValue : str(replaceValue);
    const m = t.length;
    if (m <= 1 || s.length * m <= BUDGET) return scanned(s.length, callReplaceAll(s, t, tpl));
    const found = [];
    for (let p = find(s, t, 0); p >= 0; p = find(s, t, p + max(1, m))) callPush(found, p);
    let out = '', end = 0;
    for (let k = 0; k < found.length; k++) {
      const p = found[k];
      out += callSlice(s, end, p) + replaced(s, t, p, fn, tpl);
      end = p + m;
    }
    return out + callSlice(s, end);
  } }).replaceAll);
  // a '$<' after the last '>' is literal; QuickJS looks for a '>' to the end at each one
  const regexpReplace = R[replaceSymbol], callRegexpReplace = callOf(regexpReplace);
  const safeTemplate = (tpl) => {
    const gt = callLastIndexOf(tpl, '>');
    if (callIndexOf(tpl, '$<', gt + 1) < 0) return tpl;
    let out = callSlice(tpl, 0, gt + 1), i = gt + 1;
    for (let d = callIndexOf(tpl, '$', i); d >= 0 && d + 1 < tpl.length; d = callIndexOf(tpl, '$', i)) {
      out += callSlice(tpl, i, d) + (tpl[d + 1] === '<' ? '$$<' : callSlice(tpl, d, d + 2));
      i = d + 2;
    }
    return out + callSlice(tpl, i);
  };
  // A global replace with the builtin exec finds every match, builds the result and frees the
  // matches in one native call that no check stops: 'a'.repeat(1.6e7).replace(/a/g, '') ran
  // 640 ms of a 200 ms limit before its timeout could even be recorded. On a long subject its
  // matches are first counted by a copy of the regexp (same source and flags, so the original's
  // lastIndex is not touched) in a guest loop, the host asked every 4,096 matches and at the end
  // whether the call (at least MATCH_NS a match and a quarter of a unit a template character)
  // can finish in the time left; if not, a RangeError the script cannot outlive (as normalize's,
  // guest-unicode-text.ts). The replace itself is then the native call on the original
  const RegExpCtor = G.RegExp, construct = Reflect.construct, getPrototypeOf = Object.getPrototypeOf, ownKeys = Reflect.ownKeys;
  // lower bounds (measured 33 ns a match raw, 13 ns a \`$1\`, halved or less), and the work under
  // which no count is made: (the subject's length + 1) times a match's cost
  const exec = R.exec, callExec = callOf(exec), MATCH_NS = 16, DOLLAR_NS = 4, CHAR_NS = 0.25, COUNTED = 1 << 24;
  const RangeErrorCtor = RangeError;
  const flagsGetter = getOwnPropertyDescriptor(R, 'flags').get, callFlags = callOf(flagsGetter);
  const unitAt = callOf(S.charCodeAt);
  // only a regexp the builtin replaces with its own exec and flags (RegExp.prototype is frozen,
  // guest/lockdown.ts): nothing here reads a property a script could have defined or trapped
  const plain = (rx) => {
    try { apply(regexpSource, rx, []); } catch { return false; }
    if (rx === R || getPrototypeOf(rx) !== R || R.exec !== exec || getOwnPropertyDescriptor(R, 'flags').get !== flagsGetter) return false;
    const keys = ownKeys(rx);
    return keys.length === 1 && keys[0] === 'lastIndex' && getOwnPropertyDescriptor(rx, 'lastIndex').writable;
  };
  const countMatches = (rx, s, perMatch) => {
    if (!plain(rx)) return;
    const flags = callFlags(rx);
    if (callIndexOf(flags, 'g') < 0) return;
    const copy = construct(RegExpCtor, [apply(regexpSource, rx, []), flags]), wide = callIndexOf(flags, 'u') >= 0 || callIndexOf(flags, 'v') >= 0;
    let n = 0;
    const refuse = () => { throw new RangeErrorCtor('replace of ' + n + ' matches or more cannot finish in the time left'); };
    for (let r = callExec(copy, s); r !== null; r = callExec(copy, s)) {
      if ((++n & 4095) === 0 && !afford((n * perMatch) / 1e6)) refuse();
      const end = copy.lastIndex;
      if (end === r.index) copy.lastIndex = end + (wide && (unitAt(s, end) & 0xfc00) === 0xd800 && (unitAt(s, end + 1) & 0xfc00) === 0xdc00 ? 2 : 1);
    }
    if (n >= SMALL && !afford((n * perMatch) / 1e6)) refuse();
  };
  wrap(R, replaceSymbol, () => ({ [replaceSymbol](string, replaceValue) {
    if (!isObject(this)) return callRegexpReplace(this, string, replaceValue);
    const s = str(string), fn = typeof replaceValue === 'function', tpl = fn ? replaceValue : safeTemplate(str(replaceValue));
    // a template costs each match its length, and more for each $ (a substitution)
    let perMatch = MATCH_NS;
    if (!fn && (s.length + 1) * (MATCH_NS + tpl.length * (CHAR_NS + DOLLAR_NS)) >= COUNTED) {
      scanned(tpl.length, 0);
      perMatch += tpl.length * CHAR_NS + (tpl.length - callReplaceAll(tpl, '$', '').length) * DOLLAR_NS;
    }
    // counted only when even a match at every position could not finish in the time left
    const most = (s.length + 1) * perMatch;
    if (most >= COUNTED && !fits(most / 1e6)) countMatches(this, s, perMatch);
    return callRegexpReplace(this, s, tpl);
  } })[replaceSymbol]);
  // Array indexOf / lastIndexOf / includes compare a string needle with each element of its
  // length, a BigInt one limb by limb (a 2^20-bit needle over 2e5 elements: 5.7 s of 100 ms)
  const bigToString = G.BigInt.prototype.toString, callBigToString = callOf(bigToString);
  const costOf = (x) => (typeof x === 'string' ? x.length : typeof x === 'bigint' ? (callBigToString(x, 16).length >>> 3) + 1 : 0);
  const arrayMethod = (name, step) => {
    const original = A[name], callOriginal = callOf(original);
    // lastIndexOf's fromIndex differs from an undefined one when absent (only its wrapper takes
    // a rest parameter, an array per call); indexOf's and includes' treat undefined as absent
    const search = function (search, given, from) {
      const m = (typeof search === 'string' || typeof search === 'bigint') && isArray(this) ? costOf(search) : 0, n = m ? this.length : 0;
      // a needle of one character (or a one-limb BigInt) costs one comparison per element: linear
      if (m <= 1 || n * m <= BUDGET) return given ? callOriginal(this, search, from) : callOriginal(this, search);
      let i;
      if (step > 0) { i = given ? +from : 0; i = i !== i ? 0 : i < 0 ? max(0, n + trunc(i)) : trunc(i); }
      else { i = given ? +from : n - 1; i = i !== i ? 0 : i < 0 ? n + trunc(i) : min(trunc(i), n - 1); }
      const long = m > PIECE && typeof search === 'string', holes = name !== 'includes';
      // element by element in the spec's order (HasProperty then Get for indexOf and
      // lastIndexOf, Get for includes: a getter, proxy trap, hole or subclass is met as
      // natively), the interrupt handler between elements; a long string needle is compared
      // piece by piece. Native searches of windows (slices) were about twice as fast but read
      // past the match, in ascending order for lastIndexOf, and made species arrays

      for (; step > 0 ? i < n : i >= 0; i += step) {
        if (holes && !(i in this)) continue;
        const e = this[i];
        if (long ? typeof e === 'string' && e.length === m && callStartsWith(e, callSlice(search, 0, PIECE)) && restAt(e, search, 0, PIECE) : e === search) {
          return name === 'includes' ? true : i;
        }
      }
      return name === 'includes' ? false : -1;
    };
    const callSearch = callOf(search);
    const wrapper = step > 0
      ? { [name](s, from) { return callSearch(this, s, from !== undefined, from); } }[name]
      : { [name](s, ...rest) { return callSearch(this, s, rest.length > 0, rest[0]); } }[name];
    wrap(A, name, () => wrapper);
  };
  arrayMethod('indexOf', 1);
  arrayMethod('includes', 1);
  arrayMethod('lastIndexOf', -1);
  // sort without a comparator compares the elements' strings natively, each comparison as long
  // as their common prefix, and checks no interrupt until it is done (2e5 equal strings of
  // 2,048 characters ran 3.5 s under a 100 ms limit). Where that work could be long, the same
  // order comes from a comparator, a call per comparison (where interrupts are checked) that
  // compares strings longer than PIECE piece by piece
  const inOrder = (x, y) => {
    const a = str(x), b = str(y);
    if (a.length <= PIECE || b.length <= PIECE) return a < b ? -1 : b < a ? 1 : 0;
    for (let k = 0; k < a.length || k < b.length; k += PIECE) {
      const p = callSlice(a, k, k + PIECE), q = callSlice(b, k, k + PIECE);
      if (p !== q) return p < q ? -1 : 1;
    }
    return 0;
  };
  // ~n log2 n comparisons, each up to the longest string plus a conversion's worth of work
  const SORT_WORK = 1 << 25;
  const longSort = (a) => {
    const n = a.length;
    let longest = 0;
    for (let i = 0; i < n; i++) {
      const e = a[i];
      if (isObject(e)) return false; // its own toString, called once per element by the builtin
      if (typeof e === 'symbol') return false; // the builtin's TypeError, as it throws it
      if (typeof e === 'string' && e.length > longest) longest = e.length;
    }
    return n * (32 - clz32(n)) * (longest + 32) > SORT_WORK;
  };
  for (const name of ['sort', 'toSorted']) {
    const callOriginal = callOf(A[name]);
    wrap(A, name, () => ({ [name](comparefn) {
      return callOriginal(this, comparefn === undefined && isArray(this) && longSort(this) ? inOrder : comparefn);
    } })[name]);
  }
}`
