import { GUEST_ARRAY_BOUNDS } from './guest-array-bounds.js'
import { GUEST_INTRINSICS } from './guest-intrinsics.js'

/**
 * What the setup script receives (as JSON): the resolved policy translated for QuickJS.
 */
export interface GuestConfig {
  /** Globals the policy denies (deleted before lockdown). */
  readonly remove: readonly string[]
  /** `Math.random` denied. */
  readonly noRandom: boolean
  /** No dynamic code: `eval` is deleted and every Function constructor throws. */
  readonly noEval: boolean
  readonly time: 'real' | 'frozen'
  readonly random: 'real' | 'seeded'
  readonly console: boolean
  readonly print: boolean
  /** Longest array length the generic Array methods accept (see guest-array-bounds). */
  readonly arrayCap: number
  /** Realm signatures whose discovery needs no factory calls (see guest-intrinsics). */
  readonly knownRealms?: readonly string[]
}

/**
 * The guest half of the sandbox, evaluated once per state as sloppy global code. It returns
 * `setup(configJson, hostLog, hostEntropy)`, which captures the intrinsics it needs, applies the policy,
 * and returns the helpers the host calls (never reachable from scripts: the object is only
 * held by host handles). `lockdown()` then hardens every intrinsic (SES model) so that the
 * context can be reused: scripts cannot change anything shared, and what they add to
 * `globalThis` is deleted by `reset()`.
 */
