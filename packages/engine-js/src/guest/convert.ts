/**
 * The guest's conversion helpers, the part of a value's crossing that runs inside QuickJS:
 * whether a value is plain JSON, its kind, keys, bytes and dates, and the tags custom types
 * leave on values. Like setup.ts, this function never runs on the host: its source text is
 * placed beside the setup (see guest-setup.ts), which calls it once per context before
 * anything in the realm has changed, so the intrinsics it captures are the realm's own.
 */

// biome-ignore-all lint/suspicious/noExplicitAny: guest values are whatever a script makes

type Fn = (...args: any[]) => any

/** The conversion helpers of one context (see JsConverter for the host side). */
export function guestConversions(G: any) {
  const { getPrototypeOf, getOwnPropertyDescriptor, defineProperty, keys: objectKeys, values: objectValues } = Object
  const apply = Reflect.apply,
    isArray = Array.isArray,
    parse = JSON.parse,
    stringify = JSON.stringify,
    StringOf = String
  const ObjectProto = Object.prototype,
    ArrayProto = Array.prototype,
    ErrorProto = Error.prototype,
    isProtoOf = ObjectProto.isPrototypeOf
  const RealDate = G.Date as DateConstructor,
    DateProto = RealDate.prototype,
    getTime = DateProto.getTime
  const U8 = Uint8Array,
    U8Proto = Uint8Array.prototype,
    ABProto = ArrayBuffer.prototype,
    MapProto = Map.prototype
  const TypedArrayProto = getPrototypeOf(U8Proto),
    isView = ArrayBuffer.isView,
    abSlice = ABProto.slice
  const taBuffer = (getOwnPropertyDescriptor(TypedArrayProto, 'buffer') as PropertyDescriptor).get as Fn
  const taOffset = (getOwnPropertyDescriptor(TypedArrayProto, 'byteOffset') as PropertyDescriptor).get as Fn
  const taLength = (getOwnPropertyDescriptor(TypedArrayProto, 'byteLength') as PropertyDescriptor).get as Fn
  const mapEntries = MapProto.entries,
    iterNext = getPrototypeOf(new Map().entries()).next
  const wmGet = WeakMap.prototype.get,
    wmSet = WeakMap.prototype.set,
    wmHas = WeakMap.prototype.has
  // BigInts cross as hexadecimal text: a power-of-two radix is linear, decimal is quadratic
  // (`String(2n ** 1000000n)` runs for seconds without an interrupt check)
  const BigIntOf = BigInt,
    bigToString = BigInt.prototype.toString,
    strSlice = String.prototype.slice
  const bigHex = (b: bigint): string => apply(bigToString, b, [16])
  // a thrown BigInt's text: decimal while that is quick, else hexadecimal
  const textOf = (x: unknown): string => {
    if (typeof x !== 'bigint') return StringOf(x)
    const hex = bigHex(x)
    if (hex.length <= 2048) return StringOf(x)
    return hex[0] === '-' ? '-0x' + apply(strSlice, hex, [1]) : '0x' + hex
  }
  const errorTypes: Record<string, ErrorConstructor> = { Error, TypeError, RangeError, SyntaxError, ReferenceError, URIError, EvalError }
  const tags = new WeakMap<object, string>()
  // whether this execution tagged any value (reset clears it: earlier values are unreachable)
  let tagged = false

  // Whether JSON carries values exactly: finite numbers other than -0, strings, booleans,
  // null, and arrays / plain objects of them without holes, toJSON, tags or excess depth.
  // Primitives are checked inline (a call per container, not per value); this is the
  // part of a conversion the interpreter pays for, so it is kept tight.
  const plainValues = (xs: any, n: number, depth: number, max: number): boolean => {
    for (let i = 0; i < n; i++) {
      const x = xs[i]
      const t = typeof x
      if (t === 'string' || t === 'boolean') continue
      if (t === 'number') {
        if (x - x === 0 && (x !== 0 || 1 / x > 0)) continue
        return false
      }
      if (t !== 'object') return false
      if (x === null) continue
      if (depth >= max) return false
      // a property read, not a call: Object.prototype is frozen without toJSON, so this finds
      // an own one or one of a non-plain prototype (refused below anyway)
      if (x.toJSON !== undefined) return false
      // tags is private and WeakMap.prototype is frozen: a direct method call is safe here;
      // only values of this execution can be tagged, and usually none are
      if (tagged && tags.has(x)) return false
      const p = getPrototypeOf(x)
      if (p === ArrayProto) {
        // a hole reads as undefined and fails like one
        if (isArray(x) && plainValues(x, x.length, depth + 1, max)) continue
        return false
      }
      if (p !== ObjectProto && p !== null) return false
      const vs = objectValues(x)
      if (!plainValues(vs, vs.length, depth + 1, max)) return false
    }
    return true
  }
  const plain = (v: unknown, max: number) => plainValues([v], 1, 0, max)

  /** Forgets this execution's tags (reset: earlier values are unreachable). */
  const untag = () => {
    tagged = false
  }
  // the host's conversion helpers, handed out with the setup's own
  const helpers = {
    parse(s: string) {
      return parse(s)
    },
    plainJson(v: unknown, max: number) {
      return plain(v, max) ? stringify(v) : undefined
    },
    kind(v: any, untagged: boolean) {
      if (isArray(v)) return 1
      if (!untagged && apply(wmHas, tags, [v])) return 4
      const p = getPrototypeOf(v)
      if (p === ObjectProto || p === null) return 0
      if (p === U8Proto) return 2
      if (p === DateProto) return 3
      if (p === MapProto) return 5
      if (p === ABProto) return 6
      if (isView(v)) return 7
      return 8
    },
    keysJson(v: object) {
      return stringify(objectKeys(v))
    },
    mapObject(m: Map<unknown, unknown>) {
      const out = { __proto__: null }
      const it = apply(mapEntries, m, [])
      for (let r: any = apply(iterNext, it, []); !r.done; r = apply(iterNext, it, [])) {
        if (typeof r.value[0] !== 'string') return undefined
        defineProperty(out, r.value[0], { value: r.value[1], writable: true, enumerable: true, configurable: true })
      }
      return out
    },
    bytes(v: any) {
      if (getPrototypeOf(v) === ABProto) return apply(abSlice, v, [])
      const off = apply(taOffset, v, [])
      return apply(abSlice, apply(taBuffer, v, []), [off, off + apply(taLength, v, [])])
    },
    newBytes(buffer: ArrayBuffer) {
      return new U8(buffer)
    },
    bigHex(b: bigint) {
      return bigHex(b)
    },
    newBig(hex: string, negative: boolean) {
      const b = BigIntOf('0x' + hex)
      return negative ? -b : b
    },
    newDate(ms: number) {
      return new RealDate(ms)
    },
    dateMs(d: Date) {
      return apply(getTime, d, [])
    },
    className(v: unknown) {
      try {
        const c = getPrototypeOf(v).constructor
        return typeof c === 'function' ? StringOf(c.name) : 'object'
      } catch {
        return 'object'
      }
    },
    tag(v: object, name: string) {
      tagged = true
      apply(wmSet, tags, [v, name])
      return v
    },
    tagOf(v: object) {
      return apply(wmGet, tags, [v])
    },
    error(type: string, message: string) {
      return new (errorTypes[type] || Error)(message)
    },
    // the guest stack where an async bridge call was made: QuickJS keeps no async stack
    stackHere() {
      return new Error().stack
    },
    describe(e: any) {
      try {
        if (e !== null && typeof e === 'object' && apply(isProtoOf, ErrorProto, [e])) {
          const stack = getOwnPropertyDescriptor(e, 'stack')
          return stringify({
            error: true,
            name: textOf(e.name),
            message: textOf(e.message),
            stack: stack && typeof stack.value === 'string' ? stack.value : '',
          })
        }
        return stringify({ error: false, message: typeof e === 'symbol' ? e.toString() : textOf(e) })
      } catch {
        return stringify({ error: false, message: 'uncaught exception' })
      }
    },
  }
  return { untag, helpers }
}
