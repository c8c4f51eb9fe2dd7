import { globMatcher } from '../store/glob.js'
import { ErrorReply, type Reply, StatusReply } from '../store/replies.js'

/** A library FUNCTION LOAD loaded. */
export interface Library {
  readonly name: string
  /** The code after the first line (a byte string, see chunk-bytes.ts), and the whole payload (FUNCTION LIST WITHCODE). */
  readonly code: string
  readonly payload: Buffer
  /** Function name → its flags (Redis's order) and description. */
  readonly functions: ReadonlyMap<string, { readonly flags: readonly string[]; readonly description: string | null }>
}

/** `FUNCTION LIST [WITHCODE] [LIBRARYNAME pattern]` of these libraries, in Redis 7.0's shape. */
export function listLibraries(libraries: Iterable<Library>, args: Buffer[]): Reply {
  let withCode = false
  let pattern: ((s: string) => boolean) | undefined
  for (let i = 0; i < args.length; i++) {
    const arg = (args[i] as Buffer).toString('utf8')
    if (!withCode && arg.toLowerCase() === 'withcode') withCode = true
    else if (!pattern && arg.toLowerCase() === 'libraryname') {
      if (i >= args.length - 1) return new ErrorReply('ERR library name argument was not given')
      // stringmatchlen with nocase
      const match = globMatcher((args[++i] as Buffer).toString('utf8').toLowerCase())
      pattern = (s) => match(s.toLowerCase())
    } else return new ErrorReply(`ERR Unknown argument ${arg}`)
  }
  const out: Reply[] = []
  for (const lib of libraries) {
    if (pattern && !pattern(lib.name)) continue
    const fns: Reply[] = [...lib.functions].map(([fname, { flags, description }]) => [
      Buffer.from('name'),
      Buffer.from(fname),
      Buffer.from('description'),
      description === null ? null : Buffer.from(description),
      Buffer.from('flags'),
      // Redis writes each flag as a status reply (addReplyStatus), the rest as bulk strings
      flags.map((f) => new StatusReply(f)),
    ])
    const entry: Reply[] = [
      Buffer.from('library_name'),
      Buffer.from(lib.name),
      Buffer.from('engine'),
      Buffer.from('LUA'),
      Buffer.from('functions'),
      fns,
    ]
    if (withCode) entry.push(Buffer.from('library_code'), lib.payload)
    out.push(entry)
  }
  return out
}
