import { decodeError, encodeError, type WireError } from '@polyhost/core'
import { JobFailedError } from './errors.js'
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
 * Rebuilds the error class a worker saw, with its `code`, limit, script name and position.
 * A class this process does not know (a newer worker, an error that is not Polyhost's) becomes
 * JobFailedError with the original message.
 */
export function rebuildError(stored: string, jobId: string): Error {
  const w = mapThrown(JSON.parse(stored) as WireError, (v) => decodeValue((v as { encoded: EncodedValue }).encoded))
  return decodeError(w, { unknown: (x) => new JobFailedError(x.message, jobId) })
}

// --- internal ---

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
