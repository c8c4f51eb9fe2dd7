import { ConversionError, decodeError, encodeError, type WireError } from '@polyhost/core'
import type { Redis } from 'ioredis'
import { JobFailedError } from './errors.js'
import { ERROR_EVENT, ERROR_FIELD, type QueueKeys } from './keys.js'
import { runScript } from './redis-scripts.js'
import { describeBytes, utf8BytesOver } from './stored-results.js'
import { decodeValue, type EncodedValue, encodeValue } from './value-codec.js'

/**
 * Errors as they are stored beside a failed job in Redis: @polyhost/core's error codec (the
 * same one that carries errors across worker threads), as JSON. A script's thrown value may be
 * anything structured clone takes (a Uint8Array, a Map): it travels V8-encoded, as job values do.
 */
export function storeError(e: unknown): string {
  return JSON.stringify(mapThrown(encodeError(e), (v) => ({ encoded: encodeValue(v) })))
}

/**
 * The largest stored error a worker keeps by default (`maxErrorBytes`): 64 KiB. An error is a
 * message, a position and a script stack of a few KiB; BullMQ copies its message three more
 * times (the failed reason, the stack trace list, the events stream).
 */
export const DEFAULT_MAX_ERROR_BYTES = 64 * 1024

/** The smallest `maxErrorBytes`: what the error replacing a larger one may take. */
export const MIN_MAX_ERROR_BYTES = 4096

/**
 * `e` and its stored form, or, when that form is over `maxBytes` (UTF-8 bytes), a
 * ConversionError in its place: its message names the original class, size and the start of
 * its message. Such a job is never retried: the same script fails the same way.
 */
export function storeErrorWithin(e: unknown, maxBytes: number): { error: unknown; stored: string } {
  let stored: string | undefined
  try {
    stored = storeError(e)
  } catch {
    // longer than V8's longest string
  }
  const size = stored === undefined ? Number.POSITIVE_INFINITY : utf8BytesOver(stored, maxBytes)
  if (stored !== undefined && size <= maxBytes) return { error: e, stored }
  const message = e instanceof Error ? String(e.message) : String(e)
  const name = e instanceof Error ? String(e.name).slice(0, PREVIEW) : typeof e
  const start = message.length > PREVIEW ? `${message.slice(0, PREVIEW)}… (${message.length} characters)` : message
  const error = new ConversionError(
    '$',
    `the job's error is ${describeBytes(size)} as stored, over the worker's maxErrorBytes (${maxBytes}); it was ${name}: ${start}`,
  )
  return { error, stored: storeError(error) }
}

/**
 * Keeps a failed attempt's stored error in its job's hash (while the job exists: a cancelled
 * job may be gone), before BullMQ records the failure, so a `result()` woken by it finds the
 * error. The last attempt of a job BullMQ removes as it fails (`removed`) also carries it in
 * the events stream, where that `result()` finds it instead (ERROR_EVENT).
 */
export async function keepError(redis: Redis, keys: QueueKeys, jobId: string, stored: string, removed: boolean): Promise<void> {
  const event = removed ? ERROR_EVENT : ''
  await runScript(redis, KEEP_ERROR, 3, keys.job(jobId), keys.events, keys.meta, ERROR_FIELD, stored, event, jobId)
}

/**
 * Rebuilds the error class a worker saw, with its `code`, limit, script name and position.
 * A class this process does not know (a newer worker, an error that is not Polyhost's) becomes
 * JobFailedError with the original message. Its causes (a bridge handler's error behind a
 * BridgeError) are rebuilt as inline execution leaves them: a Polyhost class as that class, a
 * standard one (`TypeError`...) as that class, any other as an Error of that name; each with
 * its message and `code`.
 */
export function rebuildError(stored: string, jobId: string): Error {
  const w = mapThrown(JSON.parse(stored) as WireError, (v) => decodeValue((v as { encoded: EncodedValue }).encoded))
  return decodeError(w, { unknown: (x) => (x === w ? new JobFailedError(x.message, jobId) : rebuildCause(x)) })
}

// --- internal ---

/** The standard classes a cause is rebuilt as (AggregateError would lack its `errors`: an Error). */
const STANDARD: Readonly<Record<string, new (message: string) => Error>> = {
  Error,
  TypeError,
  RangeError,
  SyntaxError,
  ReferenceError,
  EvalError,
  URIError,
}

/** A cause of a class not registered with core's codec: its standard class, else an Error of its name. */
function rebuildCause(w: WireError): Error {
  const Class = Object.hasOwn(STANDARD, w.name) ? STANDARD[w.name] : undefined
  const e = Class ? new Class(w.message) : Object.assign(new Error(w.message), { name: w.name })
  return w.code === undefined ? e : Object.assign(e, { code: w.code })
}

// the events stream is trimmed as BullMQ trims it (getOrSetMaxEvents.lua)
const KEEP_ERROR = `if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
if ARGV[3] ~= '' then
  local max = redis.call('HGET', KEYS[3], 'opts.maxLenEvents') or 10000
  redis.call('XADD', KEYS[2], 'MAXLEN', '~', max, '*', 'event', ARGV[3], 'jobId', ARGV[4], 'error', ARGV[2])
end
return 0`

/** Characters of a too-large error's message kept in the error replacing it. */
const PREVIEW = 200

/** `w` with its (and its causes') `fields.thrown` mapped; a value `map` refuses is dropped. */
function mapThrown(w: WireError, map: (v: unknown) => unknown): WireError {
  let fields = w.fields
  if (fields?.thrown !== undefined) {
    const { thrown, ...rest } = fields
    try {
      fields = { ...rest, thrown: map(thrown) }
    } catch {
      fields = rest
    }
  }
  return { ...w, ...(fields && { fields }), ...(w.cause && { cause: mapThrown(w.cause, map) }) }
}
