import { type BigIntStats, fstatSync, statSync } from 'node:fs'
import { isatty } from 'node:tty'
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
 * Refuses (UsageError) a standard input `eval` cannot take a script from: a directory, a
 * device that is not a terminal (/dev/zero never ends), or a closed stdin — which Node has
 * already replaced by /dev/null when the process starts, so /dev/null is refused too rather than
 * run as an empty script. A regular file, a pipe, a socket (a parent process's pipe) or a
 * terminal is read.
 *
 * @example
 * assertReadableStdin(0, 'eval') // before reading process.stdin
 */
export function assertReadableStdin(fd: number, what: string): void {
  let stats: BigIntStats
  try {
    // bigint: Node 20's plain fstatSync of a pipe leaves a shared stat buffer that its module
    // resolver then misreads (symlinks not followed: fengari's require of sprintf-js failed)
    stats = fstatSync(fd, { bigint: true })
  } catch (e) {
    throw new UsageError(`${what}: cannot read stdin: ${(e as Error).message}`, { cause: e })
  }
  if (stats.isFile() || stats.isFIFO() || stats.isSocket() || isatty(fd)) return
  if (isDevNull(stats))
    throw new UsageError(`${what}: stdin is closed or /dev/null: there is no script to read (pass the code as an argument)`)
  throw new UsageError(`${what}: cannot read a script from stdin: it is ${stdinKind(stats)}, not a file, pipe or terminal`)
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

function isDevNull(s: BigIntStats): boolean {
  try {
    const devNull = statSync('/dev/null', { bigint: true })
    return s.isCharacterDevice() && s.rdev === devNull.rdev
  } catch {
    return false
  }
}

function stdinKind(s: BigIntStats): string {
  if (s.isDirectory()) return 'a directory'
  if (s.isCharacterDevice()) return 'a character device'
  if (s.isBlockDevice()) return 'a block device'
  return 'not a file'
}
