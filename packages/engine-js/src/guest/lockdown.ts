// Over 250 lines: one closure — the lockdown, its reset of the global object and its fingerprint share what it froze.
/**
 * The guest's lockdown (SES model): hardens every intrinsic so that a context can be reused
 * — scripts cannot change anything shared — and moves the baseline globals to a frozen object
 * on the global object's prototype chain, so that what a script adds is found and deleted
 * cheaply. `check` is the fingerprint validation proves after each reset. Like setup.ts, this
 * function never runs on the host: its source text is placed beside the setup (see
 * guest-setup.ts), which calls it before anything in the realm has changed.
 */

// biome-ignore-all lint/suspicious/noExplicitAny: guest values are whatever a script makes
// biome-ignore-all lint/complexity/noArguments: `arguments` is one of the hidden intrinsics
// biome-ignore-all lint/complexity/useArrowFunction: guest functions keep their kind (names, constructibility, `this`)

/** What lockdown leaves for the setup's reset and per-execution scope. */
export interface GuestBaseline {
  /** The global object's own keys after lockdown (undefined, NaN, Infinity...). */
  baseline: Set<PropertyKey> | undefined
  /** The frozen object holding the baseline globals, the global object's prototype. */
  baseProto: object | undefined
}

/** The lockdown of one context over the intrinsics `discoverIntrinsics` found. */
export function guestLockdown(
  G: any,
  intrinsics: { found: any[] | undefined; probes: (() => unknown)[] },
  protect: boolean,
  originalOf: <F extends (...args: any[]) => any>(f: F) => F,
) {
  const { freeze, isFrozen, isExtensible, getPrototypeOf, setPrototypeOf, getOwnPropertyDescriptor, defineProperty } = Object
  const objectCreate = Object.create,
    ownKeys = Reflect.ownKeys,
    apply = Reflect.apply,
    reflectSet = Reflect.set,
    StringOf = String
  const ProxyCtor = Proxy,
    ReferenceErrorCtor = ReferenceError
  const ObjectProto = Object.prototype,
    ErrorProto = Error.prototype
  const U8 = Uint8Array,
    TypedArrayProto = getPrototypeOf(Uint8Array.prototype)
  const SetCtor = Set,
    setHas = Set.prototype.has,
    setAdd = Set.prototype.add
  const state: GuestBaseline = { baseline: undefined, baseProto: undefined }
  const sameValue = Object.is
  // the global object's own properties at lockdown (undefined, NaN, Infinity), as [key, descriptor]
  const pinned: [PropertyKey, PropertyDescriptor][] = []
  let hardened: Set<unknown>, hardenedList: any[]
  const overridable = ['constructor', 'toString', 'valueOf', 'toLocaleString']
  // SES "override mistake" fix: a frozen inherited data property makes assignment on
  // instances fail; an accessor pair keeps obj.toString = f working for objects below it.
  const enableOverride = (proto: any, key: PropertyKey) => {
    const d = getOwnPropertyDescriptor(proto, key)
    if (!d || !('value' in d) || !d.configurable) return
    const value = d.value
    defineProperty(proto, key, {
      get() {
        return value
      },
      // what assigning over the unfrozen prototype's writable data property does (OrdinarySet):
      // the receiver gets a new data property, or its own one (reached through super.x = v
      // or Reflect.set) takes the value keeping its attributes; a read-only or accessor one
      // refuses, as a strict assignment does
      set(this: any, v: unknown) {
        if (this === proto) throw new TypeError("Cannot assign to read only property '" + StringOf(key) + "'")
        // a primitive receiver gets no property: a strict assignment throws (scripts are strict)
        if ((typeof this !== 'object' || this === null) && typeof this !== 'function') throw new TypeError('not an object')
        const own = getOwnPropertyDescriptor(this, key)
        if (own === undefined) defineProperty(this, key, { value: v, writable: true, enumerable: true, configurable: true })
        else if (!('value' in own)) throw new TypeError('setter is forbidden')
        else if (own.writable) defineProperty(this, key, { value: v })
        else throw new TypeError("'" + StringOf(key) + "' is read-only")
      },
      enumerable: d.enumerable,
      configurable: false,
    })
  }
  const hidden = (): any[] => [
    getPrototypeOf(async function () {}),
    getPrototypeOf(function* () {}),
    getPrototypeOf(async function* () {}),
    getPrototypeOf((function* () {})()),
    getPrototypeOf((async function* () {})()),
    getPrototypeOf([][Symbol.iterator]()),
    getPrototypeOf(getPrototypeOf([][Symbol.iterator]())),
    getPrototypeOf(''[Symbol.iterator]()),
    getPrototypeOf(new Map()[Symbol.iterator]()),
    getPrototypeOf(new Set()[Symbol.iterator]()),
    getPrototypeOf(/x/[Symbol.matchAll]('')),
    TypedArrayProto,
    getPrototypeOf(U8),
    getPrototypeOf(G),
    (
      getOwnPropertyDescriptor(
        (function () {
          return arguments
        })(),
        'callee',
      ) as PropertyDescriptor
    ).get,
  ]
  const isView = ArrayBuffer.isView,
    DataViewCtor = DataView,
    preventExtensions = Object.preventExtensions
  const views = new SetCtor()
  const harden = (roots: any[]) => {
    const seen = new SetCtor()
    const stack = roots
    while (stack.length > 0) {
      const o = stack.pop()
      if (o === null || (typeof o !== 'object' && typeof o !== 'function') || o === G) continue
      if (apply(setHas, seen, [o])) continue
      apply(setAdd, seen, [o])
      // a typed array with elements cannot be frozen (its elements stay writable): an init
      // script may leave one in the baseline, whose states serve one execution each
      if (isView(o) && !(o instanceof DataViewCtor) && (o as Uint8Array).length > 0) {
        preventExtensions(o)
        for (const k of ownKeys(o)) {
          if (typeof k === 'string' && StringOf(+k) === k) continue
          const d = getOwnPropertyDescriptor(o, k) as PropertyDescriptor
          defineProperty(o, k, 'value' in d ? { writable: false, configurable: false } : { configurable: false })
        }
        apply(setAdd, views, [o])
      } else freeze(o)
      stack.push(getPrototypeOf(o))
      for (const k of ownKeys(o)) {
        const d = getOwnPropertyDescriptor(o, k) as PropertyDescriptor
        if ('value' in d) stack.push(d.value)
        else stack.push(d.get, d.set)
      }
    }
    return seen
  }
  // Function.prototype.toString shows the builtins the sandbox replaced (guest functions
  // lockdown froze) as QuickJS shows its own, `function name() {\n    [native code]\n}`, not
  // their source; decided when called, so the baseline holds nothing more. It calls the charged
  // toString (guest-heavy-builtins.ts), whose text it returns, and the builtin endsWith, not the
  // sandbox's wrapper of it (guest-setup.ts, originalOf)
  const FunctionProto = getPrototypeOf(function () {}),
    fnToString = FunctionProto.toString,
    endsWith = originalOf(String.prototype.endsWith)
  const showNative = () => {
    const shown = {
      toString(this: unknown) {
        const source: string = apply(fnToString, this, [])
        if (this !== shown && (hardened === undefined || !apply(setHas, hardened, [this]) || apply(endsWith, source, ['[native code]\n}'])))
          return source
        const name = getOwnPropertyDescriptor(this, 'name')
        return 'function ' + (name && typeof name.value === 'string' ? name.value : '') + '() {\n    [native code]\n}'
      },
    }.toString
    defineProperty(FunctionProto, 'toString', { value: shown, writable: true, enumerable: false, configurable: true })
  }
  // globals.protect: an assignment that would create a global object property (through
  // `globalThis`, top-level `this`, Reflect.set) reaches the end of the global object's
  // prototype chain, this Proxy of Object.prototype, and fails as a bare assignment does (a
  // ReferenceError). Assignments to another receiver that inherits from the global object
  // go on as usual; an explicit Object.defineProperty on `globalThis` still shadows for the run
  // (as rawset does in Lua), and reset removes it.
  const undeclared = (proto: object) =>
    new ProxyCtor(proto, {
      set(target: object, key: PropertyKey, value: unknown, receiver: unknown) {
        if (receiver !== G) return apply(reflectSet, undefined, [target, key, value, receiver])
        throw new ReferenceErrorCtor("'" + (typeof key === 'symbol' ? 'Symbol()' : key) + "' is not defined")
      },
    })
  const lockdown = () => {
    showNative()
    for (const k of ownKeys(ObjectProto)) enableOverride(ObjectProto, k)
    const protos = hidden()
    for (const k of ownKeys(G)) {
      const v = (getOwnPropertyDescriptor(G, k) as PropertyDescriptor).value
      if (typeof v === 'function' && v.prototype && (typeof v.prototype === 'object' || typeof v.prototype === 'function'))
        protos.push(v.prototype)
    }
    for (const p of protos) {
      // Function.prototype is a function: its constructor and toString are overridden too
      if (p === ObjectProto || p === null || (typeof p !== 'object' && typeof p !== 'function')) continue
      for (const k of overridable) enableOverride(p, k)
      if (p === ErrorProto || getPrototypeOf(p) === ErrorProto) {
        enableOverride(p, 'name')
        enableOverride(p, 'message')
      }
    }
    // Every global the baseline defines moves to a frozen object on the global object's
    // prototype chain: scripts see the same names, but the global object itself keeps only
    // what cannot move (undefined, NaN, Infinity), so finding what a script added is cheap.
    const roots = hidden()
    const base = objectCreate(protect ? undeclared(getPrototypeOf(G)) : getPrototypeOf(G))
    for (const k of ownKeys(G)) {
      const d = getOwnPropertyDescriptor(G, k) as PropertyDescriptor
      if ('value' in d) roots.push(d.value)
      else roots.push(d.get, d.set)
      if (d.configurable) {
        defineProperty(base, k, d)
        delete G[k]
      }
    }
    roots.push(base)
    const found = intrinsics.found as any[]
    for (let i = 0; i < found.length; i++) roots.push(found[i])
    hardened = harden(roots)
    hardenedList = [...hardened]
    intrinsics.found = undefined
    setPrototypeOf(G, base)
    state.baseline = new SetCtor(ownKeys(G))
    state.baseProto = base
    for (const k of ownKeys(G)) pinned[pinned.length] = [k, getOwnPropertyDescriptor(G, k) as PropertyDescriptor]
  }
  // QuickJS lets Object.defineProperty give a new value to a non-writable, non-configurable
  // property of the global object (not of any other object; its attributes stay): a script
  // could set `undefined`, `NaN` or `Infinity` for every later execution on the state. Reset
  // gives them back their baseline values, and the check compares them.
  const sameAs = (d: PropertyDescriptor | undefined, b: PropertyDescriptor) =>
    d !== undefined &&
    sameValue(d.value, b.value) &&
    d.get === b.get &&
    d.set === b.set &&
    d.writable === b.writable &&
    d.enumerable === b.enumerable &&
    d.configurable === b.configurable
  const pinnedIntact = () => {
    for (let i = 0; i < pinned.length; i++) {
      const p = pinned[i] as [PropertyKey, PropertyDescriptor]
      if (!sameAs(getOwnPropertyDescriptor(G, p[0]), p[1])) return false
    }
    return true
  }
  /** Gives the global object's own baseline properties their values back; false if one stays changed. */
  const restore = () => {
    // the usual case in a read per key: QuickJS lets a script change only these values (an
    // accessor or new attributes are refused: test/global-redefine.test.ts), and a descriptor
    // costs ~30 plain reads, six of them a reset; check() still compares whole descriptors
    let same = true
    for (let i = 0; i < pinned.length && same; i++) {
      const p = pinned[i] as [PropertyKey, PropertyDescriptor]
      same = sameValue(G[p[0]], p[1].value)
    }
    if (same) return true
    for (let i = 0; i < pinned.length; i++) {
      const p = pinned[i] as [PropertyKey, PropertyDescriptor]
      if (sameAs(getOwnPropertyDescriptor(G, p[0]), p[1])) continue
      try {
        defineProperty(G, p[0], { value: p[1].value })
      } catch {
        return false
      }
    }
    return pinnedIntact()
  }
  // The fingerprint of the intrinsic set: every object lockdown froze is still frozen (what
  // it holds was frozen with it, so nothing new can hang below), and each syntax probe still
  // leads to a known intrinsic within two prototype steps (its result and, for generator
  // objects, the function's own prototype object are new each time).
  const sealed = () => {
    for (let i = 0; i < hardenedList.length; i++) {
      const o = hardenedList[i]
      if (!isFrozen(o) && (!apply(setHas, views, [o]) || isExtensible(o))) return false
    }
    for (const probe of intrinsics.probes) {
      let v: any
      try {
        v = probe()
      } catch {
        continue
      }
      if (v === null || (typeof v !== 'object' && typeof v !== 'function')) continue
      const p = getPrototypeOf(v)
      if (p !== null && !apply(setHas, hardened, [p]) && !apply(setHas, hardened, [getPrototypeOf(p)])) return false
    }
    return true
  }
  const check = () =>
    state.baseline !== undefined &&
    ownKeys(G).length === state.baseline.size &&
    getPrototypeOf(G) === state.baseProto &&
    isExtensible(G) &&
    pinnedIntact() &&
    sealed()

  return { state, lockdown, check, restore }
}
