import { COMMAND_TABLE } from '../commands/command-table.js'
import { option } from '../store/args.js'
import { globMatcher } from '../store/glob.js'
import { ErrorReply, type Reply, StatusReply } from '../store/replies.js'

/**
 * COMMAND as redis-server 7.0.15 answers it, from its own table (`command-table.ts`, dumped
 * from the server's `COMMAND` reply): COMMAND alone and COMMAND INFO (entries by name, a
 * subcommand as `container|sub`; nil for a name Redis does not know), COMMAND COUNT (240) and
 * COMMAND LIST (FILTERBY MODULE, ACLCAT, PATTERN). The table is Redis's, whatever this package
 * provides of it, so the four stay consistent with each other and with redis-server; the entries
 * come sorted by name (their subcommands too) where Redis lists its hash tables' order. COMMAND DOCS, GETKEYS and
 * GETKEYSANDFLAGS answer an explicit error (their texts and key extraction are not modelled).
 */
export function commandReply(argv: readonly Buffer[]): Reply {
  const table = commandTable()
  if (argv.length < 2) return [...table.top.values()]
  const sub = (argv[1] as Buffer).toString('latin1').toLowerCase()
  const args = argv.slice(2)
  switch (sub) {
    case 'count':
      return table.top.size
    case 'info':
      if (args.length === 0) return [...table.top.values()]
      return args.map((a) => table.all.get(a.toString('latin1').toLowerCase()) ?? null)
    case 'list':
      return list(table, args)
    default:
      return new ErrorReply(`ERR COMMAND ${sub.toUpperCase()} is not supported`)
  }
}

// --- internal ---

interface Table {
  /** Top-level entries by name. */
  readonly top: Map<string, Reply>
  /** Every entry, subcommands as `container|sub`, by name. */
  readonly all: Map<string, Reply>
  /** The ACL categories of each entry (`@read`...), lower-case, by name. */
  readonly categories: Map<string, readonly string[]>
}

let decoded: Table | undefined

function commandTable(): Table {
  if (decoded) return decoded
  const table: Table = { top: new Map(), all: new Map(), categories: new Map() }
  const add = (e: unknown[], top: boolean): void => {
    const name = e[0] as string
    // Redis lists subcommands in its hash table's order, which changes with each server start: here by name
    ;(e[9] as unknown[][]).sort((x, y) => ((x[0] as string) < (y[0] as string) ? -1 : 1))
    const reply = toReply(e)
    if (top) table.top.set(name, reply)
    table.all.set(name, reply)
    table.categories.set(
      name,
      (e[6] as { '+': string }[]).map((c) => c['+'].toLowerCase()),
    )
    for (const s of e[9] as unknown[][]) add(s, false)
  }
  for (const line of COMMAND_TABLE) add(JSON.parse(line) as unknown[], true)
  decoded = table
  return table
}

/** A dumped value as the reply model: `{"+": s}` a status, strings bulk (bytes one char each), arrays recursively. */
function toReply(v: unknown): Reply {
  if (typeof v === 'string') return Buffer.from(v, 'latin1')
  if (typeof v === 'number' || v === null) return v
  if (Array.isArray(v)) return v.map(toReply)
  return new StatusReply((v as { '+': string })['+'])
}

/**
 * Redis's `commandListCommand`: every name (subcommands as `container|sub`), or those of one
 * FILTERBY: MODULE (none, no module is loaded), ACLCAT (a category, case-insensitive; an
 * unknown one lists nothing), PATTERN (a glob, case-insensitive); anything else a syntax error.
 */
function list(table: Table, args: readonly Buffer[]): Reply {
  const names = [...table.all.keys()]
  if (args.length === 0) return names.map((n) => Buffer.from(n, 'latin1'))
  if (args.length !== 3 || option(args[0]) !== 'FILTERBY') return new ErrorReply('ERR syntax error')
  const by = option(args[1])
  const value = (args[2] as Buffer).toString('latin1')
  let keep: (name: string) => boolean
  if (by === 'MODULE') keep = () => false
  else if (by === 'ACLCAT') keep = (n) => table.categories.get(n)?.includes(`@${asciiLower(value)}`) ?? false
  else if (by === 'PATTERN') keep = globMatcher(asciiLower(value))
  else return new ErrorReply('ERR syntax error')
  return names.filter(keep).map((n) => Buffer.from(n, 'latin1'))
}

/** `tolower` of each byte in the C locale. */
function asciiLower(s: string): string {
  return s.replace(/[A-Z]/g, (c) => c.toLowerCase())
}
