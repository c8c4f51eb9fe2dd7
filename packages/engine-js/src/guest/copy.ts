// Over 250 lines: one closure — the copy a value crossing to the host is read into, with the intrinsics it captured.
/**
 * The guest's copy of a value crossing to the host (a result, a bridge argument, a thrown
 * value), read once and in order as structuredClone reads it, and whether JSON carries it
 * exactly. Like convert.ts, this function never runs on the host: its source text is placed
 * beside the setup (see guest-setup.ts), and guestConversions calls it once per context before
 * anything in the realm has changed, so the intrinsics it captures are the realm's own.
 */

// biome-ignore-all lint/suspicious/noExplicitAny: guest values are whatever a script makes

import type { guestSlots as GuestSlots } from './slots.js'

type Fn = (...args: any[]) => any

/** Declared beside this function in the setup script (guest-setup.ts). */
declare const guestSlots: typeof GuestSlots

/**
 * The copy helpers of one context; `isTagged`: whether a custom type's value of this execution,
 * asked only while `tagging.any` (this execution tagged a value).
 */
export function guestCopy(
  G: any,
  formatCost: (n: number) => number,
  stringify: typeof JSON.stringify,
  tagging: { readonly any: boolean },
  isTagged: (x: object) => boolean,
) {
  const { getPrototypeOf, getOwnPropertyDescriptor, defineProperty, keys: objectKeys } = Object
  const apply = Reflect.apply,
    isArray = Array.isArray,
    StringOf = String
  const ObjectProto = Object.prototype,
    ArrayProto = Array.prototype,
    hasOwn = ObjectProto.hasOwnProperty
  const RealDate = G.Date as DateConstructor,
    DateProto = RealDate.prototype,
    getTime = DateProto.getTime
  const U8 = Uint8Array,
    U8Proto = Uint8Array.prototype,
    ABProto = ArrayBuffer.prototype,
    MapProto = Map.prototype
  const TypedArrayProto = getPrototypeOf(U8Proto),
    isView = ArrayBuffer.isView,
    taSet = TypedArrayProto.set
  const taBuffer = (getOwnPropertyDescriptor(TypedArrayProto, 'buffer') as PropertyDescriptor).get as Fn
  const taOffset = (getOwnPropertyDescriptor(TypedArrayProto, 'byteOffset') as PropertyDescriptor).get as Fn
  const taLength = (getOwnPropertyDescriptor(TypedArrayProto, 'byteLength') as PropertyDescriptor).get as Fn
  const abDetached = (getOwnPropertyDescriptor(ABProto, 'detached') as PropertyDescriptor | undefined)?.get as Fn | undefined
  const abLength = (getOwnPropertyDescriptor(ABProto, 'byteLength') as PropertyDescriptor).get as Fn
  const { slotKind, quickSlotKind, intrinsicProto } = guestSlots(G)
  // the prototype of the copy's own objects (it holds nothing): the host's kind() knows them by it
  // and runs no slot test on them
  const COPY_PROTO = Object.freeze({ __proto__: null })
  const mapEntries = MapProto.entries,
    iterNext = getPrototypeOf(new Map().entries()).next
  const wmGet = WeakMap.prototype.get,
    wmSet = WeakMap.prototype.set,
    wmHas = WeakMap.prototype.has,
    wmDelete = WeakMap.prototype.delete

  const isIndex = (k: string, n: number): boolean => {
    const v = +k
    return v >>> 0 === v && v < n && StringOf(v) === k
  }
  // An array's own enumerable keys past its elements' (`a.x = 3`, a match's `index`): every
  // index key sorts first and is below the length, so none when the last key is one of them.
  // A long array is walked with for-in instead of Object.keys, which would hold a string per
  // element at once (~40 bytes each, inside the script's memory limit: a result that fits
  // could trip it); for-in's keys are freed one by one, in Object.keys' order (own first; an
  // inherited one, which the frozen Array.prototype and Object.prototype do not have, is skipped)
  const extraKeys = (a: any): string[] => {
    const n = a.length
    return n > 64 ? longExtraKeys(a, n) : pastElements(objectKeys(a), n)
  }
  const longExtraKeys = (a: any, n: number): string[] => {
    const out: string[] = []
    for (const k in a) if (!isIndex(k, n) && apply(hasOwn, a, [k])) out[out.length] = k
    return out
  }
  // the keys of `ks` (an array's own enumerable keys, its length `n`) past its elements'
  const pastElements = (ks: string[], n: number): string[] => {
    let i = ks.length
    while (i > 0 && !isIndex(ks[i - 1] as string, n)) i--
    return i === ks.length ? NONE : apply(arraySlice, ks, [i])
  }
  // no keys past the elements (shared: never written to)
  const NONE: string[] = []
  const arraySlice = ArrayProto.slice
  // A Date, Map or ArrayBuffer's own enumerable properties cannot cross (the host's has none
  // of its kind's row): such a value is refused rather than crossing without them
  const bare = (v: object): boolean => objectKeys(v).length === 0
  // Bytes and Dates are read when the copy reaches them, into values only this copy holds: a
  // getter read later cannot change, detach or resize what crosses (one copy per buffer)
  const snapshots = new WeakMap<object, object>()
  const owned = new WeakMap<object, boolean>()
  let copies: object[] = []
  // A new ArrayBuffer of `n` bytes of `buffer` from `off`: not ArrayBuffer.prototype.slice,
  // which makes its result with the constructor the buffer's prototype names (its species: a
  // script's function, or Map for a buffer given Map.prototype)
  const bytesOf = (buffer: ArrayBuffer, off: number, n: number): ArrayBuffer => {
    const out = new U8(n)
    apply(taSet, out, [new U8(buffer, off, n)])
    return apply(taBuffer, out, [])
  }
  const snapshot = (x: any, s: string): any => {
    const done = apply(wmGet, snapshots, [x])
    if (done !== undefined) return done
    let copy: any
    if (s === 'Date') copy = new RealDate(apply(getTime, x, []))
    else {
      const buffer = s === 'ArrayBuffer' ? x : apply(taBuffer, x, [])
      // a detached one crosses as it is: the host refuses it at its path
      if (abDetached !== undefined && apply(abDetached, buffer, [])) return x
      const off = buffer === x ? 0 : apply(taOffset, x, [])
      const bytes = bytesOf(buffer, off, buffer === x ? apply(abLength, x, []) : apply(taLength, x, []))
      copy = buffer === x ? bytes : new U8(bytes)
    }
    apply(wmSet, snapshots, [x, copy])
    apply(wmSet, owned, [copy, true])
    copies[copies.length] = x
    return copy
  }
  // A copy of `x` made of data properties: plain objects (null prototype) and arrays (by
  // Array.isArray, whatever their prototype; holes read as undefined, as the exact path reads
  // them), every value read once. Anything else is kept as it is (a leaf: a Date, a Uint8Array, a class instance, undefined, NaN, -0, a BigInt, a value
  // with toJSON or a tag) and `plain` turns false; NOT_PLAIN past the depth limit (a cycle
  // reaches it). When `plain` stays true JSON carries the copy exactly, else the host converts
  // the copy on the exact path: a getter or Proxy read again could answer differently (NaN
  // after 1, an array 1,000 deep after a number), and a getter's side effects would run twice.
  // Primitives are checked inline; this is the part of a conversion the interpreter pays for.
  const NOT_PLAIN = {}
  let plain = true
  // Values copied (elements and properties): once the copy is not plain, only a small value is
  // copied on (a large one takes the exact path on the original); an array longer than the
  // host takes is refused there at once (ENTRIES_MAX, core's guard)
  let entries = 0
  const COPY_MAX = 1 << 16,
    ENTRIES_MAX = 1 << 24
  // copyPlain recurses with guest frames (~290 bytes each: 910 fill 256 KiB), counted against
  // the script's stack limit: at this depth an object is kept as it is (a leaf, `plain` turns
  // false) and the host walks it on the exact path with its own stack, so a value as deep as
  // maxDepth (up to 1,000) crosses under the strictest stack limit, the copy's frames stay
  // within the room kept for engine helpers (limits.ts), and nothing is read twice
  const COPY_DEPTH = 32
  // JSON.stringify checks no deadline, so the copy also counts what it will cost. `worst`: the
  // JSON text, each string and key at 6 units a character (the most an escape takes), up to
  // `maxWorst`, over which the text is surely too long; between `limit` and that, the copy's
  // strings are scanned for the characters JSON escapes (plainJson). `formatting`: the numbers'
  // formatting time left (see formatCost; int32s cost little, subnormals ~75 µs each)
  let worst = 0,
    maxWorst = 0,
    formatting = 0
  const FORMATTING = 50_000_000
  // biome-ignore lint/suspicious/noControlCharactersInRegex: the characters JSON escapes
  const findEscape = apply(Function.prototype.bind, RegExp.prototype.exec, [/[\0-\x1f"\\\ud800-\udfff]/]) as (s: string) => unknown
  const textLeft = (x: any, left: number): number => {
    if (typeof x === 'string') return left - (x.length !== 0 && findEscape(x) !== null ? 6 * x.length + 3 : x.length + 3)
    if (x === null || typeof x !== 'object') return left
    if (isArray(x)) {
      for (let i = 0; i < x.length && left >= 0; i++) left = textLeft(x[i], left)
      return left
    }
    for (const k in x) {
      left = textLeft(x[k], textLeft(k, left))
      if (left < 0) return left
    }
    return left
  }
  // a number JSON carries exactly and formats within the budget
  const jsonNumber = (v: number): boolean =>
    v - v === 0 && (v !== 0 || 1 / v > 0) && (formatting -= v === (v | 0) ? 300 : formatCost(v)) >= 0
  // the objects being copied, by depth (read only at COPY_DEPTH)
  const open: unknown[] = []
  const copyPlain = (x: any, depth: number, max: number): any => {
    if (x === null || typeof x === 'boolean') return x
    if (typeof x === 'string') {
      if ((worst += 6 * x.length + 3) > maxWorst) plain = false
      return x
    }
    if (typeof x === 'number') {
      if (!jsonNumber(x)) plain = false
      return x
    }
    if (typeof x !== 'object') {
      plain = false
      return x
    }
    return copyObject(x, depth, max)
  }
  // the copy of an object (not null) at `depth`: the values of containers are checked inline
  // and their objects copied here directly, the common case of a record without a call per value
  const copyObject = (x: any, depth: number, max: number): any => {
    if (depth >= max) return NOT_PLAIN
    if (depth >= COPY_DEPTH) {
      // a cycle unrolled this far: the exact path reads the original and names where it first closes
      for (let i = 0; i < depth; i++) if (open[i] === x) return NOT_PLAIN
      plain = false
      return x
    }
    open[depth] = x
    // only values of this execution can be tagged, and usually none are
    if (tagging.any && isTagged(x)) {
      plain = false
      return x
    }
    const p = getPrototypeOf(x)
    // an array by Array.isArray of no class (Array.prototype, Object.prototype or none), as the
    // exact path (kind) decides; an instance of a subclass is a leaf, refused there. Another
    // object of an intrinsic prototype is what its slots say (a Date given Map.prototype is a Date)
    const array = isArray(x)
    if (array ? p !== ArrayProto && p !== ObjectProto && p !== null : p !== ObjectProto && p !== null) {
      const s = array || !intrinsicProto(p) ? undefined : slotKind(x)
      if (s !== undefined) return exotic(x, s, bare(x), depth, max)
      plain = false
      return x
    }
    // a property read, not a call: Object.prototype is frozen without toJSON, so this finds an own one
    if (x.toJSON !== undefined) {
      plain = false
      return x
    }
    let out: any
    if (array) {
      const n = x.length
      if (n > ENTRIES_MAX || ((entries += n) > COPY_MAX && !plain)) return NOT_PLAIN
      // its keys past the elements listed before any element is read, as structuredClone lists
      // an array's keys once, before it reads a value: a key an element's getter adds does not
      // cross (it did, `a.x = 5` in the getter of a[0]), one it deletes is skipped below.
      // extraKeys, its common case inline and without a call: none past the elements when there
      // are as many keys as elements and the last is n - 1's (so all are, ascending, below n)
      let extra = NONE
      if (n > 64) extra = longExtraKeys(x, n)
      else {
        const ks = objectKeys(x)
        if (ks.length !== n || (n !== 0 && ks[n - 1] !== StringOf(n - 1))) extra = pastElements(ks, n)
      }
      out = []
      for (let i = 0; i < n; i++) {
        const v = x[i]
        const t = typeof v
        if (t === 'string') {
          if ((worst += 6 * v.length + 3) > maxWorst) {
            if (entries > COPY_MAX) return NOT_PLAIN
            plain = false
          }
          out[i] = v
        } else if (t === 'boolean' || v === null) out[i] = v
        else if (t === 'number') {
          // jsonNumber, a nonzero int32 (300 units of formatting) without its call
          if (v === (v | 0) && v !== 0 ? (formatting -= 300) < 0 : !jsonNumber(v)) {
            if (entries > COPY_MAX) return NOT_PLAIN
            plain = false
          }
          out[i] = v
        } else if (t === 'object') {
          if ((out[i] = copyObject(v, depth + 1, max)) === NOT_PLAIN) return NOT_PLAIN
        } else {
          if (entries > COPY_MAX) return NOT_PLAIN
          plain = false
          out[i] = v
        }
      }
      if (extra.length !== 0) {
        plain = false
        for (let i = 0; i < extra.length; i++) {
          const k = extra[i] as string
          // deleted by a getter read before it (the array's prototype may hold the name)
          if (!apply(hasOwn, x, [k])) continue
          if (++entries > COPY_MAX) return NOT_PLAIN
          const v = copyPlain((x as any)[k], depth + 1, max)
          if (v === NOT_PLAIN) return NOT_PLAIN
          defineProperty(out, k, { value: v, writable: true, enumerable: true, configurable: true })
        }
      }
      return out
    }
    // each own enumerable property read once, in order, and copied before the next is read (as
    // structuredClone does: a later getter cannot change what an earlier value crossed as), into
    // an object of data properties; without a prototype, a `__proto__` key is an own property,
    // as JSON.parse makes it. A key a getter deleted before it was read is skipped (not a key
    // whose value a getter replaced by a prototype's with setPrototypeOf: README)
    const ks = objectKeys(x)
    // a Date, typed array, ... given Object.prototype or none, where that is cheap to see: with
    // no keys, or indices first (a typed array's), and not a Map, Set or ArrayBuffer (quickSlotKind)
    if (ks.length === 0 || ks[0] === '0') {
      const s = quickSlotKind(x)
      if (s !== undefined) return exotic(x, s, ks.length === 0, depth, max)
    }
    out = { __proto__: COPY_PROTO }
    for (let i = 0, n = ks.length; i < n; i++) {
      const k = ks[i] as string
      const v = x[k]
      const t = typeof v
      // a deleted key reads through the prototype: undefined, or (Object.prototype being frozen)
      // one of its methods or, for `__proto__`, the prototype itself
      if ((t === 'undefined' || t === 'function' || v === ObjectProto) && !apply(hasOwn, x, [k])) continue
      if (++entries > COPY_MAX && !plain) return NOT_PLAIN
      // the key's text and a string's counted in one step
      if (t === 'string') {
        if ((worst += 6 * (k.length + v.length) + 6) > maxWorst) plain = false
        out[k] = v
        continue
      }
      if ((worst += 6 * k.length + 3) > maxWorst) plain = false
      if (t === 'number') {
        if (v === (v | 0) && v !== 0 ? (formatting -= 300) < 0 : !jsonNumber(v)) plain = false
      } else if (t === 'object' && v !== null) {
        if ((out[k] = copyObject(v, depth + 1, max)) === NOT_PLAIN) return NOT_PLAIN
        continue
      } else if (t !== 'boolean' && v !== null) plain = false
      out[k] = v
    }
    return out
  }

  // A value of a kind by its slots `s` (slotKind; `bare`: with no own enumerable keys): a Map
  // copied, bytes and a Date snapshot, anything else a leaf for the host to refuse
  const exotic = (x: any, s: string, bare: boolean, depth: number, max: number): any => {
    if (s === 'Map' && bare) return copyMap(x, depth, max)
    plain = false
    return s === 'Uint8Array' || ((s === 'ArrayBuffer' || s === 'Date') && bare) ? snapshot(x, s) : x
  }

  // A Map with string keys is read when the copy reaches it, into the object the host makes of
  // it (its entries, each value copied); one with another key crosses as it is, to be refused
  // Its entries are listed before any value is read, as structuredClone lists them: a getter in
  // one value cannot add, remove or replace another entry (they were read from the live Map, so
  // an entry a getter added crossed, and one it replaced crossed with its new value)
  const copyMap = (m: Map<unknown, unknown>, depth: number, max: number): any => {
    // keys and values side by side (not the iterator's pairs, which would be kept one per entry)
    const list: unknown[] = []
    const it = apply(mapEntries, m, [])
    for (let r: any = apply(iterNext, it, []); !r.done; r = apply(iterNext, it, [])) {
      if (typeof r.value[0] !== 'string') {
        plain = false
        return m
      }
      list[list.length] = r.value[0]
      list[list.length] = r.value[1]
    }
    const out = { __proto__: COPY_PROTO }
    for (let i = 0; i < list.length; i += 2) {
      const k = list[i] as string
      if (++entries > COPY_MAX && !plain) return NOT_PLAIN
      if ((worst += 6 * k.length + 3) > maxWorst) plain = false
      const v = copyPlain(list[i + 1], depth + 1, max)
      if (v === NOT_PLAIN) return NOT_PLAIN
      defineProperty(out, k, { value: v, writable: true, enumerable: true, configurable: true })
    }
    return out
  }

  // `limit`: the most UTF-16 units of JSON text to make in one uninterrupted step
  // The result's JSON text when JSON carries it exactly; else [copy] for the exact path (every
  // value read once), or undefined past the depth limit (the exact path reads `v` itself)
  const plainJson = (v: unknown, max: number, limit: number): unknown => {
    worst = 0
    maxWorst = 6 * limit
    formatting = FORMATTING
    plain = true
    entries = 0
    let c: unknown
    try {
      c = copyPlain(v, 0, max)
    } finally {
      // holds no object of this result past its conversion
      open.length = 0
      for (let i = 0; i < copies.length; i++) apply(wmDelete, snapshots, [copies[i]])
      copies = []
    }
    if (c === NOT_PLAIN) return undefined
    if (plain && (worst <= limit || textLeft(c, limit) >= 0)) return stringify(c)
    return [c]
  }

  /** Whether `v` is a snapshot of this copy (no script holds it: its buffer is whole). */
  const owned_ = (v: object): boolean => apply(wmHas, owned, [v])
  // the realm's intrinsics, for guestConversions to use rather than capture again
  const realm = {
    ...{ getPrototypeOf, getOwnPropertyDescriptor, defineProperty, objectKeys, apply, isArray, StringOf, ObjectProto, ArrayProto },
    ...{ RealDate, getTime, U8, isView, bytesOf, abLength, taBuffer, taOffset, taLength, abDetached, mapEntries, iterNext },
    ...{ wmGet, wmSet, wmHas, slotKind, intrinsicProto, COPY_PROTO },
  }
  return { plainJson, extraKeys, bare, owned: owned_, realm }
}
