// Over 250 lines: one guest source text whose wrappers share the intrinsics and helpers it captures.
/**
 * Work (elements or characters) under which the guest's builtin wrappers charge nothing
 * (guest-heavy-builtins, guest-array-bounds, guest-string-search): see below.
 */
export const SMALL_WORK = 1024

/**
 * Guest source of `boundHeavyBuiltins(G, charge, wrapping)`, spliced into the setup script beside
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
 * work have been done since the last one (guest/setup.ts). Work under SMALL units is not
 * charged: the call is itself a tick, and TICKS_PER_CHECK (interrupt-counter.ts) ticks of at
 * most SMALL units each are about as much work as one charge period. A large input is charged before the
 * call, so the check comes before the builtin starts; then only the call running when the
 * deadline passes can overrun it. Results, errors and the order of conversions are the
 * builtins' own (a typed-array constructor becomes a Proxy of itself, with its own keys,
 * prototype and text): the wrapper reads only the receiver's typed-array length (through the
 * intrinsic getter), a string's `length`, an array's `length` (Array.isArray: an own data
 * property) and the result's.
 *
 * The wrappers are on hot paths (`'x'.repeat(n)` in a loop), so they call the builtin through
 * a bound `call` with fixed parameters: a rest array and `Reflect.apply` cost as much again as
 * the builtin. Passing `undefined` for an argument a caller left out is the same to every
 * builtin wrapped that way; those for which it is not (`lastIndexOf`'s `fromIndex` and
 * `toLocaleString`) keep their callers' arguments as given.
 */
