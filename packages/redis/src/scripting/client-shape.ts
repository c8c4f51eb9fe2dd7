import { ReplyError } from '../errors.js'
import { ErrorReply, type Reply, StatusReply } from '../store/replies.js'

/** A reply in the shapes ioredis's `call()` gives. */
export type ClientReply = string | Buffer | number | null | ReplyError | ClientReply[]

const utf8 = new TextDecoder('utf-8', { fatal: true })

/**
 * Converts a reply to what ioredis's `call()` answers: bulk → string (bytes that are not
 * UTF-8 → Buffer, where ioredis would garble them), integer → number, nil → null, status →
 * string, array → Array (an error inside an array → a ReplyError element). A top-level
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
  if (r === null || typeof r === 'number') return r
  if (Buffer.isBuffer(r)) return textOrBytes(r)
  if (r instanceof StatusReply) return r.status
  if (r instanceof ErrorReply) return new ReplyError(r.message)
  return (r as readonly Reply[]).map(shape)
}
