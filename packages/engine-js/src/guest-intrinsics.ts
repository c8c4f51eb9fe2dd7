/**
 * Guest source of `discoverIntrinsics(G, indirectEval)` → `{ found, probes }`, spliced into the setup script and
 * called first thing, while the realm is still pristine (before the policy, bridges or an
 * init script change anything). It finds every object the realm shares between executions
 * the way SES does: everything reachable from `globalThis`, plus the *hidden* intrinsics
 * that only syntax or calls reveal (iterator helper and wrap-for-valid-iterator prototypes,
 * `Iterator.concat` results, generator and async prototypes, `%ThrowTypeError%`, ...).
 *
 * The walk follows prototypes and own properties (values, getters and setters), and calls
 * zero-argument factories: each function as a constructor and as a method of the object
 * holding it, and each method of a fresh instance's prototype chain on that instance (once
 * per prototype). Syntax probes cover what needs an argument or syntax (`[].values().map(f)`,
 * `Iterator.from(o)`, generators, `arguments`). Lockdown freezes the closure of the result;
 * what a call leaves behind is a fresh object, frozen with the rest and otherwise unused.
 *
 * Calls only reach the realm's own builtins: the discovery runs before anything else is
 * defined. Promise jobs they queue are run by the host before lockdown.
 *
 * Two phases: the walk with the probes, then the same walk calling the factories. The second
 * phase costs more than the rest of a state's setup (and ~30 s in a debug build), so it runs
 * only until it has shown, for a realm of the same shape (`signature`: the first phase's
 * counts), that it finds nothing beyond the first (`extra` 0): `known` lists such signatures.
 * A realm where it does find more keeps running it in every state.
 */
export const GUEST_INTRINSICS = `function discoverIntrinsics(G, indirectEval, known) {
  const { getPrototypeOf, getOwnPropertyDescriptor } = Object;
  const ownKeys = Reflect.ownKeys, apply = Reflect.apply, construct = Reflect.construct;
  // direct method calls are safe: nothing has run in the realm yet
  const SetCtor = Set;
  const seen = new SetCtor(), probed = new SetCtor(), madeSet = new SetCtor(), junk = new SetCtor();
  const found = [], fresh = [], extra = [];
  let calls = false;
  const isObject = (v) => v !== null && (typeof v === 'object' || typeof v === 'function');
  // in the second phase, what is new is either made by a call (or held by something made),
  // or an intrinsic the first phase missed
  const add = (v, owner) => {
    if (!isObject(v) || seen.has(v)) return;
    seen.add(v);
    found.push(v);
    if (!calls) return;
    if (owner !== undefined && junk.has(owner)) junk.add(v);
    else extra.push(v);
  };
  // results of calls are instances: their prototype chain's methods are called on them
  const made = (v) => {
    if (!isObject(v) || seen.has(v)) return;
    junk.add(v);
    add(v, v);
    madeSet.add(v);
    fresh.push(v);
  };
  const attempt = (f, self, asConstructor) => {
    try { made(asConstructor ? construct(f, []) : apply(f, self, [])); } catch (e) { /* needs arguments */ }
  };
  const probes = [
    () => [].values().map((x) => x),
    () => [].values().filter((x) => x),
    () => [].values().flatMap((x) => x),
    () => Iterator.from({ next() { return { done: true }; } }),
    () => Iterator.concat([]),
    () => [][Symbol.iterator](), () => ''[Symbol.iterator](), () => new Map().entries(), () => new Set().values(),
    () => /x/[Symbol.matchAll](''), () => 'x'.matchAll(/x/g),
    () => function* () {}, () => (function* () {})(),
    () => async function () {}, () => (async function () {})(),
    () => async function* () {}, () => (async function* () {})(),
    () => async () => {}, () => () => {}, () => class {},
    () => (function () { 'use strict'; return arguments; })(),
    () => indirectEval('(function () { return arguments })()'),
    () => { let r; new Promise((resolve, reject) => { r = [resolve, reject]; }); return r; },
    () => Promise.withResolvers(),
    () => getPrototypeOf(Int8Array),
  ];
  // a call's result is only walked: its methods are called by exercise (an arguments
  // object's callee, called on each new arguments object, would never end)
  const walk = (o) => {
    const call = calls && !madeSet.has(o);
    add(getPrototypeOf(o));
    for (const k of ownKeys(o)) {
      const d = getOwnPropertyDescriptor(o, k);
      if ('value' in d) {
        add(d.value, o);
        if (call && typeof d.value === 'function' && k !== 'constructor') attempt(d.value, o, false);
      } else {
        add(d.get, o);
        add(d.set, o);
        if (call && d.get) attempt(d.get, o, false);
      }
    }
    if (call && typeof o === 'function') attempt(o, undefined, true);
  };
  // each method of a new prototype chain, called once on its first instance
  const exercise = (x) => {
    if (!calls) return;
    if (typeof x === 'function') attempt(x, undefined, false);
    const proto = getPrototypeOf(x);
    if (proto === null || probed.has(proto)) return;
    probed.add(proto);
    for (let p = proto; p !== null; p = getPrototypeOf(p)) {
      for (const k of ownKeys(p)) {
        const d = getOwnPropertyDescriptor(p, k);
        const f = 'value' in d ? d.value : d.get;
        if (typeof f === 'function' && k !== 'constructor') attempt(f, x, false);
      }
    }
  };
  // a bound on the walk: the realm has ~900 objects; the audit test finds any left out
  const LIMIT = 100000;
  let i = 0, j = 0;
  const drain = () => {
    while ((i < found.length || j < fresh.length) && found.length < LIMIT) {
      // an object that cannot be walked (none is known) is left for the audit test to find
      try {
        if (i < found.length) walk(found[i++]);
        else exercise(fresh[j++]);
      } catch (e) { /* skipped */ }
    }
  };
  // first phase: the walk and the syntax probes, no calls
  add(G);
  for (const probe of probes) { try { made(probe()); } catch (e) { /* not in this QuickJS */ } }
  drain();
  const signature = found.length + ':' + fresh.length;
  const full = !new SetCtor(known).has(signature);
  if (full) {
    // second phase: the same objects again, now calling every zero-argument factory
    calls = true;
    i = 0;
    j = 0;
    drain();
  }
  return { found, probes, signature, full, extra: extra.length };
}`
