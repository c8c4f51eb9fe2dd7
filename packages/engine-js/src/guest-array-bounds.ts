/**
 * Guest source of `boundArrayBuiltins(G, cap)`, spliced into the setup script and called
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
 */
export const GUEST_ARRAY_BOUNDS = `function boundArrayBuiltins(G, cap) {
  const apply = Reflect.apply, defineProperty = Object.defineProperty;
  const getOwnPropertyDescriptor = Object.getOwnPropertyDescriptor, isArray = Array.isArray;
  const RangeErrorCtor = RangeError, NumberOf = Number, spreadable = Symbol.isConcatSpreadable;
  const tooLong = (n) => new RangeErrorCtor('array length ' + n + ' is over the sandbox limit of ' + cap);
  const lengthOf = (o) => {
    if (o === null || o === undefined) return 0; // the builtin itself throws its TypeError
    const n = NumberOf(o.length);
    return n > 0 ? n : 0;
  };
  // replaces o[name] by a wrapper with the same name, length and attributes
  const wrap = (o, name, guard) => {
    const d = getOwnPropertyDescriptor(o, name);
    if (!d || typeof d.value !== 'function') return;
    const original = d.value;
    const wrapper = { [name](...args) { guard(this, args); return apply(original, this, args); } }[name];
    defineProperty(wrapper, 'length', { value: original.length, configurable: true });
    defineProperty(o, name, { ...d, value: wrapper });
  };
  const receiver = (self) => { const n = lengthOf(self); if (n > cap) throw tooLong(n); };
  const A = Array.prototype;
  for (const name of ['copyWithin', 'every', 'fill', 'filter', 'flat', 'flatMap', 'forEach', 'includes', 'indexOf',
    'join', 'lastIndexOf', 'map', 'reduce', 'reduceRight', 'reverse', 'shift', 'slice', 'some', 'sort', 'splice',
    'toLocaleString', 'toReversed', 'toSorted', 'toSpliced', 'unshift', 'with']) wrap(A, name, receiver);
  // concat spreads its receiver and every spreadable argument
  wrap(A, 'concat', (self, args) => {
    receiver(self);
    for (let i = 0; i < args.length; i++) {
      const v = args[i];
      if (v === null || (typeof v !== 'object' && typeof v !== 'function')) continue;
      const s = v[spreadable];
      if (s === undefined ? isArray(v) : s) receiver(v);
    }
  });
  // drop(n) skips n values of a native iterator without an interrupt check
  const IteratorProto = G.Iterator && G.Iterator.prototype;
  if (IteratorProto) wrap(IteratorProto, 'drop', (self, args) => { const n = NumberOf(args[0]); if (n > cap) throw tooLong(n); });
}`
