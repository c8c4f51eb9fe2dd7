import { ConversionError, type ExecutionResult, InvalidArgumentError } from '@polyhost/core'
import { decodeValue, type EncodedValue, encodeValueSized } from './value-codec.js'

/**
 * The largest encoded result a worker stores by default (`maxResultBytes`): 1 MiB. A result is
 * data for the producer (a price, a decision, a record or a page of them), far below this; a
 * stored result lives in the job's hash and again in BullMQ's events stream, and every copy
 * crosses Redis, whose single thread serves all tenants while it copies. 1 MiB is also what the
 * `standard` preset allows a script's source and output.
 */
export const DEFAULT_MAX_RESULT_BYTES = 1024 * 1024

/** What a completed job holds as its BullMQ return value. */
export interface StoredResult {
  /**
   * `{ values }` encoded (value-codec.ts), `value` being `values[0]`; `{ value, values }` only
   * when `value` is not that (and in results stored before values were stored once).
   */
  readonly r: EncodedValue
  readonly logs: ExecutionResult['logs']
  readonly stats: ExecutionResult['stats']
}

/**
 * `r` as a worker stores it. Its values over `maxBytes` (UTF-8 bytes of their encoding, as
 * BullMQ's JSON stores it) are a ConversionError: the job fails for good instead of copying a
 * huge value through Redis. The logs are not counted: the host's `outputBytes` caps them.
 */
export function encodeResult(r: ExecutionResult, maxBytes: number): StoredResult {
  const [first] = r.values
  const once = r.values.length > 0 ? Object.is(first, r.value) : r.value === undefined
  const { encoded, maxBytes: bound } = encodeValueSized(once ? { values: r.values } : { value: r.value, values: r.values })
  // most results are far below the cap: their bound says so without a stringify of the value
  const size = bound <= maxBytes ? bound : encodedBytes(encoded, maxBytes)
  if (size > maxBytes)
    throw new ConversionError('$', `the result is ${describeBytes(size)} as stored, over the worker's maxResultBytes (${maxBytes})`)
  return { r: encoded, logs: r.logs, stats: r.stats }
}

/**
 * The default of `createScriptQueue`'s `maxValueBytes`: the UTF-8 bytes a job's globals and
 * context take together as stored (1 MiB, as a result's `maxResultBytes`).
 */
export const DEFAULT_MAX_VALUE_BYTES = 1024 * 1024

/**
 * `globals` and `context` encoded for a job's data; over `maxBytes` together (UTF-8 bytes as
 * BullMQ's JSON stores them) a ConversionError, and nothing reaches Redis.
 */
export function encodeInputs<G, C>(
  globals: G | undefined,
  context: C | undefined,
  maxBytes: number,
): { globals?: EncodedValue<G>; context?: EncodedValue<C> } {
  let size = 0
  const encode = <T>(v: T): EncodedValue<T> => {
    const { encoded, maxBytes: bound } = encodeValueSized(v)
    size += bound <= maxBytes ? bound : encodedBytes(encoded, maxBytes)
    return encoded
  }
  const out = { ...(globals !== undefined && { globals: encode(globals) }), ...(context !== undefined && { context: encode(context) }) }
  if (size > maxBytes)
    throw new ConversionError(
      '$',
      `enqueue: globals and context are ${describeBytes(size)} as stored, over the queue's maxValueBytes (${maxBytes})`,
    )
  return out
}

/** Decodes a completed job's return value into an ExecutionResult. */
export function decodeResult(raw: unknown): ExecutionResult {
  const stored = (typeof raw === 'string' ? JSON.parse(raw) : raw) as StoredResult
  const decoded = decodeValue(stored.r) as { value?: unknown; values: unknown[] }
  const value = 'value' in decoded ? decoded.value : decoded.values[0]
  return { value, values: decoded.values, logs: stored.logs, stats: stored.stats }
}

/**
 * UTF-8 bytes of `text`, exact up to `max`; for a longer text its length (above `max`, and no
 * more than its bytes), without counting the bytes of a huge text.
 */
export function utf8BytesOver(text: string, max: number): number {
  // each UTF-16 unit is at least one UTF-8 byte (a surrogate pair: 4 bytes for 2 units)
  return text.length > max ? text.length : Buffer.byteLength(text)
}

/** `n` bytes for a message: `62914560 bytes (60.0 MiB)`. */
export function describeBytes(n: number): string {
  if (!Number.isFinite(n)) return 'too large to encode'
  return n >= 1024 * 1024 ? `${n} bytes (${(n / 1024 / 1024).toFixed(1)} MiB)` : `${n} bytes`
}

/** A byte-size option: an integer from `min` up, or its default. */
export function byteOption(v: number | undefined, what: string, fallback: number, min: number, caller = 'createScriptWorker'): number {
  if (v === undefined) return fallback
  if (!Number.isSafeInteger(v) || v < min)
    throw new InvalidArgumentError(`${caller}: ${what} must be an integer of at least ${min}, received ${String(v)}`)
  return v
}

// --- internal ---

function encodedBytes(encoded: EncodedValue, max: number): number {
  // base64 is ASCII; JSON of a huge value may pass V8's longest string: then it cannot be stored
  if (typeof encoded === 'string') return encoded.length
  try {
    return utf8BytesOver(JSON.stringify(encoded), max)
  } catch {
    return Number.POSITIVE_INFINITY
  }
}
