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

/** Shapes nested arrays with a stack of its own: a script's reply may nest 7,995 deep (Redis's bound). */
function shape(r: Reply): ClientReply {
  if (!Array.isArray(r)) return leaf(r)
  const root: ClientReply[] = []
  const open: { from: readonly Reply[]; at: number; to: ClientReply[] }[] = [{ from: r, at: 0, to: root }]
  while (open.length > 0) {
    const top = open[open.length - 1] as (typeof open)[number]
    if (top.at === top.from.length) {
      open.pop()
      continue
    }
    const x = top.from[top.at++] as Reply
    if (Array.isArray(x)) {
      const to: ClientReply[] = []
      top.to.push(to)
      open.push({ from: x, at: 0, to })
    } else top.to.push(leaf(x))
  }
  return root
}

function leaf(r: Reply): ClientReply {
  if (r === null) return r
  if (typeof r === 'number') return Number.isSafeInteger(r) || !Number.isInteger(r) ? r : parsedAsIoredis(BigInt(r))
  if (typeof r === 'bigint') return parsedAsIoredis(r)
  if (Buffer.isBuffer(r)) return textOrBytes(r)
  if (r instanceof StatusReply) return r.status
  return new ReplyError((r as ErrorReply).message)
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
