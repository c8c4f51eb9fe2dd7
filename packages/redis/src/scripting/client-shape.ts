import { ReplyError } from '../errors.js'
import { ErrorReply, type Reply, StatusReply } from '../store/replies.js'

/** A reply in the shapes ioredis's `call()` gives. */
export type ClientReply = string | Buffer | number | null | ReplyError | ClientReply[]

const utf8 = new TextDecoder('utf-8', { fatal: true })

/**
 * Converts a reply to what ioredis's `call()` answers: bulk → string (bytes that are not
 * UTF-8 → Buffer, where ioredis would garble them), integer → number, nil → null, status →
 * string, array → Array, integers beyond 2^53 as ioredis parses them (an error inside an array → a ReplyError element). A top-level
 * error is thrown as a ReplyError.
 */
export function toClientReply(r: Reply): ClientReply {
  if (r instanceof ErrorReply) throw new ReplyError(r.message)
  return shape(r)
}

/** Bytes → string when they are valid UTF-8, else the bytes. */
export function textOrBytes(b: Buffer): string | Buffer {
  try {
    return utf8.decode(b)
  } catch {
    return b
  }
}

// --- internal ---

function shape(r: Reply): ClientReply {
  if (r === null) return r
  if (typeof r === 'number') return Number.isSafeInteger(r) || !Number.isInteger(r) ? r : parsedAsIoredis(BigInt(r))
  if (typeof r === 'bigint') return parsedAsIoredis(r)
  if (Buffer.isBuffer(r)) return textOrBytes(r)
  if (r instanceof StatusReply) return r.status
  if (r instanceof ErrorReply) return new ReplyError(r.message)
  return (r as readonly Reply[]).map(shape)
}

/**
 * An integer reply beyond 2^53 as ioredis's parser (redis-parser) reads it: digit by digit
 * into a double (`n * 10 + digit`), rounding at every step, so the result can differ from
 * the nearest double to the exact value.
 */
function parsedAsIoredis(n: bigint): number {
  const digits = (n < 0n ? -n : n).toString()
  let value = 0
  for (let i = 0; i < digits.length; i++) value = value * 10 + (digits.charCodeAt(i) - 48)
  return n < 0n ? -value : value
}
