import { constants, type Stats } from 'node:fs'
import { type FileHandle, open } from 'node:fs/promises'
import { InvalidArgumentError, LimitExceededError } from './errors.js'
import { decodeUtf8 } from './utf8-text.js'

// Reading a script from a file (`host.executeFile`, the CLI's `run`) without trusting the path:
// a FIFO would block a plain open() or read() forever (and with it the caller's promise, past
// host.close()), a device such as /dev/zero never ends, and a file over the source limit would
// be read whole before the limit is checked.

/** How `readSourceFile` reads and names what it reads. */
export interface SourceFileOptions {
  /** The source limit (`sourceBytes`) in force; `false` for none. */
  readonly maxBytes: number | false
  /** The call named in errors (`'executeFile'`). */
  readonly what: string
  /** The file as errors show it; default `path`. */
  readonly shown?: string
}

/**
 * Reads a regular file as UTF-8 (InvalidArgumentError naming the first byte that is not), at most
 * `maxBytes` + 1 bytes: `readFileBytes`, decoded.
 *
 * @example
 * const source = await readSourceFile('job.lua', { maxBytes: 1 << 20, what: 'executeFile' })
 */
export async function readSourceFile(path: string, options: SourceFileOptions): Promise<string> {
  return decodeUtf8(await readFileBytes(path, options), `'${options.shown ?? path}'`, options.what)
}

/** How `readFileBytes` refuses a file over its limit. */
export interface FileBytesOptions extends SourceFileOptions {
  /** The error for a file of `size` bytes over `maxBytes`; default LimitExceededError('source'). */
  readonly tooBig?: (size: number, maxBytes: number) => Error
}

/**
 * The bytes of a regular file, at most `maxBytes` + 1 of them read. Refuses anything that is
 * not a regular file (FIFO, socket, device, directory) with InvalidArgumentError without
 * waiting on it, a file it cannot open likewise (the errno error as `cause`), and a file over
 * the limit (`tooBig`) from its size, before reading it.
 */
export async function readFileBytes(path: string, options: FileBytesOptions): Promise<Uint8Array> {
  const { maxBytes, what, shown = path } = options
  const tooBig = options.tooBig ?? ((size: number, max: number) => new LimitExceededError('source', size, max))
  let file: FileHandle
  try {
    // non-blocking: opening a FIFO nobody writes to returns at once instead of waiting
    file = await open(path, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0))
  } catch (e) {
    throw new InvalidArgumentError(`${what}: cannot read '${shown}': ${(e as Error).message}`, { cause: e })
  }
  try {
    const stats = await file.stat()
    if (!stats.isFile()) throw new InvalidArgumentError(`${what}: '${shown}' is not a regular file (${kindOf(stats)})`)
    if (maxBytes !== false && stats.size > maxBytes) throw tooBig(stats.size, maxBytes)
    // a file may grow after its stat: one byte more than allowed is read to notice
    const bytes = await readAtMost(file, maxBytes === false ? stats.size : Math.min(stats.size, maxBytes) + 1)
    if (maxBytes !== false && bytes.length > maxBytes) throw tooBig(bytes.length, maxBytes)
    return bytes
  } catch (e) {
    // the refusals above go as they are; a failing system call is named
    if ((e as NodeJS.ErrnoException | undefined)?.syscall === undefined) throw e
    throw new InvalidArgumentError(`${what}: cannot read '${shown}': ${(e as Error).message}`, { cause: e })
  } finally {
    await file.close().catch(() => {})
  }
}

// --- internal ---

/** Reads until the end of the file or `limit` bytes (a file may grow after its stat). */
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

function kindOf(s: Stats): string {
  if (s.isFIFO()) return 'a FIFO'
  if (s.isDirectory()) return 'a directory'
  if (s.isCharacterDevice()) return 'a character device'
  if (s.isBlockDevice()) return 'a block device'
  if (s.isSocket()) return 'a socket'
  return 'not a file'
}
