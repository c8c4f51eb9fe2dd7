/**
 * The guest's conversion helpers, the part of a value's crossing that runs inside QuickJS:
 * whether a value is plain JSON, its kind, keys, bytes and dates, and the tags custom types
 * leave on values. Like setup.ts, this function never runs on the host: its source text is
 * placed beside the setup (see guest-setup.ts), which calls it once per context before
 * anything in the realm has changed, so the intrinsics it captures are the realm's own.
 */

// biome-ignore-all lint/suspicious/noExplicitAny: guest values are whatever a script makes

import type { guestCopy as GuestCopy } from './copy.js'

type Fn = (...args: any[]) => any

/** Declared beside this function in the setup script (guest-setup.ts). */
declare const guestCopy: typeof GuestCopy

/** The conversion helpers of one context (see JsConverter for the host side). */
export function guestConversions(
  G: any,
  formatCost: (n: number) => number,
  nativeStringify: typeof JSON.stringify,
  originalOf: <F extends Fn>(f: F) => F,
) {
  // whether this execution tagged any value (reset clears it: earlier values are unreachable);
  // the copy reads it as a property before it calls isTagged, which is seldom needed
  const tagging = { any: false }
  const tags = new WeakMap<object, string>()
  // not the sandbox's wrapper (guest-number-text.ts): plainJson counts what numbers cost itself
  const stringify = nativeStringify
  const copy = guestCopy(G, formatCost, stringify, tagging, (x) => apply(wmHas, tags, [x]))
  const { extraKeys, bare } = copy
  // the realm's intrinsics the copy captured, shared rather than captured twice
  const { getPrototypeOf, getOwnPropertyDescriptor, defineProperty, objectKeys, apply, isArray, StringOf, ObjectProto, ArrayProto } =
    copy.realm
  const { RealDate, getTime, U8, isView, bytesOf, abLength, taBuffer, taOffset, taLength, abDetached, mapEntries, iterNext } = copy.realm
  const { wmGet, wmSet, wmHas, slotKind, intrinsicProto, COPY_PROTO } = copy.realm
  const hasOwn = ObjectProto.hasOwnProperty
  const parse = JSON.parse,
    ErrorProto = Error.prototype,
    isProtoOf = ObjectProto.isPrototypeOf
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

  /** Forgets this execution's tags (reset: earlier values are unreachable). */
  const untag = () => {
    tagging.any = false
  }
  // the host's conversion helpers, handed out with the setup's own
  const helpers = {
    parse(s: string) {
      return parse(s)
    },
    // the copy a value crosses as (guestCopy)
    plainJson(v: unknown, max: number, limit: number) {
      return copy.plainJson(v, max, limit)
    },
    // a part of a long string as JSON, read in parts with deadline checks between them
    sliceJson(s: string, from: number, to: number) {
      return stringify(apply(strSlice, s, [from, to]))
    },
    kind(v: any, untagged: boolean) {
      const array = isArray(v)
      if (!array && !untagged && apply(wmHas, tags, [v])) return 4
      const p = getPrototypeOf(v)
      // an instance of an Array subclass is a class instance, as any other
      if (array) return p === ArrayProto || p === ObjectProto || p === null ? 1 : 8
      // the copy's own objects hold data only
      if (p === COPY_PROTO) return 0
      // a class instance, as the copy decides; else the slots decide (a Proxy has none: a plain
      // object when its prototype is Object.prototype or none, else an instance)
      if (p !== ObjectProto && !intrinsicProto(p)) return 8
      const s = slotKind(v)
      if (s === undefined) return p === ObjectProto || p === null ? 0 : 8
      if (s === 'Uint8Array') return 2
      const k = s === 'Date' ? 3 : s === 'Map' ? 5 : s === 'ArrayBuffer' ? 6 : 8
      return k === 8 || bare(v) ? k : 9
    },
    // an array's: those past its elements'
    keysJson(v: object) {
      return stringify(isArray(v) ? extraKeys(v) : objectKeys(v))
    },
    // whether a key listed before a getter ran is still an own one (readContainer)
    owns(v: object, k: string) {
      return apply(hasOwn, v, [k])
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
      const buffer = isView(v) ? apply(taBuffer, v, []) : v
      if (abDetached !== undefined && apply(abDetached, buffer, [])) return undefined
      // a copy's snapshot is whole and no script holds it
      if (copy.owned(buffer) || copy.owned(v)) return buffer
      if (buffer === v) return bytesOf(v, 0, apply(abLength, v, []))
      return bytesOf(buffer, apply(taOffset, v, []), apply(taLength, v, []))
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
        const p = getPrototypeOf(v)
        // a value of an intrinsic kind by its slots, whatever prototype it was given
        const s = p === ObjectProto || intrinsicProto(p) ? slotKind(v as object) : undefined
        if (s !== undefined) return s
        const c = p.constructor
        return typeof c === 'function' ? StringOf(c.name) : 'object'
      } catch {
        return 'object'
      }
    },
    tag(v: object, name: string) {
      tagging.any = true
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