export const GUEST_HEAVY_BUILTINS = `function boundHeavyBuiltins(G, charge, afford, { callOf, wrap, originalOf }, isScriptProxy, fits) {
  const SMALL = ${SMALL_WORK};
  const apply = Reflect.apply, construct = Reflect.construct, ProxyCtor = Proxy, defineProperty = Object.defineProperty, getPrototypeOf = Object.getPrototypeOf;
  const getOwnPropertyDescriptor = Object.getOwnPropertyDescriptor, isArray = Array.isArray, clz32 = Math.clz32;
  // (callOf and wrap: guest-setup.ts; a builtin found under two names, trimStart and trimLeft, gets one wrapper)
  // a wrapper that charges before(receiver, first argument) and after(result), each a number of units
  const fixed = (before, after) => (original) => {
    const c = callOf(original);
    return { w(a, b, d) {
      if (before) { const n = before(this, a); if (n >= SMALL) charge(n); }
      const r = c(this, a, b, d);
      if (after) { const n = after(r); if (n >= SMALL) charge(n); }
      return r;
    } }.w;
  };
  const variadic = (before, after) => (original) => ({ w(...args) {
    if (before) { const n = before(this, args[0]); if (n >= SMALL) charge(n); }
    const r = apply(original, this, args);
    if (after) { const n = after(r); if (n >= SMALL) charge(n); }
    return r;
  } }).w;
  const sizeOf = (r) => typeof r === 'string' || isArray(r) ? r.length : 0;
  // %TypedArray%.prototype: every method is bounded by the receiver's length
  const TA = G.Uint8Array && getPrototypeOf(G.Uint8Array.prototype);
  // a constructor charged for its first argument's size: a Proxy of itself, which has its
  // shape, prints as it and keeps its prototype; \`called\` replaces a plain call of it, and
  // \`made\`, when the argument's size was not charged, gives what the object made cost;
  // \`built\` may make the object itself (else undefined: the builtin's construct)
  const charged = (name, size, called, made, built) => {
    const d = getOwnPropertyDescriptor(G, name);
    if (!d || typeof d.value !== 'function') return;
    const count = (args) => { const n = args.length ? size(args[0]) : 0; if (n >= SMALL) charge(n); return n; };
    const proxy = new ProxyCtor(d.value, {
      apply(target, self, args) { count(args); return called ? called(target, self, args, proxy) : apply(target, self, args); },
      construct(target, args, newTarget) {
        const b = built && newTarget === proxy && args.length ? built(target, args[0], proxy) : undefined;
        if (b !== undefined) return b;
        const n = count(args), r = construct(target, args, newTarget);
        if (made && n < SMALL) { const m = made(args[0], r); if (m >= SMALL) charge(m); }
        return r;
      },
    });
    defineProperty(G, name, { ...d, value: proxy });
    const proto = d.value.prototype;
    defineProperty(proto, 'constructor', { ...getOwnPropertyDescriptor(proto, 'constructor'), value: proxy });
  };
  if (TA) {
    const lengthOfTyped = callOf(getOwnPropertyDescriptor(TA, 'length').get);
    const lengthOf = (self) => { try { return lengthOfTyped(self); } catch { return 0; } };
    for (const name of ['copyWithin', 'fill', 'includes', 'indexOf', 'join', 'reverse', 'set', 'slice', 'toReversed', 'with']) wrap(TA, name, fixed(lengthOf));
    for (const name of ['lastIndexOf', 'toLocaleString']) wrap(TA, name, variadic(lengthOf));
    // n log n comparisons, charged from the first element on
    const sorting = (self) => { const n = lengthOf(self); return n > 1 ? SMALL + n * (32 - clz32(n)) : 0; };
    for (const name of ['sort', 'toSorted']) wrap(TA, name, fixed(sorting));
    // the constructors copy (and convert) a typed array or an array element by element; an
    // array-like object or an iterable is read element by element too, with no tick (a loop of
    // \`new Uint8Array({ length: 3e6 })\` held an inline host 13.5 s of 1 s): its \`length\` getter
    // or iterator cannot be read twice, so the array made is charged, after the call
    const source = (x) => typeof x === 'number' ? x : isArray(x) ? x.length : lengthOf(x);
    const copied = (x, made) => x !== null && (typeof x === 'object' || typeof x === 'function') ? lengthOf(made) : 0;
    // One call over an array-like of 3e6 ran 73-297 ms with no check, past a worker's kill margin
    // (50 ms) when it started near the deadline. A long one whose reads run no script code (an
    // own number data \`length\`, no @@iterator on a chain of objects no script Proxy is in) that
    // might not end in the time left at ELEMENT_NS an element (over the rates measured: 30-100 ns
    // idle, 200-430 ns at load 14, where the guest loop took 3-5x as long) is copied in a guest
    // loop, whose ticks the deadline stops: the builtin's reads and writes in its order (a Get of
    // each index, then its conversion as the element is set)
    const iteratorKey = Symbol.iterator, LONG = 65536, MAX_LENGTH = 2 ** 53 - 1, trunc = Math.trunc, ELEMENT_NS = 200;
    const arrayLike = (x) => {
      if (x === null || typeof x !== 'object' || isArray(x) || isScriptProxy(x)) return -1;
      const d = getOwnPropertyDescriptor(x, 'length');
      if (d === undefined || typeof d.value !== 'number' || !(d.value >= LONG)) return -1;
      for (let o = x; o !== null; o = getPrototypeOf(o)) {
        if (o !== x && isScriptProxy(o)) return -1;
        const m = getOwnPropertyDescriptor(o, iteratorKey);
        if (m === undefined) continue;
        if (m.get !== undefined || m.set !== undefined || (m.value !== undefined && m.value !== null)) return -1;
        break;
      }
      return d.value > MAX_LENGTH ? MAX_LENGTH : trunc(d.value);
    };
    const elementwise = (target, x, proxy) => {
      const n = arrayLike(x);
      if (n < 0 || fits((n * ELEMENT_NS) / 1e6)) return undefined;
      let r;
      // a length the builtin refuses: its own call, for its own error
      try { r = construct(target, [n], proxy); } catch { return undefined; }
      for (let k = 0; k < n; k++) r[k] = x[k];
      return r;
    };
    for (const name of ['Int8Array', 'Uint8Array', 'Uint8ClampedArray', 'Int16Array', 'Uint16Array', 'Int32Array',
      'Uint32Array', 'Float16Array', 'Float32Array', 'Float64Array', 'BigInt64Array', 'BigUint64Array']) {
      charged(name, source, undefined, copied, elementwise);
    }
  }
  if (G.ArrayBuffer) {
    const bytesOf = callOf(getOwnPropertyDescriptor(G.ArrayBuffer.prototype, 'byteLength').get);
    wrap(G.ArrayBuffer.prototype, 'slice', fixed((self) => { try { return bytesOf(self); } catch { return 0; } }));
  }
  // A number with an exponent from -30 to -399 ('1.5e-30', '2.2e-308', '1.5e-320') takes
  // QuickJS's exact conversion, 3.7-8.8 µs each measured at load 20 on 2 cores (0.5-1.4 µs for
  // '15000', '1.5', '1.5e-22', '1.5e+30', '1e-400'), in one JSON.parse call no check stops:
  // '['+'1.5e-320,'.repeat(1e6)+'0]' under a 200 ms limit held an inline host 7.4 s. Before a
  // long text is parsed such numbers are counted (a regexp walk, a call per number, so the
  // host's checks run) and the parse is refused when they could not be converted in the time
  // left at EXPONENT_NS each, a lower bound (the cheapest measured, over ten for the load)
  // (a text without 'e-' or 'E-' is searched natively only: the regexp walks ~5x slower)
  const EXPONENT_NS = 200, testOf = callOf(G.RegExp.prototype.test), has = callOf(originalOf(G.String.prototype.includes)), RangeErrorCtor = RangeError;
  const exponentNumbers = () => {
    const re = /[eE]-(?:[3-9][0-9]|[1-3][0-9]{2})(?![0-9])/g;
    return (text) => {
      if (!has(text, 'e-') && !has(text, 'E-')) return;
      re.lastIndex = 0;
      let n = 0;
      while (testOf(re, text)) {
        if ((++n & 4095) === 0 && !afford((n * EXPONENT_NS) / 1e6)) break;
      }
      re.lastIndex = 0;
      if (n > 0 && !afford((n * EXPONENT_NS) / 1e6)) {
        throw new RangeErrorCtor('JSON.parse of ' + n + ' numbers with exponents or more cannot finish in the time left');
      }
    };
  };
  // JSON: the text parsed, the text made (and an array's length before it is walked)
  const J = G.JSON;
  wrap(J, 'parse', (original) => { const parse = callOf(original), numbers = exponentNumbers(); return { parse(text, reviver) {
    if (typeof text === 'string' && text.length >= SMALL) { charge(text.length); numbers(text); }
    return parse(this, text, reviver);
  } }.parse; });
  wrap(J, 'stringify', fixed((_self, value) => isArray(value) ? value.length : 0, sizeOf));
  // whole-string builtins: the receiver (when a string: no conversion runs), a string first
  // argument and the result, checked inline (the hottest wrappers)
  const S = G.String.prototype;
  const stringMethod = (original) => {
    const c = callOf(original);
    return { w(a, b, d) {
      const n = (typeof this === 'string' ? this.length : 0) + (typeof a === 'string' ? a.length : 0);
      if (n >= SMALL) charge(n);
      const r = c(this, a, b, d);
      if (typeof r === 'string' ? r.length >= SMALL : typeof r === 'object' && isArray(r) && r.length >= SMALL) charge(r.length);
      return r;
    } }.w;
  };
  // (normalize and localeCompare: guest-unicode-text.ts)
  for (const name of ['trim', 'trimStart', 'trimEnd', 'trimLeft', 'trimRight', 'split', 'isWellFormed']) wrap(S, name, stringMethod);
  // builtins whose work follows the string they return (repeat and padding make it, a case
  // mapping or toWellFormed makes one as long as its input or longer): only the result is
  // charged, with no type tests (a string always comes back). In \`'x'.repeat(n)\` in a loop
  // the two typeof tests before the call and the one after cost more than the builtin itself
  const resultSized = (original) => {
    const c = callOf(original);
    return { w(a, b) {
      const r = c(this, a, b);
      if (r.length >= SMALL) charge(r.length);
      return r;
    } }.w;
  };
  // slice / substring / substr copy what they return: a loop of \`s = s.substring(1)\` over 30 MB
  // held an inline host 3.5-5 s of a 1 s limit
  for (const name of ['toLowerCase', 'toUpperCase', 'toLocaleLowerCase', 'toLocaleUpperCase', 'padStart', 'padEnd', 'repeat',
    'toWellFormed', 'slice', 'substring', 'substr']) wrap(S, name, resultSized);
  // a function's source text, copied (and decoded) whole on each call: a loop of toString() of a
  // function made by \`new Function\` from 1 MB held an inline host 0.5-2.6 s of a 200 ms limit
  // (lockdown's toString, which shows the replaced builtins as native, calls this one)
  wrap(getPrototypeOf(function () {}), 'toString', resultSized);
  // concat (template literals call it) is wrapped once, in guest-number-text, which charges its result
  // key lists: the keys made
  const keyList = (original) => {
    const c = callOf(original);
    return { w(o) {
      const r = c(this, o);
      if (r.length >= SMALL) charge(r.length);
      return r;
    } }.w;
  };
  for (const name of ['keys', 'values', 'entries', 'getOwnPropertyNames', 'getOwnPropertySymbols']) wrap(G.Object, name, keyList);
  if (G.Reflect) wrap(G.Reflect, 'ownKeys', keyList);
  // whole copies of an iterable (an array's values, a Set) with no tick per element: the result's length
  wrap(G.Array, 'from', fixed(null, sizeOf));
  if (G.Iterator) wrap(G.Iterator.prototype, 'toArray', fixed(null, sizeOf));
  // the Set methods walk the receiver and a Set or Map argument natively: both sizes, through the
  // intrinsic getters (a set-like object's own keys() is called, a tick per value)
  if (G.Set && G.Map) {
    const setSize = callOf(getOwnPropertyDescriptor(G.Set.prototype, 'size').get);
    const mapSize = callOf(getOwnPropertyDescriptor(G.Map.prototype, 'size').get);
    const sizeOfSet = (x) => { try { return setSize(x); } catch { try { return mapSize(x); } catch { return 0; } } };
    const both = (self, other) => sizeOfSet(self) + sizeOfSet(other);
    for (const name of ['union', 'intersection', 'difference', 'symmetricDifference', 'isSubsetOf', 'isSupersetOf',
      'isDisjointFrom']) wrap(G.Set.prototype, name, fixed(both));
  }
  // whole-string scans: a needle compared once, a text escaped or parsed (the input, then the result)
  const textOf = (_self, a) => typeof a === 'string' ? a.length : 0;
  for (const name of ['startsWith', 'endsWith', 'match', 'matchAll', 'search']) wrap(S, name, fixed(textOf));
  for (const name of ['escape', 'unescape', 'encodeURI', 'encodeURIComponent', 'decodeURI', 'decodeURIComponent']) wrap(G, name, fixed(textOf, sizeOf));
  for (const name of ['parseFloat', 'parseInt']) { wrap(G, name, fixed(textOf)); wrap(G.Number, name, fixed(textOf)); }
  // RegExp(source) compiles it (never interrupted: a 1 MB source in a loop ran 12.5 s of
  // 1 s): a Proxy of itself, as the typed-array constructors. Not Number(text) nor
  // Object.assign: unary + and object spread do the same work as operators, which nothing
  // here can wrap (README), and on hot paths a Proxy or rest array costs 3-4x the call
  const sourceOf = callOf(getOwnPropertyDescriptor(G.RegExp.prototype, 'source').get);
  const patternOf = (x) => { if (typeof x === 'string') return x.length; try { return sourceOf(x).length; } catch { return 0; } };
  // RegExp(r) without new returns r itself when r is a regexp (IsRegExp) whose constructor is
  // RegExp and no flags are given; the builtin compares r.constructor with itself, which is
  // never the Proxy scripts see, so it made a copy (lastIndex lost). Past that check the copy
  // is made as the builtin would, with the Proxy as new.target, from what the check already
  // read: a regexp's source and flags through the intrinsic getters (no script code runs), a
  // regexp-like object's \`source\` and \`flags\`, another object's string, so no property
  // (Symbol.match) is read twice
  const regExpPrototype = G.RegExp.prototype, matchKey = Symbol.match, toText = String;
  const flagGetters = [];
  for (const [name, letter] of [['hasIndices', 'd'], ['global', 'g'], ['ignoreCase', 'i'], ['multiline', 'm'], ['dotAll', 's'],
    ['unicode', 'u'], ['unicodeSets', 'v'], ['sticky', 'y']]) {
    const d = getOwnPropertyDescriptor(regExpPrototype, name);
    if (d && d.get) flagGetters.push([callOf(d.get), letter]);
  }
  const flagsOf = (r) => { let f = ''; for (const [get, letter] of flagGetters) if (get(r)) f += letter; return f; };
  const matcherSource = (x) => { if (x === regExpPrototype) return undefined; try { return sourceOf(x); } catch { return undefined; } };
  charged('RegExp', patternOf, (target, self, args, proxy) => {
    const p = args[0], flags = args[1];
    if (flags !== undefined || ((typeof p !== 'object' || p === null) && typeof p !== 'function')) return apply(target, self, args);
    const source = matcherSource(p);
    const m = p[matchKey];
    const isRegExp = m !== undefined ? !!m : source !== undefined;
    if (isRegExp && p.constructor === proxy) return p;
    if (source !== undefined) return construct(target, [source, flagsOf(p)], proxy);
    if (!isRegExp) return construct(target, [toText(p)], proxy);
    const s = p.source, f = p.flags;
    return construct(target, [s === undefined ? s : toText(s), f], proxy);
  });
  wrap(G.RegExp.prototype, 'compile', fixed((_self, a) => patternOf(a)));
}`
