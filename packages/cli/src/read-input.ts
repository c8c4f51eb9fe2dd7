import { InvalidArgumentError, readFileBytes } from '@polyhost/core'
import { UsageError } from './exit-codes.js'

// Every input the command reads (a script, a JSON file, a Redis seed or script, stdin) is
// untrusted: a FIFO nobody writes to would block a plain read forever, a device such as
// /dev/zero never ends, and a big file or an endless pipe would be read whole before any
// limit is checked. Files are read as core reads them (regular files only, at most one byte
// past a cap checked before reading), stdin up to its cap. They return bytes: decoding is the
// caller's (core's decodeUtf8), so that no byte is silently replaced.

/** How readInputFile reads a file and names it in errors. */
export interface InputFileOptions {
  /** At most this many bytes; a file over it is refused from its size, before it is read. */
  readonly maxBytes: number
  /** The file as the command line gave it. */
  readonly shown: string
  /** What reads it, the start of every message: `run`, `--globals-json`, `redis`. */
  readonly what: string
  /** The error for a file of `size` bytes over `maxBytes`; default a UsageError. */
  readonly tooBig?: (size: number, maxBytes: number) => Error
}

/**
 * The bytes of a regular file of at most `maxBytes` (core's `readFileBytes`). A FIFO, device,
 * socket or directory is a UsageError without waiting on it; so is a file it cannot open (the
 * errno is the `cause`).
 *
 * @example
 * const bytes = await readInputFile('/tmp/g.json', { maxBytes: 1 << 20, shown: 'g.json', what: '--globals-json' })
 */
export async function readInputFile(path: string, o: InputFileOptions): Promise<Uint8Array> {
  const tooBig = o.tooBig ?? ((size, max) => new UsageError(`${o.what}: ${o.shown} is ${size} bytes, over the limit of ${max}`))
  try {
    return await readFileBytes(path, { maxBytes: o.maxBytes, what: o.what, shown: o.shown, tooBig })
  } catch (e) {
    // a bad input is a bad invocation (exit 2), worded as the command's other usage errors
    if (e instanceof InvalidArgumentError) throw new UsageError(e.message, { cause: e.cause })
    throw e
  }
}

/**
 * Reads a stream (stdin) until its end or until it has passed `maxBytes`, then stops reading
 * (the stream is destroyed): at most `maxBytes` + one chunk is held. More than `maxBytes`
 * bytes back means the input is over the cap.
 *
 * @example
 * const bytes = await readStreamAtMost(process.stdin, 1 << 20)
 */
export async function readStreamAtMost(stream: AsyncIterable<Uint8Array | string>, maxBytes: number): Promise<Buffer> {
  const chunks: Buffer[] = []
  let length = 0
  for await (const chunk of stream) {
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength)
    chunks.push(bytes)
    length += bytes.length
    // leaving the loop ends the iterator, which destroys the stream: nothing more is read
    if (length > maxBytes) break
  }
  return Buffer.concat(chunks, length)
}
