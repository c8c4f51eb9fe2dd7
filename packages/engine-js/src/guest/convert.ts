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
  const { getPrototypeOf, getOwnPropertyDescriptor, defineProperty, keys: objectKeys, assign } = Object
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
  const abDetached = (getOwnPropertyDescriptor(ABProto, 'detached') as PropertyDescriptor | undefined)?.get as Fn | undefined
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

  // A copy of `x` made of data properties only when JSON carries it exactly: finite numbers
  // other than -0, strings, booleans, null, and arrays / plain objects of them without
  // holes, toJSON, tags or excess depth; NOT_PLAIN otherwise. Every value is read once, and
  // what is checked is what JSON.stringify then sees: a getter or Proxy read again could
  // answer differently (NaN after 1, an array 1,000 deep after a number). Primitives are
  // checked inline; this is the part of a conversion the interpreter pays for.
  const NOT_PLAIN = {}
  // Room left for the JSON text (UTF-16 units; JSON.stringify checks no deadline): a string with
  // NUL, a control character or a lone surrogate counts 6 a character, once per reference
  // biome-ignore lint/suspicious/noControlCharactersInRegex: the characters JSON escapes
  const findEscape = apply(Function.prototype.bind, RegExp.prototype.exec, [/[\0-\x1f"\\\ud800-\udfff]/]) as (s: string) => unknown
  let room = 0
  const fits = (s: string): boolean => (room -= s.length !== 0 && findEscape(s) !== null ? 6 * s.length + 3 : s.length + 3) >= 0
  const scalar = (v: any): boolean => {
    const t = typeof v
    return t === 'string' || t === 'boolean' || (t === 'number' && v - v === 0 && (v !== 0 || 1 / v > 0))
  }
  const copyPlain = (x: any, depth: number, max: number): any => {
    if (x === null || scalar(x)) return x
    if (typeof x !== 'object' || depth >= max) return NOT_PLAIN
    // a property read, not a call: Object.prototype is frozen without toJSON, so this finds
    // an own one or one of a non-plain prototype (refused below anyway)
    if (x.toJSON !== undefined) return NOT_PLAIN
    // tags is private and WeakMap.prototype is frozen: a direct method call is safe here;
    // only values of this execution can be tagged, and usually none are
    if (tagged && tags.has(x)) return NOT_PLAIN
    const p = getPrototypeOf(x)
    let out: any
    if (p === ArrayProto) {
      if (!isArray(x)) return NOT_PLAIN
      const n = x.length
      out = []
      for (let i = 0; i < n; i++) {
        // a hole reads as undefined and fails like one
        const v = x[i]
        const t = typeof v
        if (t === 'string') {
          if (!fits(v)) return NOT_PLAIN
          out[i] = v
        } else if (t === 'boolean' || v === null) out[i] = v
        else if (t === 'number') {
          if (v - v !== 0 || (v === 0 && 1 / v < 0)) return NOT_PLAIN
          out[i] = v
        } else if (t !== 'object' || (out[i] = copyPlain(v, depth + 1, max)) === NOT_PLAIN) return NOT_PLAIN
      }
      return out
    }
    if (p !== ObjectProto && p !== null) return NOT_PLAIN
    // each own enumerable property read once, into an object of data properties; without a
    // prototype, a `__proto__` key is an own property, as JSON.parse makes it
    out = assign({ __proto__: null }, x)
    for (const k in out) {
      const v = out[k]
      const t = typeof v
      if (!fits(k) || (t === 'string' && !fits(v))) return NOT_PLAIN
      if (t === 'string' || t === 'boolean' || v === null) continue
      if (t === 'number') {
        if (v - v !== 0 || (v === 0 && 1 / v < 0)) return NOT_PLAIN
      } else if (t !== 'object' || (out[k] = copyPlain(v, depth + 1, max)) === NOT_PLAIN) return NOT_PLAIN
    }
    return out
  }

  /** Forgets this execution's tags (reset: earlier values are unreachable). */
  const untag = () => {
    tagged = false
  }
  // the host's conversion helpers, handed out with the setup's own
  const helpers = {
    parse(s: string) {
      return parse(s)
    },
    // `limit`: the most UTF-16 units of JSON text to make in one uninterrupted step
    plainJson(v: unknown, max: number, limit: number) {
      room = limit
      const c = copyPlain(v, 0, max)
      return c === NOT_PLAIN ? undefined : stringify(c)
    },
    // a part of a long string as JSON, read in parts with deadline checks between them
    sliceJson(s: string, from: number, to: number) {
      return stringify(apply(strSlice, s, [from, to]))
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
    // undefined for a detached buffer (or a view of one): it has no bytes to copy
    bytes(v: any) {
      const buffer = getPrototypeOf(v) === ABProto ? v : apply(taBuffer, v, [])
      if (abDetached !== undefined && apply(abDetached, buffer, [])) return undefined
      if (buffer === v) return apply(abSlice, v, [])
      const off = apply(taOffset, v, [])
      return apply(abSlice, buffer, [off, off + apply(taLength, v, [])])
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
    // Each part is read on its own: a getter or Proxy trap that throws loses only that part (an
    // Error whose name getter throws keeps its message). The host writes `uncaught <message>`
    // for a value that is not an Error, so a value with no text is described, not named again.
    describe(e: any) {
      const read = (f: () => unknown): string | undefined => {
        try {
          return textOf(f())
        } catch {
          return undefined
        }
      }
      let error = false
      try {
        error = e !== null && typeof e === 'object' && apply(isProtoOf, ErrorProto, [e])
      } catch {
        // a revoked Proxy has no prototype to read
      }
      if (error) {
        let stack: string | undefined
        try {
          const d = getOwnPropertyDescriptor(e, 'stack')
          stack = d && typeof d.value === 'string' ? d.value : ''
        } catch {
          stack = ''
        }
        return stringify({ error: true, name: read(() => e.name), message: read(() => e.message) ?? '', stack })
      }
      const text = typeof e === 'symbol' ? e.toString() : read(() => e)
      return stringify({ error: false, message: text ?? `${typeof e} with no string form` })
    },
  }
  return { untag, helpers }
}
