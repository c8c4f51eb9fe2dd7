import { SMALL_WORK } from './guest-heavy-builtins.js'

/**
 * Guest source of `boundObjectWalks(G, charge, wrapping)`, spliced into the setup script beside
 * `boundHeavyBuiltins` and called after it, before the intrinsics are discovered (the
 * wrappers are then frozen with the rest).
 *
 * Why: the Object builtins that walk every own key of an object are one tick each, like the
 * whole-input builtins of guest-heavy-builtins.ts. Inline, under a 1 s limit, `for (;;)
 * Object.isFrozen(f)` over a frozen 2e5-element array held the host ~46 s, `isSealed` and
 * `freeze` likewise, `Object.getOwnPropertyDescriptors` of a 2e4-element array past 12 s (84 s
 * at 1e5), `Object.defineProperties({}, D)` and `Object.create(null, D)` with D the descriptors
 * of 2e4 elements 4–7.5 s.
 *
 * What each charges, without a read a script could see on an ordinary object:
 * - `isFrozen` / `isSealed` answer at once for an extensible object and walk every key of one
 *   that is not; `freeze` / `seal` walk every key. A non-extensible object can gain no key, so
 *   its key count, read once (`Reflect.ownKeys`, itself charged) and kept in a WeakMap, bounds
 *   every later walk. An extensible object is charged nothing: the first `freeze` of it walks
 *   keys the script had to make, and every later call is charged.
 * - `getOwnPropertyDescriptors`: the keys of its result (a new object), 16 units each (one
 *   descriptor object per key, ~2 µs here, about 16 element copies).
 * - `defineProperties(o, D)` and `create(p, D)`: the keys of D before the call, 4 units each
 *   (a descriptor read and a definition per key); a string D by its length.
 * On a Proxy the count runs its `isExtensible` / `ownKeys` traps once more (once per object for
 * the integrity walks, at every call for D); an ordinary object sees nothing. Hot small calls
 * pay a WeakMap read (`freeze`, `isFrozen`) or a short key list (`defineProperties`).
 */
export const GUEST_OBJECT_WALKS = `function boundObjectWalks(G, charge, { callOf, wrap }) {
  const SMALL = ${SMALL_WORK}, DESCRIPTOR = 16, DEFINE = 4;
  const O = G.Object, ownKeys = Reflect.ownKeys, isExtensible = O.isExtensible;
  const getOwnPropertyDescriptor = O.getOwnPropertyDescriptor;
  // o[name] replaced by make(the builtin as a bound call), with its name, length and attributes (guest-setup.ts)
  const wrapBound = (o, name, make) => wrap(o, name, (original) => make(callOf(original)));
  const isObject = (x) => x !== null && (typeof x === 'object' || typeof x === 'function');
  // the keys an integrity walk of o visits: none while o is extensible, else its (fixed) key
  // count. Inline, and the WeakMap's own methods (frozen by lockdown): freeze and isFrozen are hot
  const counts = new WeakMap();
  const integrity = (c) => ({ w(o) {
    if (o !== null && (typeof o === 'object' || typeof o === 'function')) {
      let n = counts.get(o);
      if (n === undefined) {
        try { n = isExtensible(o) ? 0 : ownKeys(o).length; } catch { n = 0; } // a revoked Proxy: the builtin throws its own TypeError
        if (n > 0) counts.set(o, n);
      }
      if (n >= SMALL) charge(n);
    }
    return c(this, o);
  } }).w;
  for (const name of ['freeze', 'seal', 'isFrozen', 'isSealed']) wrapBound(O, name, integrity);
  wrapBound(O, 'getOwnPropertyDescriptors', (c) => ({ w(o) {
    const r = c(this, o);
    const n = ownKeys(r).length * DESCRIPTOR;
    if (n >= SMALL) charge(n);
    return r;
  } }).w);
  const defining = (D) => {
    if (typeof D === 'string') return D.length;
    if (!isObject(D)) return 0;
    try { return ownKeys(D).length * DEFINE; } catch { return 0; }
  };
  wrapBound(O, 'defineProperties', (c) => ({ w(o, D) { const n = defining(D); if (n >= SMALL) charge(n); return c(this, o, D); } }).w);
  // fromEntries reads and defines each entry in C with no tick per entry, and a number key's
  // text can take ~75 µs to make (guest-number-text.ts): a small array, Map or Set goes to the
  // builtin; any other iterable (a large one, or an iterator, whose native next() ticks no
  // more) is walked here as the builtin does, a tick per entry (for-of closes the iterator
  // when an entry is refused)
  const isArray = Array.isArray, TypeErrorCtor = TypeError, create = O.create, setPrototypeOf = O.setPrototypeOf, ObjectProto = O.prototype;
  const sizeGetters = [G.Map, G.Set].filter((C) => C).map((C) => callOf(getOwnPropertyDescriptor(C.prototype, 'size').get));
  const entryCount = (x) => {
    if (isArray(x)) return x.length;
    for (const size of sizeGetters) { try { return size(x); } catch {} }
    return -1;
  };
  wrapBound(O, 'fromEntries', (c) => ({ w(iterable) {
    if (!isObject(iterable)) return c(this, iterable);
    const n = entryCount(iterable);
    if (n >= 0 && n * DEFINE < SMALL) return c(this, iterable);
    // no prototype while it fills: an assignment then defines a data property, as the builtin
    // does ('__proto__' included), at a seventh of defineProperty's cost
    const out = create(null);
    for (const entry of iterable) {
      if (!isObject(entry)) throw new TypeErrorCtor('not an object');
      const k = entry[0], v = entry[1];
      out[k] = v;
    }
    return setPrototypeOf(out, ObjectProto);
  } }).w);
  // create(p) is create(p, undefined): the same to the builtin
  wrapBound(O, 'create', (c) => ({ w(p, D) {
    if (D !== undefined) { const n = defining(D); if (n >= SMALL) charge(n); }
    return c(this, p, D);
  } }).w);
}`
