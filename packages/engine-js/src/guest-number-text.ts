// Over 250 lines: one guest source, the number-text wrappers and the property-list walk they share state with.
import { SMALL_WORK } from './guest-heavy-builtins.js'

/**
 * Guest source of `boundNumberText(G, charge, formatCost, checkLength, wrapping)`, spliced into the setup
 * script and called after `boundArrayBuiltins` (whose length cap and charge, `checkLength`,
 * these wrappers apply to `join` and `String.raw` themselves: each reads a length once) and
 * before `boundHeavyBuiltins`, whose charges then come first.
 *
 * Why: QuickJS turns a number into text with an exact shortest round-trip search that costs
 * 0.2 µs for an int32, 1–7 µs for an ordinary double and up to ~75 µs for a subnormal one
 * (`5e-324 * k`), and builtins that format a whole array do it in one native call, with no
 * interrupt check between elements. Inline under a 300 ms limit, 1e5 subnormals held the host
 * 7–10 s in `Float64Array.prototype.join`, `String(float64Array)`, `JSON.stringify`, `String.raw`,
 * `''.concat(...a)` and `Object.fromEntries`; the memory limit (64 MiB: 8e6 doubles) let one
 * call run for minutes. Charging the work before the call cannot shorten the call itself.
 *
 * So these builtins split their work into pieces with checks between them, computing what the
 * builtin computes, in its order:
 * - `Array.prototype.join` from SMALL elements on: each element read once and turned into text
 *   in a guest loop (a tick per element, the captured `String.prototype.concat` being the builtin's ToString,
 *   a non-int32 number charged its formatting), the texts then joined natively in parts; under
 *   SMALL the builtin's call, charged after it from its text's length and whether it has an exponent;
 * - `%TypedArray%.prototype.join` (and `toString`, which calls `join`): the builtin itself over
 *   views of the same memory, a few hundred doubles or 32,768 integers at a time, each part charged;
 * - `JSON.stringify` of an object: through a replacer that charges each number's formatting
 *   (a script's own replacer function is called from it, with the same `this` and arguments).
 *   A replacer *array* (a property list) of 32 keys or more becomes a replacer function that
 *   hands the builtin each object as a Proxy listing those keys (in the list's order, which a
 *   plain object would change for integer-like keys); a shorter list keeps the builtin's call
 *   when a walk of what it would visit (reading data properties only, bounded) finds it small,
 *   and otherwise takes the Proxy path too;
 * - `String.prototype.concat` with 64 or more arguments and `String.raw` with SMALL or more
 *   literals: the texts made in a guest loop, then joined natively.
 */
