import { constants, type Stats } from 'node:fs'
import { type FileHandle, open } from 'node:fs/promises'
import { UsageError } from './exit-codes.js'

// Every input the command reads (a script, a JSON file, a Redis seed or script, stdin) is
// untrusted: a FIFO nobody writes to would block a plain read forever, a device such as
// /dev/zero never ends, and a big file or an endless pipe would be read whole before any
// limit is checked. These readers refuse what is not a regular file at once, and read at
// most one byte past a cap, checked before reading. They return bytes: decoding is the
// caller's (see utf8.ts), so that no byte is silently replaced.

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
 * The bytes of a regular file of at most `maxBytes`. A FIFO, device, socket or directory is a
 * UsageError without waiting on it; so is a file it cannot open (the errno is the `cause`).
 *
 * @example
 * const bytes = await readInputFile('/tmp/g.json', { maxBytes: 1 << 20, shown: 'g.json', what: '--globals-json' })
 */
export async function readInputFile(path: string, o: InputFileOptions): Promise<Buffer> {
  const tooBig = o.tooBig ?? ((size, max) => new UsageError(`${o.what}: ${o.shown} is ${size} bytes, over the limit of ${max}`))
  let file: FileHandle
  try {
    // non-blocking: opening a FIFO nobody writes to returns at once instead of waiting
    file = await open(path, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0))
  } catch (e) {
    throw cannotRead(o, e)
  }
  try {
    const stats = await file.stat()
    if (!stats.isFile()) throw new UsageError(`${o.what}: '${o.shown}' is not a regular file (${kindOf(stats)})`)
    if (stats.size > o.maxBytes) throw tooBig(stats.size, o.maxBytes)
    // a file may grow after its stat: read one byte more than allowed to notice
    const bytes = await readAtMost(file, Math.min(stats.size, o.maxBytes) + 1)
    if (bytes.length > o.maxBytes) throw tooBig(bytes.length, o.maxBytes)
    return bytes
  } catch (e) {
    // this function's own refusals go as they are; a failing system call is named
    if ((e as NodeJS.ErrnoException | undefined)?.syscall === undefined) throw e
    throw cannotRead(o, e)
  } finally {
    await file.close().catch(() => {})
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

// --- internal ---

async function readAtMost(file: FileHandle, limit: number): Promise<Buffer> {
  const buffer = Buffer.alloc(limit)
  let length = 0
  while (length < limit) {
    const { bytesRead } = await file.read(buffer, length, limit - length, length)
    if (bytesRead === 0) break
    length += bytesRead
  }
  return buffer.subarray(0, length)
}

function cannotRead(o: InputFileOptions, e: unknown): UsageError {
  const code = (e as NodeJS.ErrnoException | undefined)?.code
  return new UsageError(`${o.what}: cannot read ${o.shown}: ${code ?? (e as Error).message}`, { cause: e })
}

function kindOf(s: Stats): string {
  if (s.isFIFO()) return 'a FIFO'
  if (s.isDirectory()) return 'a directory'
  if (s.isCharacterDevice()) return 'a character device'
  if (s.isBlockDevice()) return 'a block device'
  if (s.isSocket()) return 'a socket'
  return 'not a file'
}
