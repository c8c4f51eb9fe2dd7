/**
 * What kind of value an object is by its internal slots, as structuredClone decides, never by
 * its prototype or any property a script controls: `Object.setPrototypeOf(new Date(0), null)`
 * is still a Date, and a Uint16Array given Uint8Array.prototype still a Uint16Array. Like
 * copy.ts, this function never runs on the host: its source text is placed beside the setup
 * (see guest-setup.ts), and guestCopy calls it once per context before anything in the realm
 * has changed, so the intrinsics it captures are the realm's own.
 */

// biome-ignore-all lint/suspicious/noExplicitAny: guest values are whatever a script makes

type Fn = (...args: any[]) => any

/** The slot test of one context: `slotKind(x)` names x's kind, or is undefined for an ordinary object. */
export function guestSlots(G: any) {
  const { getPrototypeOf, getOwnPropertyDescriptor } = Object
  const apply = Reflect.apply
  const getter = (o: object, k: PropertyKey): Fn => (getOwnPropertyDescriptor(o, k) as PropertyDescriptor).get as Fn
  const TypedArrayProto = getPrototypeOf(Uint8Array.prototype)
  const isView = ArrayBuffer.isView
  // %TypedArray%.prototype[Symbol.toStringTag]'s getter: the kind of a typed array, undefined for anything else
  const taTag = getter(TypedArrayProto, Symbol.toStringTag)
  const isError = (Error as any).isError as ((x: unknown) => boolean) | undefined
  const RegExpProto = RegExp.prototype
  // each throws unless its receiver has the slot it reads
  const tests: [string, Fn][] = [
    ['Date', Date.prototype.getTime],
    ['Map', getter(Map.prototype, 'size')],
    ['ArrayBuffer', getter(ArrayBuffer.prototype, 'byteLength')],
    ['Set', getter(Set.prototype, 'size')],
    ['Number', Number.prototype.valueOf],
    ['String', String.prototype.valueOf],
    ['Boolean', Boolean.prototype.valueOf],
    ['BigInt', BigInt.prototype.valueOf],
    ['Symbol', Symbol.prototype.valueOf],
    ['WeakMap', WeakMap.prototype.has],
    ['WeakSet', WeakSet.prototype.has],
    // RegExp.prototype itself, an ordinary object, is the one receiver without the slot it accepts
    ['RegExp', getter(RegExpProto, 'source')],
  ]
  const has = (f: Fn, v: unknown): boolean => {
    try {
      apply(f, v, [])
      return true
    } catch {
      return false
    }
  }
  // The intrinsic prototypes a value of one kind may be given and still cross by its slots (a
  // Date given Map.prototype is a Date, a plain object given Date.prototype a plain object); a
  // value whose prototype is none of these is a class instance, refused as before
  const intrinsic = new WeakMap<object, true>()
  const wmHas = WeakMap.prototype.has
  for (const C of [Object, Array, Date, Map, Set, WeakMap, WeakSet, ArrayBuffer, DataView, RegExp, Number, String, Boolean]) {
    intrinsic.set(C.prototype, true)
  }
  for (const C of [BigInt, Symbol, Promise, Error, TypeError, RangeError, SyntaxError, ReferenceError, URIError, EvalError]) {
    intrinsic.set(C.prototype, true)
  }
  intrinsic.set(TypedArrayProto, true)
  const typedArrays = [Int8Array, Uint8Array, Uint8ClampedArray, Int16Array, Uint16Array, Int32Array, Uint32Array, Float32Array]
  for (const C of [...typedArrays, Float64Array, BigInt64Array, BigUint64Array]) intrinsic.set(C.prototype, true)
  if (typeof G.Float16Array === 'function') intrinsic.set(G.Float16Array.prototype, true)

  /** x's kind by its slots ('Uint8Array', 'Date', 'Map', 'DataView', ...), undefined when it has none of them. */
  const slotKind = (x: object): string | undefined => {
    // the two that never throw first: a typed array or DataView, an Error
    if (isView(x)) return apply(taTag, x, []) ?? 'DataView'
    if (isError?.(x)) return 'Error'
    for (let i = 0; i < tests.length; i++) {
      const t = tests[i] as [string, Fn]
      if (has(t[1], x)) return x === RegExpProto ? undefined : t[0]
    }
    return undefined
  }
  // Object.prototype.toString's builtin tag, which it takes from the slots: a Date, RegExp, Error or
  // boxed number, string or boolean, whatever its prototype (a Map, Set or ArrayBuffer reads as an
  // Object). It reads Symbol.toStringTag, so an own getter of that name, or a Proxy's get, runs
  const objectToString = Object.prototype.toString
  const TAGGED: Record<string, true> = { __proto__: null, '[object Date]': true, '[object RegExp]': true } as any
  for (const k of ['Error', 'Number', 'String', 'Boolean']) TAGGED[`[object ${k}]`] = true
  /**
   * slotKind where it costs no exception: an ordinary object (the common case) throws in each
   * of slotKind's tests, ~10 µs each. Finds a typed array, DataView, Date, RegExp, Error and a
   * boxed number, string or boolean, not a Map, Set, ArrayBuffer or boxed BigInt or Symbol.
   */
  const quickSlotKind = (x: object): string | undefined => {
    if (isView(x)) return apply(taTag, x, []) ?? 'DataView'
    return TAGGED[apply(objectToString, x, [])] === true ? slotKind(x) : undefined
  }
  /** Whether `p` is null or an intrinsic prototype (so its object crosses by its slots). */
  const intrinsicProto = (p: object | null): boolean => p === null || apply(wmHas, intrinsic, [p])
  return { slotKind, quickSlotKind, intrinsicProto }
}
