import { deserialize, serialize } from 'node:v8'
import { ConversionError } from '@polyhost/core'

/**
 * A value as it crosses Redis inside a job's JSON. Plain data that JSON gives back exactly
 * travels as itself (`{ j: value }`): most globals and results are numbers, strings and small
 * objects, and the V8 encoding costs several microseconds per value on a path where a tiny
 * script takes tens. Anything else — Uint8Array, Date, bigint, Map, `undefined`, `-0`, NaN,
 * sparse arrays — travels as the V8 structured-clone format in base64, which keeps it.
 */
export type EncodedValue<T = unknown> = string | { readonly j: T }

/** Encodes `value` for a job's JSON; {@link decodeValue} gives back what structured clone would. */
export function encodeValue<T>(value: T): EncodedValue<T> {
  return encodeValueSized(value).encoded
}

/**
 * {@link encodeValue}, and at least as many UTF-8 bytes as `JSON.stringify(encoded)` has:
 * exactly that for the V8 form (base64), an upper bound for the JSON form, counted on the walk
 * that chose the form. A size check that the bound passes needs no stringify of its own.
 */
export function encodeValueSized<T>(value: T): { encoded: EncodedValue<T>; maxBytes: number } {
  const budget = { nodes: MAX_JSON_NODES, bytes: 0 }
  // `{"j":` and `}` around the value
  if (jsonExact(value, 0, budget)) return { encoded: { j: value }, maxBytes: budget.bytes + 6 }
  let encoded: string
  try {
    encoded = serialize(value).toString('base64')
  } catch (e) {
    throw new ConversionError('$', `cannot be stored in a job: ${e instanceof Error ? e.message : String(e)}`)
  }
  // base64 is ASCII, and JSON quotes it
  return { encoded, maxBytes: encoded.length + 2 }
}

/**
 * Inverse of {@link encodeValue}. A V8 encoding this process cannot decode is a ConversionError:
 * V8 decodes less nesting than it encodes (a stack overflow), and a job may come from another
 * producer or version. That error fails a job for good, where a bare RangeError would be
 * retried, failing the same way each time (retry-policy.ts).
 */
export function decodeValue(encoded: EncodedValue): unknown {
  if (typeof encoded !== 'string') return encoded.j
  try {
    return deserialize(Buffer.from(encoded, 'base64'))
  } catch (e) {
    throw new ConversionError('$', `cannot be read from a job: ${e instanceof Error ? e.message : String(e)}`)
  }
}

/**
 * Whether structured clone gives back an object of `v`'s own class: the built-ins it knows
 * (Date, RegExp, Map, Set, ArrayBuffer and its views, the standard errors, boxed primitives)
 * and plain objects. Any other object — a class instance, an `Object.create(proto)` — comes
 * back as a plain object of its own enumerable data, its class and inherited data gone.
 */
export function cloneKeepsClass(v: object): boolean {
  const proto = Object.getPrototypeOf(v)
  return proto === null || CLONED_PROTOTYPES.has(proto)
}

// --- internal ---

const CLONED_PROTOTYPES: ReadonlySet<unknown> = new Set(
  [
    Object,
    Array,
    Date,
    RegExp,
    Map,
    Set,
    ArrayBuffer,
    SharedArrayBuffer,
    DataView,
    Buffer,
    Int8Array,
    Uint8Array,
    Uint8ClampedArray,
    Int16Array,
    Uint16Array,
    Int32Array,
    Uint32Array,
    Float32Array,
    Float64Array,
    BigInt64Array,
    BigUint64Array,
    Error,
    EvalError,
    RangeError,
    ReferenceError,
    SyntaxError,
    TypeError,
    URIError,
    Boolean,
    Number,
    String,
    BigInt,
  ].map((c) => c.prototype),
)

/** Past these, checking costs more than the V8 encoding saves: that encoding is used. */
const MAX_JSON_DEPTH = 32
const MAX_JSON_NODES = 2000

/**
 * UTF-8 bytes of a JSON number at most: 17 significant digits written out below 1e-6
 * (`-0.0000012345678901234567`) or with an exponent (`-2.2250738585072014e-308`, one less).
 */
const MAX_NUMBER_BYTES = 25

/** UTF-8 bytes of a JSON string at most: each UTF-16 unit is at most 6 (`\u001f`, a lone surrogate's `\udc00`), plus quotes. */
const stringBytes = (s: string): number => 6 * s.length + 2

/**
 * Whether `JSON.parse(JSON.stringify(v))` equals what structured clone gives: finite numbers
 * other than `-0`, strings (lone surrogates are escaped), booleans, null, dense plain arrays
 * without extra properties, and objects of Object.prototype (or none) made of these. Adds an
 * upper bound of the UTF-8 bytes of `JSON.stringify(v)` to `budget.bytes` (meaningful when true).
 */
function jsonExact(v: unknown, depth: number, budget: { nodes: number; bytes: number }): boolean {
  if (--budget.nodes < 0) return false
  switch (typeof v) {
    case 'string':
      budget.bytes += stringBytes(v)
      return true
    case 'boolean':
      budget.bytes += 5
      return true
    case 'number':
      budget.bytes += MAX_NUMBER_BYTES
      return Number.isFinite(v) && !Object.is(v, -0)
    case 'object': {
      if (v === null) {
        budget.bytes += 4
        return true
      }
      if (depth >= MAX_JSON_DEPTH) return false
      const proto = Object.getPrototypeOf(v)
      if (Array.isArray(v)) {
        if (proto !== Array.prototype) return false
        // each index its own (a hole is not), and no other own enumerable property: JSON drops
        // both. An index loop, not for-in: for-in over an array's elements builds their keys as
        // strings (~1 µs for a one-element result, each job's values)
        const n = v.length
        for (let i = 0; i < n; i++) if (!Object.hasOwn(v, i) || !jsonExact(v[i], depth + 1, budget)) return false
        // brackets and a comma after each element
        budget.bytes += 2 + n
        return Object.keys(v).length === n
      }
      if (proto !== Object.prototype && proto !== null) return false
      // braces; then per key its string, a colon and a comma
      budget.bytes += 2
      for (const k in v) {
        budget.bytes += stringBytes(k) + 2
        if (!jsonExact((v as Record<string, unknown>)[k], depth + 1, budget)) return false
      }
      return true
    }
    default:
      return false
  }
}
