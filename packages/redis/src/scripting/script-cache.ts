import { createHash } from 'node:crypto'
import { ErrorReply } from '../store/replies.js'
import { protectTailCalls, TAIL_CALL_LOCALS } from './tail-calls.js'
import { byteString, displayText } from './chunk-bytes.js'
import { cString, firstLine, splitArgs } from './sds-split.js'

/** Shebang flags Redis 7.0 knows (`#!lua flags=no-writes,allow-oom`). */
const KNOWN_FLAGS = new Set(['no-writes', 'allow-oom', 'allow-stale', 'no-cluster', 'allow-cross-slot-keys'])

/** A script as the cache keeps it. */
export interface CachedScript {
  readonly sha: string
  /** The body as Redis compiles it, a byte string (see chunk-bytes.ts): a shebang line is cut, its newline kept, so line numbers stay. */
  readonly body: string
  /** The body wrapped so its return value goes through Redis's reply conversion (a byte string). */
  readonly wrapped: string
  /** Declared with a shebang (not EVAL's compatibility mode). */
  readonly shebang: boolean
  readonly flags: ReadonlySet<string>
}

/** SHA-1 hex of bytes, as EVALSHA names scripts. */
export function sha1hex(data: Buffer | string): string {
  return createHash('sha1').update(data).digest('hex')
}

/**
 * Parses a script's shebang line the way Redis 7.0 does (`evalExtractShebangFlags`: the
 * line split by `sdssplitargs`, flags by `sdssplitlen`, names compared as C strings);
 * returns Redis's error reply for a malformed one.
 */
export function prepareScript(source: Buffer): CachedScript | ErrorReply {
  const sha = sha1hex(source)
  let text = byteString(source)
  const flags = new Set<string>()
  let shebang = false
  if (text.startsWith('#!')) {
    const line = firstLine(text)
    if (line === undefined) return new ErrorReply('ERR Invalid script shebang')
    const parts = splitArgs(line)
    if (!parts || parts.length === 0) return new ErrorReply('ERR Invalid engine in script shebang')
    const engine = cString(parts[0] as string)
    if (engine !== '#!lua') return new ErrorReply(`ERR Unexpected engine in script shebang: ${displayText(engine)}`)
    for (const part of parts.slice(1)) {
      if (!cString(part).startsWith('flags=')) return new ErrorReply(`ERR Unknown lua shebang option: ${displayText(cString(part))}`)
      const list = part.slice(6)
      for (const f of list === '' ? [] : list.split(',').map(cString)) {
        if (!KNOWN_FLAGS.has(f)) return new ErrorReply(`ERR Unexpected flag in script shebang: ${displayText(f)}`)
        flags.add(f)
      }
    }
    shebang = true
    text = text.slice(line.length)
  }
  // Redis parses every script as text, where the engine reads a chunk starting with ESC as
  // bytecode: a space before it keeps Redis's syntax error (and every line)
  if (text.startsWith('\x1b')) text = ` ${text}`
  // same line, so every line number of the body is kept; `...` keeps the chunk vararg; the
  // body's globals are read-only as Redis's are (see the prelude's __redis_env, which sets the
  // body's environment: in Lua 5.1 `_ENV` is an ordinary name; `_G` is the run's globals)
  const wrapped = `${TAIL_CALL_LOCALS}return __redis_reply(__redis_env(_G, function(...) ${protectTailCalls(text)}\nend))`
  return { sha, body: text, wrapped, shebang, flags }
}
