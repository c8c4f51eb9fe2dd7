import { deserialize, serialize } from 'node:v8'
import { ConversionError } from '@polyhost/core'

/**
 * Values cross Redis as the V8 structured-clone format (base64): Uint8Array, Date, bigint,
 * Map, `undefined`, `-0` and NaN come back as they left, which JSON would not give.
 */
export function encodeValue(value: unknown): string {
  try {
    return serialize(value).toString('base64')
  } catch (e) {
    throw new ConversionError('$', `cannot be stored in a job: ${e instanceof Error ? e.message : String(e)}`)
  }
}

/** Inverse of {@link encodeValue}. */
export function decodeValue(text: string): unknown {
  return deserialize(Buffer.from(text, 'base64'))
}
