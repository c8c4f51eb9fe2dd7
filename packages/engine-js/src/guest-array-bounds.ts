import { SMALL_WORK } from './guest-heavy-builtins.js'

/**
 * Guest source of `boundArrayBuiltins(G, cap, charge, wrapping)`, spliced into the setup script and called
 * before the intrinsics are discovered (the wrappers are then frozen with the rest).
 *
 * Why: QuickJS's generic Array methods walk an array-like index by index up to its `length`
 * and, for holes, never call the interrupt handler. `Array.prototype.forEach.call({ length:
 * 2 ** 40 }, f)`, `a.length = 2 ** 32 - 1; a.indexOf(1)`, `reverse`, `join('')`, `sort`,
 * `[].concat(spreadable)`, `Iterator.prototype.drop(2 ** 40)` ... held the host thread for
 * hours under a 100 ms limit (inline; a worker is terminated by its watchdog).
 *
 * A dense array cannot be longer than the state's memory allows (8 bytes per element), so
 * `cap` (from the policy's memory limit) is the longest array a script can really hold: a
 * longer `length` is refused with a RangeError before the native loop starts. Arrays that fit
 * are untouched, at the cost of one `length` read (a `length` getter on an array-like runs twice).
 * `flat` also walks the arrays it flattens and `flatMap` the arrays its callback returns (summed
 * over all of them: a hundred references to one sparse array under the cap ran 30 s of a 1 s
 * limit), and `String.raw` its template's `raw`: `flat` reads each element once more first.
 * A length that fits is charged as work from SMALL elements on (`charge`, see
 * guest-heavy-builtins.ts): a loop of whole-array calls then meets an interrupt check every
 * million elements or so.
 */
export const GUEST_ARRAY_BOUNDS = `function boundArrayBuiltins(G, cap, charge, { callOf, wrap }) {
  const apply = Reflect.apply, isArray = Array.isArray;
  const RangeErrorCtor = RangeError, NumberOf = Number, spreadable = Symbol.isConcatSpreadable;
  const tooLong = (n) => new RangeErrorCtor('array length ' + n + ' is over the sandbox limit of ' + cap);
  const lengthOf = (o) => {
    if (o === null || o === undefined) return 0; // the builtin itself throws its TypeError
    const n = NumberOf(o.length);
    return n > 0 ? n : 0;
  };
  // o[name] replaced by a wrapper that calls guard(receiver, arguments) first (wrap: guest-setup.ts)
  const wrapGuarded = (o, name, guard) =>
    wrap(o, name, (original) => ({ w(...args) { guard(this, args); return apply(original, this, args); } }).w);
  // the receiver's length checked and charged inline, the builtin called with three arguments:
  // for these methods an argument left out is the same as undefined (the hot path: map, forEach ...)
  const SMALL = ${SMALL_WORK};
  const wrapFixed = (o, name) => wrap(o, name, (original) => {
    const c = callOf(original);
    return { w(a, b, d) {
      const n = this === null || this === undefined ? 0 : NumberOf(this.length);
      if (n > cap) throw tooLong(n);
      if (n >= SMALL) charge(n);
      return c(this, a, b, d);
    } }.w;
  });
  // a length already read, checked and charged (also for boundNumberText, which reads its own)
  const checkLength = (n) => { if (n > cap) throw tooLong(n); if (n >= SMALL) charge(n); };
  const receiver = (self) => checkLength(lengthOf(self));
  const A = Array.prototype;
  // join and String.raw are checked by boundNumberText (guest-number-text.ts), with this check
  for (const name of ['copyWithin', 'every', 'fill', 'filter', 'forEach', 'includes', 'indexOf', 'map',
    'reverse', 'shift', 'slice', 'some', 'sort', 'toReversed', 'toSorted', 'with']) wrapFixed(A, name);
  // an argument given as undefined is not one left out: lastIndexOf's fromIndex, reduce's
  // initial value, splice's deleteCount, the items unshift adds
  for (const name of ['lastIndexOf', 'reduce', 'reduceRight', 'splice', 'toLocaleString', 'toSpliced', 'unshift']) wrapGuarded(A, name, receiver);
  // concat spreads its receiver and every spreadable argument
  wrapGuarded(A, 'concat', (self, args) => {
    receiver(self);
    for (let i = 0; i < args.length; i++) {
      const v = args[i];
      if (v === null || (typeof v !== 'object' && typeof v !== 'function')) continue;
      const s = v[spreadable];
      if (s === undefined ? isArray(v) : s) receiver(v);
    }
  });
  // flat walks every nested array it flattens up to that array's own length: the lengths it
  // would walk, summed over all levels, must fit (a guest loop, so interrupt-checked)
  const nested = (o, depth, total) => {
    const n = lengthOf(o);
    for (let i = 0; i < n; i++) {
      const v = o[i];
      if (!isArray(v)) continue;
      total += lengthOf(v);
      if (total > cap) throw tooLong(total);
      if (depth >= 2) total = nested(v, depth - 1, total);
    }
    return total;
  };
  // and what it walks in them is charged as work (holes too: [Array(4e6)].flat() builds
  // nothing and walks 4e6 holes; a loop of it held the host 11-16 s under a 500 ms limit)
  wrapGuarded(A, 'flat', (self, args) => {
    receiver(self);
    const depth = args[0] === undefined ? 1 : NumberOf(args[0]);
    if (!(depth >= 1)) return;
    const n = lengthOf(self), inner = nested(self, depth, n) - n;
    if (inner >= SMALL) charge(inner);
  });
  // flatMap walks each array its callback returns: count and charge them as they come
  wrap(A, 'flatMap', (flatMap) => ({ flatMap(callback, ...rest) {
    receiver(this);
    if (typeof callback !== 'function') return apply(flatMap, this, [callback, ...rest]);
    let total = lengthOf(this);
    const counted = function (v, i, o) {
      const r = apply(callback, this, [v, i, o]);
      if (isArray(r)) {
        const m = lengthOf(r);
        total += m;
        if (total > cap) throw tooLong(total);
        if (m >= SMALL) charge(m);
      }
      return r;
    };
    return apply(flatMap, this, [counted, ...rest]);
  } }).flatMap);
  // drop(n) skips n values of a native iterator without an interrupt check, at its first
  // next(), whenever that comes: a long skip goes through map's callback, a call (an interrupt
  // check point) per value, the same values, reads and return() of the iterator (before, 200
  // drop(4e6) helpers of Array(4e6).values() made first, then each next() once, held the host
  // 170-186 s under a 500 ms limit; a loop of drop(4e6).next() 95-230 s)
  const IteratorProto = G.Iterator && G.Iterator.prototype;
  const iterMap = IteratorProto && IteratorProto.map;
  const same = (v) => v;
  if (IteratorProto) wrap(IteratorProto, 'drop', (drop) => ({ drop(limit) {
    const n = NumberOf(limit);
    if (n > cap) throw tooLong(n);
    // n, not limit: the limit is converted once, as by the builtin
    return n >= SMALL ? apply(drop, apply(iterMap, this, [same]), [n]) : apply(drop, this, [n]);
  } }).drop);
  return checkLength;
}`