export const GUEST_NUMBER_TEXT = `function boundNumberText(G, charge, formatCost, checkLength, { callOf, wrap, originalOf }) {
  const SMALL = ${SMALL_WORK}, MANY_ARGUMENTS = 64, MAX_LENGTH = 2 ** 53 - 1, LONG_LIST = 32;
  const apply = Reflect.apply, construct = Reflect.construct, defineProperty = Object.defineProperty, getOwnPropertyDescriptor = Object.getOwnPropertyDescriptor;
  const hasOwn = Object.hasOwn, getPrototypeOf = Object.getPrototypeOf, isArray = Array.isArray, NumberOf = Number, min = Math.min, ArrayOf = Array;
  const arrayJoin = callOf(Array.prototype.join);
  const arraySlice = originalOf(Array.prototype.slice), ProxyOf = G.Proxy, MapOf = G.Map, SetOf = G.Set;
  const mapGet = callOf(G.Map.prototype.get), mapSet = callOf(G.Map.prototype.set);
  const setHas = callOf(G.Set.prototype.has), setAdd = callOf(G.Set.prototype.add);
  const made = new G.WeakSet(), madeHas = callOf(G.WeakSet.prototype.has), madeAdd = callOf(G.WeakSet.prototype.add);
  let madeAny = false;
  const numberValue = G.Number.prototype.valueOf, stringValue = G.String.prototype.valueOf;
  const booleanValue = G.Boolean.prototype.valueOf, bigintValue = G.BigInt.prototype.valueOf;
  // whether an object has the internal slot valueOf reads (no script code runs)
  const boxed = (valueOf, v) => { try { apply(valueOf, v, []); return true; } catch { return false; } };
  const isRawJSON = typeof G.JSON.isRawJSON === 'function' ? G.JSON.isRawJSON : () => false;
  // ToString, as a template literal: QuickJS compiles \`\${x}\` to ''.concat(x), a lookup of the
  // concat a script sees (the wrappers below and in guest-heavy-builtins, with rest arrays),
  // which made a join of 20,000 numbers 18x raw QuickJS; the builtin captured here does the same
  const stringConcat = callOf(G.String.prototype.concat);
  const toText = (x) => stringConcat('', x);
  // the builtin, not guest-string-search's wrapper: a short join calls it once or twice
  const hasText = callOf(originalOf(G.String.prototype.includes));
  // ToLength of a length already read (NaN and negatives are 0, Infinity 2^53 - 1, over the cap)
  const toLength = (n) => { n = NumberOf(n); return n > 0 ? (n < MAX_LENGTH ? n - (n % 1) : MAX_LENGTH) : 0; };
  // the texts of o[from..to), each element read once: undefined and null are empty, a number
  // other than an int32 charged its formatting (a subnormal costs up to ~75 µs, and the
  // elements here are a tick each)
  const texts = (o, from, to) => {
    const out = [];
    let i = 0;
    for (let k = from; k < to; k++) {
      const e = o[k];
      if (typeof e === 'string') out[i++] = e;
      else if (e === undefined || e === null) out[i++] = '';
      else {
        if (typeof e === 'number' && e !== (e | 0)) charge(formatCost(e));
        out[i++] = toText(e);
      }
    }
    return out;
  };
  const PART = 4096;
  wrap(Array.prototype, 'join', (original) => {
    const c = callOf(original);
    return { w(separator) {
      if (this === null || this === undefined) return c(this, separator);
      const n = toLength(this.length);
      checkLength(n);
      // under SMALL elements the builtin is called as it is, one tick however many numbers it
      // formats (1,023 subnormals a call, in a loop, held an inline host ~4 s of a 200 ms limit):
      // it is charged after the call for its text as if it were all numbers, at the dearest
      // formatCost per character: 75,000 for a text of 4 ('1e-8') when it has an exponent,
      // else 3,000 for 3 ('0.5', 8,000 needs 11 digits)
      if (n < SMALL) {
        const r = c(this, separator);
        if (n > 1) charge(r.length * (hasText(r, 'e-') || hasText(r, 'e+') ? 18750 : 1000));
        return r;
      }
      const sep = separator === undefined ? ',' : toText(separator);
      const parts = [];
      for (let from = 0, i = 0; from < n; from += PART, i++) parts[i] = arrayJoin(texts(this, from, from + PART < n ? from + PART : n), sep);
      return arrayJoin(parts, sep);
    } }.w;
  });
  const TA = G.Uint8Array && getPrototypeOf(G.Uint8Array.prototype);
  if (TA) {
    const getter = (name) => callOf(getOwnPropertyDescriptor(TA, name).get);
    const lengthOf = getter('length'), bufferOf = getter('buffer'), offsetOf = getter('byteOffset'), nameOf = getter(Symbol.toStringTag);
    const kinds = {};
    for (const name of ['Int8Array', 'Uint8Array', 'Uint8ClampedArray', 'Int16Array', 'Uint16Array', 'Int32Array', 'Uint32Array',
      'Float16Array', 'Float32Array', 'Float64Array', 'BigInt64Array', 'BigUint64Array']) {
      const C = G[name];
      if (typeof C === 'function') kinds[name] = { C, size: C.BYTES_PER_ELEMENT, part: name[0] === 'F' ? 256 : 32768, cost: name[0] === 'F' ? 75000 : 300 };
    }
    wrap(TA, 'join', (original) => {
      const c = callOf(original);
      return { w(separator) {
        let n;
        try { n = lengthOf(this); } catch { return c(this, separator); }
        if (n < SMALL) return c(this, separator);
        const sep = separator === undefined ? ',' : toText(separator);
        // the separator's text ran script code: elements of a buffer it detached or shrank read
        // as undefined (empty), as in the builtin, which took the length before
        const kind = kinds[nameOf(this)];
        if (!kind) return c(this, sep);
        const m = min(n, lengthOf(this));
        const buffer = bufferOf(this), offset = offsetOf(this), parts = [];
        let i = 0;
        for (let from = 0; from < m; from += kind.part, i++) {
          const k = min(kind.part, m - from);
          charge(k * kind.cost);
          parts[i] = c(new kind.C(buffer, offset + from * kind.size, k), sep);
        }
        if (m < n) parts[i] = arrayJoin(new ArrayOf(n - m), sep);
        return arrayJoin(parts, sep);
      } }.w;
    });
  }
  // The Proxies scripts make (through Proxy and Proxy.revocable) are kept in a WeakSet, so the
  // walk below can stop at one without running its traps.
  if (typeof ProxyOf === 'function') {
    wrap(ProxyOf, 'revocable', (original) => ({ revocable(target, handler) {
      const r = apply(original, this, [target, handler]);
      madeAdd(made, r.proxy);
      madeAny = true;
      return r;
    } }).revocable);
    const d = getOwnPropertyDescriptor(G, 'Proxy');
    defineProperty(G, 'Proxy', { ...d, value: new ProxyOf(ProxyOf, { construct(t, args, nt) {
      const p = construct(t, args, nt);
      madeAdd(made, p);
      madeAny = true;
      return p;
    } }) });
  }
  // Whether the builtin's own call with a short property list \`keys\` stays small: a walk of what
  // it would visit, each value read as an own or inherited data property (no script code runs),
  // counting lookups up to WALK_BUDGET. Anything a script could observe or change on the way (a
  // Proxy, a getter, toJSON, a function, a BigInt, a hole) ends the walk with false, as does a
  // long one: the value then takes the replacer-function path, whose guest calls the deadline stops.
  // (Shared objects make the builtin's visits grow exponentially with depth: \`x = {a: x, b: x}\`
  // 30 times under ['a', 'b'] held an inline host 8.3 s of a 50 ms limit.)
  const WALK_BUDGET = 4096;
  const lookup = (o, key) => {
    for (let depth = 0; o !== null; depth++) {
      if (depth > 64 || madeHas(made, o)) return NOT_PLAIN;
      if (hasOwn(o, key)) {
        const d = getOwnPropertyDescriptor(o, key);
        return 'value' in d ? d.value : NOT_PLAIN;
      }
      o = getPrototypeOf(o);
    }
    return undefined;
  };
  const NOT_PLAIN = {};
  // the formatting cost of the numbers the builtin will write, or -1
  const small = (value, keys) => {
    try {
      // a stack with no prototype: an index accessor on Array.prototype is not met here
      const stack = { __proto__: null, 0: value };
      let budget = WALK_BUDGET, cost = 0, clean, top = 1;
      while (top > 0) {
        const v = stack[--top];
        if (typeof v === 'number') cost += formatCost(v);
        if (typeof v === 'bigint' || typeof v === 'function') return -1;
        if (typeof v !== 'object' || v === null) continue;
        if ((budget -= 1 + keys.length) < 0) return -1;
        // toJSON: own, or on a prototype (the last one found clean is not looked at again: no
        // script code runs during the walk)
        if (madeHas(made, v) || hasOwn(v, 'toJSON')) return -1;
        const proto = getPrototypeOf(v);
        if (proto !== clean) {
          if (proto !== null && lookup(proto, 'toJSON') !== undefined) return -1;
          clean = proto;
        }
        if (isArray(v)) {
          const n = lookup(v, 'length');
          if ((budget -= n) < 0) return -1;
          for (let i = 0; i < n; i++) {
            const d = getOwnPropertyDescriptor(v, i);
            if (d === undefined || !('value' in d)) return -1;
            stack[top++] = d.value;
          }
        } else {
          for (let k = 0; k < keys.length; k++) {
            const e = lookup(v, keys[k]);
            if (e === NOT_PLAIN) return -1;
            stack[top++] = e;
          }
        }
      }
      return cost;
    } catch {
      return -1;
    }
  };
  // every number a stringify formats is charged; a short replacer array keeps the builtin's own
  // call when the walk above finds its work small
  const J = G.JSON;
  wrap(J, 'stringify', (original) => {
    const c = callOf(original);
    const counted = function (key, value) {
      if (typeof value === 'number') charge(formatCost(value));
      return value;
    };
    // A property list as a replacer function: each object (not an array, a function or a boxed
    // primitive) is serialized as a Proxy whose keys are the list, in its order, and whose values
    // are read from the object when the builtin asks for them; the same Proxy for the same object
    // in one call, so the builtin still finds a cycle. Every value passes through a guest call.
    // (The builtin itself looked each key up in every object with no interrupt check:
    // 1e4 references to one {} under a list of 1e4 keys held an inline host 22 s, 3e4 of each 237 s.)
    const listed = (value, replacer) => {
      const keys = [], seen = new SetOf();
      const n = toLength(replacer.length);
      for (let k = 0; k < n; k++) {
        const v = replacer[k];
        let item;
        if (typeof v === 'string') item = v;
        else if (typeof v === 'number' || (typeof v === 'object' && v !== null && (boxed(numberValue, v) || boxed(stringValue, v)))) item = \`\${v}\`;
        else continue;
        if (!setHas(seen, item)) { setAdd(seen, item); keys[keys.length] = item; }
      }
      // a short list, read once here, goes to the builtin as it is: under LONG_LIST lookups a value
      if (keys.length < LONG_LIST) {
        const cost = small(value, keys);
        if (cost >= 0) {
          charge(cost);
          return keys;
        }
      }
      // one target holding every key (an own enumerable property, so the builtin's enumeration
      // needs no trap), shared by the Proxies: only ownKeys (the order) and get are trapped
      const target = {};
      for (let k = 0; k < keys.length; k++) defineProperty(target, keys[k], { value: undefined, writable: true, enumerable: true, configurable: true });
      const ownKeys = () => apply(arraySlice, keys, []);
      const proxies = new MapOf();
      return function (_key, v) {
        if (typeof v === 'number') charge(formatCost(v));
        if (typeof v !== 'object' || v === null) return v;
        let p = mapGet(proxies, v);
        if (p !== undefined) return p;
        if (isArray(v) || isRawJSON(v) || boxed(numberValue, v) || boxed(stringValue, v) || boxed(booleanValue, v) || boxed(bigintValue, v)) return v;
        p = new ProxyOf(target, { ownKeys, get: (_t, key) => v[key] });
        mapSet(proxies, v, p);
        return p;
      };
    };
    return { w(value, replacer, space) {
      if (typeof value !== 'object' || value === null) return c(this, value, replacer, space);
      if (typeof replacer === 'function') {
        const theirs = replacer;
        const both = function (key, v) {
          const r = apply(theirs, this, [key, v]);
          if (typeof r === 'number') charge(formatCost(r));
          return r;
        };
        return c(this, value, both, space);
      }
      if (replacer !== null && typeof replacer === 'object' && isArray(replacer)) return c(this, value, listed(value, replacer), space);
      return c(this, value, counted, space);
    } }.w;
  });
  const S = G.String;
  // The only wrapper of concat, which every template literal with a substitution calls (QuickJS
  // compiles \`a\${x}b\` to 'a'.concat(x, 'b')): it charges the text it returns, as
  // guest-heavy-builtins charges the other string builtins'. Up to four arguments (a template
  // of up to two substitutions) it calls the builtin with its parameters: a rest array and
  // Reflect.apply per call, in two wrappers, made such a template ~4x the builtin's call.
  wrap(S.prototype, 'concat', (original) => {
    const c = callOf(original);
    return { w(a, b, d, e) {
      const n = arguments.length;
      let r;
      if (n === 1) r = c(this, a);
      else if (n === 2) r = c(this, a, b);
      else if (n === 3) r = c(this, a, b, d);
      else if (n === 4) r = c(this, a, b, d, e);
      else if (n < MANY_ARGUMENTS || this === null || this === undefined) r = apply(original, this, arguments);
      else {
        const out = [toText(this)];
        for (let i = 0; i < n; i++) out[i + 1] = toText(arguments[i]);
        r = arrayJoin(out, '');
      }
      if (r.length >= SMALL) charge(r.length);
      return r;
    } }.w;
  });
  wrap(S, 'raw', (original) => ({ w(template, ...substitutions) {
    if (template === null || template === undefined) return apply(original, this, [template, ...substitutions]);
    // template.raw read once: the builtin is given what was read (its null or undefined throws there)
    const raw = template.raw;
    if (raw === null || raw === undefined) return apply(original, this, [{ raw }, ...substitutions]);
    const n = toLength(raw.length);
    checkLength(n);
    if (n < SMALL) return apply(original, this, [{ raw }, ...substitutions]);
    const out = [];
    for (let k = 0, i = 0; k < n; k++) {
      out[i++] = toText(raw[k]);
      if (k + 1 === n) break;
      if (k < substitutions.length) out[i++] = toText(substitutions[k]);
    }
    return arrayJoin(out, '');
  } }).w);
  // whether an object is a Proxy a script made (guest-copying-builtins, guest-heavy-builtins):
  // none made is one test; the set-up's own Proxies are forgotten by \`settled\`, once it ends
  return { isScriptProxy: (o) => madeAny && madeHas(made, o), settled() { madeAny = false; } };
}`
