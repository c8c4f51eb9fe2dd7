/**
 * Guest source of `boundHeavyBuiltins(G, charge)`, spliced into the setup script beside
 * `boundArrayBuiltins` and called before the intrinsics are discovered (the wrappers are then
 * frozen with the rest).
 *
 * Why: QuickJS checks for interrupts at calls and backward branches, a budget of ticks at a
 * time (interrupt-counter.ts), and a builtin is one tick however long it runs. A loop of
 * whole-input builtins therefore ran a whole budget of them between two checks:
 * `const a = new Uint8Array(1e7); for (;;) a.join('')` held an inline host for 518 s of a 1 s
 * limit, `JSON.stringify` of a million elements 174 s, `toLowerCase` of 8 MB 75 s, typed-array
 * `reverse`/`indexOf`/`includes`/`copyWithin`/`fill` loops 2–22 s.
 *
 * Each wrapper charges the work its call does (elements or characters, from the input where
 * reading it has no effect a script could see, else from the result) to `charge`, which asks
 * the host for an interrupt check at the next call or branch once about a million units of
 * work have been done since the last one (guest/setup.ts). A large input is charged before the
 * call, so the check comes before the builtin starts; then only the call running when the
 * deadline passes can overrun it. Results, errors and the order of conversions are the
 * builtins' own (a typed-array constructor becomes a Proxy of itself, with its own keys,
 * prototype and text): the wrapper reads only the receiver's typed-array length (through the
 * intrinsic getter), a string's `length`, an array's `length` (Array.isArray: an own data
 * property) and the result's.
 */
export const GUEST_HEAVY_BUILTINS = `function boundHeavyBuiltins(G, charge) {
  const apply = Reflect.apply, construct = Reflect.construct, ProxyCtor = Proxy, defineProperty = Object.defineProperty, getPrototypeOf = Object.getPrototypeOf;
  const getOwnPropertyDescriptor = Object.getOwnPropertyDescriptor, isArray = Array.isArray, clz32 = Math.clz32;
  const wrappers = new Map();
  // replaces o[name] by a wrapper with the same name, length and attributes; a builtin found
  // under two names (trimStart and trimLeft) gets one wrapper under both
  const wrap = (o, name, before, after) => {
    const d = getOwnPropertyDescriptor(o, name);
    if (!d || typeof d.value !== 'function') return;
    const original = d.value;
    let wrapper = wrappers.get(original);
    if (!wrapper) {
      wrapper = { [name](...args) {
        if (before) before(this, args);
        const r = apply(original, this, args);
        if (after) after(r);
        return r;
      } }[name];
      defineProperty(wrapper, 'name', { value: original.name, configurable: true });
      defineProperty(wrapper, 'length', { value: original.length, configurable: true });
      wrappers.set(original, wrapper);
    }
    defineProperty(o, name, { ...d, value: wrapper });
  };
  const sizeOf = (r) => typeof r === 'string' || isArray(r) ? r.length : 0;
  const result = (r) => { const n = sizeOf(r); if (n > 0) charge(n); };
  // %TypedArray%.prototype: every method is bounded by the receiver's length
  const TA = G.Uint8Array && getPrototypeOf(G.Uint8Array.prototype);
  if (TA) {
    const lengthGetter = getOwnPropertyDescriptor(TA, 'length').get;
    const lengthOf = (self) => { try { return apply(lengthGetter, self, []); } catch { return 0; } };
    const linear = (self) => { const n = lengthOf(self); if (n > 0) charge(n); };
    for (const name of ['copyWithin', 'fill', 'includes', 'indexOf', 'join', 'lastIndexOf', 'reverse', 'set', 'slice',
      'toLocaleString', 'toReversed', 'with']) wrap(TA, name, linear);
    const sorting = (self) => { const n = lengthOf(self); if (n > 1) charge(n * (32 - clz32(n))); };
    for (const name of ['sort', 'toSorted']) wrap(TA, name, sorting);
    // the constructors copy (and convert) a typed array or an array element by element: each
    // becomes a Proxy of itself, which has its shape, prints as it and keeps its prototype
    const source = (x) => typeof x === 'number' ? x : isArray(x) ? x.length : lengthOf(x);
    for (const name of ['Int8Array', 'Uint8Array', 'Uint8ClampedArray', 'Int16Array', 'Uint16Array', 'Int32Array',
      'Uint32Array', 'Float16Array', 'Float32Array', 'Float64Array', 'BigInt64Array', 'BigUint64Array']) {
      const d = getOwnPropertyDescriptor(G, name);
      if (!d || typeof d.value !== 'function') continue;
      const proxy = new ProxyCtor(d.value, { construct(target, args, newTarget) {
        const n = source(args[0]);
        if (n > 0) charge(n);
        return construct(target, args, newTarget);
      } });
      defineProperty(G, name, { ...d, value: proxy });
      const proto = d.value.prototype;
      defineProperty(proto, 'constructor', { ...getOwnPropertyDescriptor(proto, 'constructor'), value: proxy });
    }
  }
  if (G.ArrayBuffer) {
    const AB = G.ArrayBuffer.prototype, bytesGetter = getOwnPropertyDescriptor(AB, 'byteLength').get;
    wrap(AB, 'slice', (self) => { let n = 0; try { n = apply(bytesGetter, self, []); } catch {} if (n > 0) charge(n); });
  }
  // JSON: the text parsed, the text made (and an array's length before it is walked)
  const J = G.JSON;
  wrap(J, 'parse', (_self, args) => { if (typeof args[0] === 'string') charge(args[0].length); });
  wrap(J, 'stringify', (_self, args) => { if (isArray(args[0])) charge(args[0].length); }, result);
  // whole-string builtins: the receiver (when a string: no conversion runs) and the result
  const S = G.String.prototype;
  const receiver = (self, args) => {
    if (typeof self === 'string') charge(self.length);
    if (typeof args[0] === 'string') charge(args[0].length);
  };
  for (const name of ['toLowerCase', 'toUpperCase', 'toLocaleLowerCase', 'toLocaleUpperCase', 'normalize', 'localeCompare',
    'trim', 'trimStart', 'trimEnd', 'trimLeft', 'trimRight', 'padStart', 'padEnd', 'repeat', 'concat', 'split',
    'isWellFormed', 'toWellFormed']) wrap(S, name, receiver, result);
  // key lists: the keys made
  for (const name of ['keys', 'values', 'entries', 'getOwnPropertyNames', 'getOwnPropertySymbols']) wrap(G.Object, name, undefined, result);
  if (G.Reflect) wrap(G.Reflect, 'ownKeys', undefined, result);
}`