export const GUEST_SETUP = `(function setup(configJson, hostLog, hostEntropy) {
  'use strict';
  ${GUEST_INTRINSICS}
  ${GUEST_ARRAY_BOUNDS}
  const G = globalThis;
  const cfg = JSON.parse(configJson);
  boundArrayBuiltins(G, cfg.arrayCap);
  // called by name other than eval: an indirect eval, at global scope
  const indirectEval = G.eval;
  // first, while nothing has changed the realm: every object it shares (see guest-intrinsics)
  const intrinsics = discoverIntrinsics(G, indirectEval, cfg.knownRealms || []);
  const { freeze, isFrozen, isExtensible, getPrototypeOf, setPrototypeOf, getOwnPropertyDescriptor,
    defineProperty, keys: objectKeys, values: objectValues, create: objectCreate } = Object;
  const ownKeys = Reflect.ownKeys, apply = Reflect.apply, construct = Reflect.construct;
  const isArray = Array.isArray, parse = JSON.parse, stringify = JSON.stringify;
  const StringOf = String, imul = Math.imul;
  const ObjectProto = Object.prototype, ArrayProto = Array.prototype, FunctionProto = Function.prototype;
  const ErrorProto = Error.prototype, isPrototypeOf = ObjectProto.isPrototypeOf;
  const RealDate = Date, DateProto = Date.prototype, getTime = DateProto.getTime, dateString = DateProto.toString;
  const U8 = Uint8Array, U8Proto = Uint8Array.prototype, ABProto = ArrayBuffer.prototype, MapProto = Map.prototype;
  const TypedArrayProto = getPrototypeOf(U8Proto), isView = ArrayBuffer.isView, abSlice = ABProto.slice;
  const taBuffer = getOwnPropertyDescriptor(TypedArrayProto, 'buffer').get;
  const taOffset = getOwnPropertyDescriptor(TypedArrayProto, 'byteOffset').get;
  const taLength = getOwnPropertyDescriptor(TypedArrayProto, 'byteLength').get;
  const mapEntries = MapProto.entries, iterNext = getPrototypeOf(new Map().entries()).next;
  const SetCtor = Set, setHas = Set.prototype.has, setAdd = Set.prototype.add;
  const WeakMapCtor = WeakMap, wmGet = WeakMap.prototype.get, wmSet = WeakMap.prototype.set, wmHas = WeakMap.prototype.has;
  const errorTypes = { Error, TypeError, RangeError, SyntaxError, ReferenceError, URIError, EvalError };
  const tags = new WeakMapCtor();
  // whether this execution tagged any value (reset clears it: earlier values are unreachable)
  let tagged = false;
  const define = (o, k, value) => defineProperty(o, k, { value, writable: true, enumerable: false, configurable: true });

  // --- determinism ---
  let frozenNow = 0;
  if (cfg.time === 'frozen') {
    const FrozenDate = function Date(...args) {
      if (new.target === undefined) return apply(dateString, new RealDate(frozenNow), []);
      return construct(RealDate, args.length === 0 ? [frozenNow] : args, new.target);
    };
    FrozenDate.prototype = DateProto;
    FrozenDate.now = function now() { return frozenNow; };
    FrozenDate.parse = RealDate.parse;
    FrozenDate.UTC = RealDate.UTC;
    define(DateProto, 'constructor', FrozenDate);
    define(G, 'Date', FrozenDate);
  }
  // Math.random never runs on QuickJS's own generator: its state lives in the context and
  // would carry from one execution (tenant) to the next. Seeded: mulberry32 from the
  // policy's seed. Otherwise sfc32, its whole state derived from 53 bits of the platform
  // CSPRNG (hostEntropy) at the first draw of every execution: begin only marks it stale,
  // so executions that never draw pay nothing.
  let rng = 0, s0 = 0, s1 = 0, s2 = 0, s3 = 0, stale = true;
  if (cfg.random === 'seeded') {
    define(Math, 'random', function random() {
      rng = (rng + 0x6d2b79f5) | 0;
      let t = imul(rng ^ (rng >>> 15), rng | 1);
      t ^= t + imul(t ^ (t >>> 7), t | 61);
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    });
  } else {
    const next32 = () => {
      const t = (((s0 + s1) | 0) + s3) | 0;
      s3 = (s3 + 1) | 0;
      s0 = s1 ^ (s1 >>> 9);
      s1 = (s2 + (s2 << 3)) | 0;
      s2 = (s2 << 21) | (s2 >>> 11);
      s2 = (s2 + t) | 0;
      return t >>> 0;
    };
    // 53 random bits, like QuickJS's own
    define(Math, 'random', function random() {
      if (stale) { reseed(hostEntropy()); stale = false; }
      return ((next32() >>> 5) * 67108864 + (next32() >>> 6)) / 9007199254740992;
    });
  }
  // murmur3's finalizer: each state word a different hash of the 53-bit seed
  const mix = (h) => {
    h = imul(h ^ (h >>> 16), 0x85ebca6b);
    h = imul(h ^ (h >>> 13), 0xc2b2ae35);
    return h ^ (h >>> 16);
  };
  const reseed = (x) => {
    const lo = x >>> 0, hi = (x / 4294967296) >>> 0;
    s0 = mix(lo); s1 = mix(hi ^ 0x9e3779b9); s2 = mix(lo ^ 0x7f4a7c15); s3 = mix((hi + 0x632be5ab) | 0);
  };
  if (cfg.noRandom) delete Math.random;

  // --- dynamic code ---
  if (cfg.noEval) {
    const protos = [FunctionProto, getPrototypeOf(async function () {}), getPrototypeOf(function* () {}),
      getPrototypeOf(async function* () {})];
    for (const proto of protos) {
      const name = proto.constructor.name;
      const tamed = function () { throw new TypeError(name + ' constructor is disabled by the security policy'); };
      defineProperty(tamed, 'name', { value: name });
      tamed.prototype = proto;
      define(proto, 'constructor', tamed);
    }
    define(G, 'Function', FunctionProto.constructor);
    delete G.eval;
  }
  for (const name of cfg.remove) delete G[name];

  // --- console / print ---
  const show = (v) => {
    if (typeof v === 'string') return v;
    try {
      if (v !== null && typeof v === 'object') {
        if (apply(isPrototypeOf, ErrorProto, [v])) return StringOf(v.name) + ': ' + StringOf(v.message);
        const s = stringify(v, (k, x) => (typeof x === 'bigint' ? StringOf(x) + 'n' : x));
        if (s !== undefined) return s;
      }
      return StringOf(v);
    } catch (e) {
      return '[unprintable]';
    }
  };
  const logger = (level) => function () {
    let line = '';
    for (let i = 0; i < arguments.length; i++) line += (i ? ' ' : '') + show(arguments[i]);
    hostLog(level, line);
  };
  if (cfg.console) {
    define(G, 'console', { log: logger('info'), info: logger('info'), debug: logger('debug'),
      warn: logger('warn'), error: logger('error'), trace: logger('debug') });
  }
  if (cfg.print) define(G, 'print', logger('info'));

  // --- per-execution context ---
  const empty = freeze({});
  let current = empty;
  defineProperty(G, 'context', { get: function context() { return current; }, enumerable: false, configurable: true });
  const deepFreeze = (v) => {
    if (v !== null && typeof v === 'object' && !isFrozen(v)) {
      freeze(v);
      for (const k of objectKeys(v)) deepFreeze(v[k]);
    }
    return v;
  };

  // --- lockdown ---
  let baseline, baseProto, hardened, hardenedList;
  const overridable = ['constructor', 'toString', 'valueOf', 'toLocaleString'];
  // SES "override mistake" fix: a frozen inherited data property makes assignment on
  // instances fail; an accessor pair keeps obj.toString = f working for objects below it.
  const enableOverride = (proto, key) => {
    const d = getOwnPropertyDescriptor(proto, key);
    if (!d || !('value' in d) || !d.configurable) return;
    const value = d.value;
    defineProperty(proto, key, {
      get: function () { return value; },
      set: function (v) {
        if (this === proto) throw new TypeError("Cannot assign to read only property '" + StringOf(key) + "'");
        defineProperty(this, key, { value: v, writable: true, enumerable: true, configurable: true });
      },
      enumerable: d.enumerable,
      configurable: false,
    });
  };
  const hidden = () => [
    getPrototypeOf(async function () {}), getPrototypeOf(function* () {}), getPrototypeOf(async function* () {}),
    getPrototypeOf((function* () {})()), getPrototypeOf((async function* () {})()),
    getPrototypeOf([][Symbol.iterator]()), getPrototypeOf(getPrototypeOf([][Symbol.iterator]())),
    getPrototypeOf(''[Symbol.iterator]()), getPrototypeOf(new Map()[Symbol.iterator]()),
    getPrototypeOf(new Set()[Symbol.iterator]()), getPrototypeOf(/x/[Symbol.matchAll]('')),
    TypedArrayProto, getPrototypeOf(U8), getPrototypeOf(G),
    getOwnPropertyDescriptor((function () { 'use strict'; return arguments; })(), 'callee').get,
  ];
  const harden = (roots) => {
    const seen = new SetCtor();
    const stack = roots;
    while (stack.length > 0) {
      const o = stack.pop();
      if (o === null || (typeof o !== 'object' && typeof o !== 'function') || o === G) continue;
      if (apply(setHas, seen, [o])) continue;
      apply(setAdd, seen, [o]);
      freeze(o);
      stack.push(getPrototypeOf(o));
      for (const k of ownKeys(o)) {
        const d = getOwnPropertyDescriptor(o, k);
        if ('value' in d) stack.push(d.value);
        else stack.push(d.get, d.set);
      }
    }
    return seen;
  };
  const lockdown = () => {
    for (const k of ownKeys(ObjectProto)) enableOverride(ObjectProto, k);
    const protos = hidden();
    for (const k of ownKeys(G)) {
      const v = getOwnPropertyDescriptor(G, k).value;
      if (typeof v === 'function' && v.prototype && typeof v.prototype === 'object') protos.push(v.prototype);
    }
    for (const p of protos) {
      if (p === ObjectProto || p === null || typeof p !== 'object') continue;
      for (const k of overridable) enableOverride(p, k);
      if (p === ErrorProto || getPrototypeOf(p) === ErrorProto) { enableOverride(p, 'name'); enableOverride(p, 'message'); }
    }
    // Every global the baseline defines moves to a frozen object on the global object's
    // prototype chain: scripts see the same names, but the global object itself keeps only
    // what cannot move (undefined, NaN, Infinity), so finding what a script added is cheap.
    const roots = hidden();
    const base = objectCreate(getPrototypeOf(G));
    for (const k of ownKeys(G)) {
      const d = getOwnPropertyDescriptor(G, k);
      if ('value' in d) roots.push(d.value);
      else roots.push(d.get, d.set);
      if (d.configurable) {
        defineProperty(base, k, d);
        delete G[k];
      }
    }
    roots.push(base);
    for (let i = 0; i < intrinsics.found.length; i++) roots.push(intrinsics.found[i]);
    hardened = harden(roots);
    hardenedList = [...hardened];
    intrinsics.found = undefined;
    setPrototypeOf(G, base);
    baseline = new SetCtor(ownKeys(G));
    baseProto = base;
  };
  // The fingerprint of the intrinsic set: every object lockdown froze is still frozen (what
  // it holds was frozen with it, so nothing new can hang below), and each syntax probe still
  // leads to a known intrinsic within two prototype steps (its result and, for generator
  // objects, the function's own prototype object are new each time).
  const sealed = () => {
    for (let i = 0; i < hardenedList.length; i++) if (!isFrozen(hardenedList[i])) return false;
    for (const probe of intrinsics.probes) {
      let v;
      try { v = probe(); } catch (e) { continue; }
      if (v === null || (typeof v !== 'object' && typeof v !== 'function')) continue;
      const p = getPrototypeOf(v);
      if (p !== null && !apply(setHas, hardened, [p]) && !apply(setHas, hardened, [getPrototypeOf(p)])) return false;
    }
    return true;
  };
  const check = () => baseline !== undefined && ownKeys(G).length === baseline.size && getPrototypeOf(G) === baseProto &&
    isExtensible(G) && sealed();

  // --- conversion helpers ---
  // Whether JSON carries values exactly: finite numbers other than -0, strings, booleans,
  // null, and arrays / plain objects of them without holes, toJSON, tags or excess depth.
  // Primitives are checked inline (a call per container, not per value); this is the
  // part of a conversion the interpreter pays for, so it is kept tight.
  const plainValues = (xs, n, depth, max) => {
    for (let i = 0; i < n; i++) {
      const x = xs[i];
      const t = typeof x;
      if (t === 'string' || t === 'boolean') continue;
      if (t === 'number') {
        if (x - x === 0 && (x !== 0 || 1 / x > 0)) continue;
        return false;
      }
      if (t !== 'object') return false;
      if (x === null) continue;
      if (depth >= max) return false;
      // a property read, not a call: Object.prototype is frozen without toJSON, so this finds
      // an own one or one of a non-plain prototype (refused below anyway)
      if (x.toJSON !== undefined) return false;
      // tags is private and WeakMap.prototype is frozen: a direct method call is safe here;
      // only values of this execution can be tagged, and usually none are
      if (tagged && tags.has(x)) return false;
      const p = getPrototypeOf(x);
      if (p === ArrayProto) {
        // a hole reads as undefined and fails like one
        if (isArray(x) && plainValues(x, x.length, depth + 1, max)) continue;
        return false;
      }
      if (p !== ObjectProto && p !== null) return false;
      const vs = objectValues(x);
      if (!plainValues(vs, vs.length, depth + 1, max)) return false;
    }
    return true;
  };
  const plain = (v, max) => plainValues([v], 1, 0, max);

  // Globals were checked against the baseline by the host; values may be JSON text. They
  // become the per-execution scope object between the global object and the baseline, so
  // installing them costs no property definitions and reset drops them with one call.
  const begin = (globals, ctx, now, seed) => {
    if (now !== undefined) frozenNow = now;
    if (seed !== undefined) rng = seed | 0;
    stale = true;
    current = ctx === undefined ? empty : deepFreeze(typeof ctx === 'string' ? parse(ctx) : ctx);
    if (globals === undefined) return;
    const scope = typeof globals === 'string' ? parse(globals) : globals;
    setPrototypeOf(scope, baseProto);
    setPrototypeOf(G, scope);
  };

  return freeze({
    lockdown,
    check,
    install(name, value) {
      defineProperty(G, name, { value: freeze(value), writable: false, enumerable: false, configurable: true });
    },
    begin,
    // body: the script's source (evaluated as global code) or its compiled expression
    run(globals, ctx, now, seed, body) {
      begin(globals, ctx, now, seed);
      return typeof body === 'string' ? indirectEval(body) : body();
    },
    freeze(v) { return freeze(v); },
    intrinsicsJson() { return stringify({ signature: intrinsics.signature, full: intrinsics.full, extra: intrinsics.extra }); },
    baselineJson() { return stringify([...ownKeys(G), ...ownKeys(baseProto)].filter((k) => typeof k === 'string')); },
    reset() {
      current = empty;
      tagged = false;
      let clean = true;
      if (getPrototypeOf(G) !== baseProto) { try { setPrototypeOf(G, baseProto); } catch (e) { clean = false; } }
      // baseline globals cannot be deleted, so an unchanged count means nothing was added
      const keys = ownKeys(G);
      if (keys.length !== baseline.size) {
        for (const k of keys) {
          if (apply(setHas, baseline, [k])) continue;
          try { if (!delete G[k]) clean = false; } catch (e) { clean = false; }
        }
        clean = clean && ownKeys(G).length === baseline.size;
      }
      return clean && isExtensible(G);
    },
    parse(s) { return parse(s); },
    plainJson(v, max) { return plain(v, max) ? stringify(v) : undefined; },
    kind(v, untagged) {
      if (isArray(v)) return 1;
      if (!untagged && apply(wmHas, tags, [v])) return 4;
      const p = getPrototypeOf(v);
      if (p === ObjectProto || p === null) return 0;
      if (p === U8Proto) return 2;
      if (p === DateProto) return 3;
      if (p === MapProto) return 5;
      if (p === ABProto) return 6;
      if (isView(v)) return 7;
      return 8;
    },
    keysJson(v) { return stringify(objectKeys(v)); },
    mapObject(m) {
      const out = { __proto__: null };
      const it = apply(mapEntries, m, []);
      for (let r = apply(iterNext, it, []); !r.done; r = apply(iterNext, it, [])) {
        if (typeof r.value[0] !== 'string') return undefined;
        defineProperty(out, r.value[0], { value: r.value[1], writable: true, enumerable: true, configurable: true });
      }
      return out;
    },
    bytes(v) {
      if (getPrototypeOf(v) === ABProto) return apply(abSlice, v, []);
      const off = apply(taOffset, v, []);
      return apply(abSlice, apply(taBuffer, v, []), [off, off + apply(taLength, v, [])]);
    },
    newBytes(buffer) { return new U8(buffer); },
    newDate(ms) { return new RealDate(ms); },
    dateMs(d) { return apply(getTime, d, []); },
    className(v) { try { const c = getPrototypeOf(v).constructor; return typeof c === 'function' ? StringOf(c.name) : 'object'; } catch (e) { return 'object'; } },
    tag(v, name) { tagged = true; apply(wmSet, tags, [v, name]); return v; },
    tagOf(v) { return apply(wmGet, tags, [v]); },
    error(type, message) { return new (errorTypes[type] || Error)(message); },
    describe(e) {
      try {
        if (e !== null && typeof e === 'object' && apply(isPrototypeOf, ErrorProto, [e])) {
          const stack = getOwnPropertyDescriptor(e, 'stack');
          return stringify({ error: true, name: StringOf(e.name), message: StringOf(e.message),
            stack: stack && typeof stack.value === 'string' ? stack.value : '' });
        }
        return stringify({ error: false, message: typeof e === 'symbol' ? e.toString() : StringOf(e) });
      } catch (x) {
        return stringify({ error: false, message: 'uncaught exception' });
      }
    },
  });
})`
