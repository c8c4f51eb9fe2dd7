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
  if (jsonExact(value, 0, { nodes: MAX_JSON_NODES })) return { j: value }
  try {
    return serialize(value).toString('base64')
  } catch (e) {
    throw new ConversionError('$', `cannot be stored in a job: ${e instanceof Error ? e.message : String(e)}`)
  }
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

// --- internal ---

/** Past these, checking costs more than the V8 encoding saves: that encoding is used. */
const MAX_JSON_DEPTH = 32
const MAX_JSON_NODES = 2000

/**
 * Whether `JSON.parse(JSON.stringify(v))` equals what structured clone gives: finite numbers
 * other than `-0`, strings (lone surrogates are escaped), booleans, null, dense plain arrays
 * without extra properties, and objects of Object.prototype (or none) made of these.
 */
function jsonExact(v: unknown, depth: number, budget: { nodes: number }): boolean {
  if (--budget.nodes < 0) return false
  switch (typeof v) {
    case 'string':
    case 'boolean':
      return true
    case 'number':
      return Number.isFinite(v) && !Object.is(v, -0)
    case 'object': {
      if (v === null) return true
      if (depth >= MAX_JSON_DEPTH) return false
      const proto = Object.getPrototypeOf(v)
      if (Array.isArray(v)) {
        if (proto !== Array.prototype) return false
        // for-in lists the indexes in order, then any extra property; a hole is missing from it
        let n = 0
        for (const k in v) {
          if (+k !== n || !jsonExact(v[n], depth + 1, budget)) return false
          n++
        }
        return n === v.length
      }
      if (proto !== Object.prototype && proto !== null) return false
      for (const k in v) if (!jsonExact((v as Record<string, unknown>)[k], depth + 1, budget)) return false
      return true
    }
    default:
      return false
  }
}
