// Over 250 lines: one closure — the conversion helpers share the intrinsics captured before any script runs.
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
export function guestConversions(
  G: any,
  formatCost: (n: number) => number,
  nativeStringify: typeof JSON.stringify,
  originalOf: <F extends Fn>(f: F) => F,
) {
  const { getPrototypeOf, getOwnPropertyDescriptor, defineProperty, keys: objectKeys, assign } = Object
  const apply = Reflect.apply,
    isArray = Array.isArray,
    parse = JSON.parse,
    // not the sandbox's wrapper (guest-number-text.ts): plainJson counts what numbers cost itself
    stringify = nativeStringify,
    StringOf = String
  const ObjectProto = Object.prototype,
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
  const mapSize = (getOwnPropertyDescriptor(MapProto, 'size') as PropertyDescriptor).get as Fn
  const abLength = (getOwnPropertyDescriptor(ABProto, 'byteLength') as PropertyDescriptor).get as Fn
  // whether f (an intrinsic method or getter that reads an internal slot) accepts v
  const has = (f: Fn, v: unknown): boolean => {
    try {
      apply(f, v, [])
      return true
    } catch {
      return false
    }
  }
  const mapEntries = MapProto.entries,
    iterNext = getPrototypeOf(new Map().entries()).next
  const wmGet = WeakMap.prototype.get,
    wmSet = WeakMap.prototype.set,
    wmHas = WeakMap.prototype.has
  // BigInts cross as hexadecimal text: a power-of-two radix is linear, decimal is quadratic
  // (`String(2n ** 1000000n)` runs for seconds without an interrupt check). The builtins, not
  // the sandbox's wrappers (guest-bigint-text.ts): a hexadecimal text needs neither's checks
  const BigIntOf = originalOf(BigInt),
    bigToString = originalOf(BigInt.prototype.toString),
    strSlice = originalOf(String.prototype.slice)
  const bigHex = (b: bigint): string => apply(bigToString, b, [16])
  // a thrown BigInt's text: decimal while that is quick, else hexadecimal
  const textOf = (x: unknown): string => {
    if (typeof x !== 'bigint') return StringOf(x)
    const hex = bigHex(x)
    if (hex.length <= 2048) return StringOf(x)
    return hex[0] === '-' ? '-0x' + apply(strSlice, hex, [1]) : '0x' + hex
  }
  // MESSAGE_TEXT and STACK_TEXT of script-errors.ts (describe)
  const TEXT_CAP = 256 * 1024
  const errorTypes: Record<string, ErrorConstructor> = { Error, TypeError, RangeError, SyntaxError, ReferenceError, URIError, EvalError }
  const tags = new WeakMap<object, string>()
  // whether this execution tagged any value (reset clears it: earlier values are unreachable)
  let tagged = false

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
    if (depth >= max) return NOT_PLAIN
    if (depth >= COPY_DEPTH) {
      // a cycle unrolled this far: the exact path reads the original and names where it first closes
      for (let i = 0; i < depth; i++) if (open[i] === x) return NOT_PLAIN
      plain = false
      return x
    }
    open[depth] = x
    // a property read, not a call: Object.prototype is frozen without toJSON, so this finds
    // an own one or one of a non-plain prototype (refused below anyway); tags is private and
    // WeakMap.prototype is frozen: a direct method call is safe here; only values of this
    // execution can be tagged, and usually none are
    if (x.toJSON !== undefined || (tagged && tags.has(x))) {
      plain = false
      return x
    }
    let out: any
    // an array by Array.isArray whatever its prototype, as the exact path (kind) and JSON decide
    if (isArray(x)) {
      const n = x.length
      if (n > ENTRIES_MAX || ((entries += n) > COPY_MAX && !plain)) return NOT_PLAIN
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
          if (!jsonNumber(v)) {
            if (entries > COPY_MAX) return NOT_PLAIN
            plain = false
          }
          out[i] = v
        } else if (t === 'object') {
          if ((out[i] = copyPlain(v, depth + 1, max)) === NOT_PLAIN) return NOT_PLAIN
        } else {
          if (entries > COPY_MAX) return NOT_PLAIN
          plain = false
          out[i] = v
        }
      }
      return out
    }
    const p = getPrototypeOf(x)
    if (p !== ObjectProto && p !== null) {
      plain = false
      return x
    }
    // each own enumerable property read once, into an object of data properties; without a
    // prototype, a `__proto__` key is an own property, as JSON.parse makes it
    out = assign({ __proto__: null }, x)
    for (const k in out) {
      const v = out[k]
      const t = typeof v
      if (++entries > COPY_MAX && !plain) return NOT_PLAIN
      if ((worst += 6 * k.length + 3) > maxWorst) plain = false
      if (t === 'string') {
        if ((worst += 6 * v.length + 3) > maxWorst) plain = false
      } else if (t === 'number') {
        if (!jsonNumber(v)) plain = false
      } else if (t === 'object') {
        if (v !== null && (out[k] = copyPlain(v, depth + 1, max)) === NOT_PLAIN) return NOT_PLAIN
      } else if (t !== 'boolean') plain = false
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
    // The result's JSON text when JSON carries it exactly; else [copy] for the exact path (every
    // value read once), or undefined past the depth limit (the exact path reads `v` itself)
    plainJson(v: unknown, max: number, limit: number) {
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
      }
      if (c === NOT_PLAIN) return undefined
      if (plain && (worst <= limit || textLeft(c, limit) >= 0)) return stringify(c)
      return [c]
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
      // a Proxy has its target's prototype but none of its internal slots: an instance then
      if (p === U8Proto) return isView(v) ? 2 : 8
      if (p === DateProto) return has(getTime, v) ? 3 : 8
      if (p === MapProto) return has(mapSize, v) ? 5 : 8
      if (p === ABProto) return has(abLength, v) ? 6 : 8
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
      // a text the host keeps no more of (MESSAGE_TEXT and STACK_TEXT, script-errors.ts) crosses
      // cut to what the host reads, with its whole length: a stack's first half and the
      // character after it (where the host looks for a line end), then its last half
      const cut = (key: string, text: string | undefined): Record<string, unknown> => {
        if (text === undefined || text.length <= TEXT_CAP) return { [key]: text }
        const n = text.length
        const kept =
          key === 'stack'
            ? apply(strSlice, text, [0, TEXT_CAP / 2 + 1]) + apply(strSlice, text, [n - TEXT_CAP / 2])
            : apply(strSlice, text, [0, TEXT_CAP])
        return { [key]: kept, [key + 'Length']: n }
      }
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
        const name = read(() => e.name)
        return stringify({ error: true, ...cut('name', name), ...cut('message', read(() => e.message) ?? ''), ...cut('stack', stack) })
      }
      const text = typeof e === 'symbol' ? e.toString() : read(() => e)
      return stringify({ error: false, ...cut('message', text ?? `${typeof e} with no string form`) })
    },
  }
  return { untag, helpers, textOf }
}
