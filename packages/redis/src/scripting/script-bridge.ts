import { defineBridge, LimitExceededError, SecurityManager } from '@polyhost/core'
import { z } from 'zod'
import type { CommandInfo, RedisStore } from '../store/memory-store.js'
import { parseInteger } from '../store/args.js'
import { cString } from '../store/c-numbers.js'
import { type Reply, StatusReply } from '../store/replies.js'
import { argFromLua, commandError, replyToLua } from './lua-values.js'
import type { Rand48 } from './rand48.js'
import { replyToLua3 } from './resp3.js'
import { sha1hex } from './script-cache.js'
import { containerReply } from './help-replies.js'
import { fitsArity, scriptCommandEntry } from './script-commands.js'

/** What the bridge knows about the script running now (executions are serialised). */
export interface RunningScript {
  /** The script's start time, at which Redis 7.0 freezes expiry checks. */
  readonly now: number
  /** Writes refused: `#!lua flags=no-writes`, or EVAL_RO/EVALSHA_RO. */
  readonly readOnly: boolean
  /** The script's database: the caller's at the start; its SELECTs change it for the rest of the run only. */
  db: number
  /** `redis.log` lines. */
  log(level: number, message: string): void
}

const UNKNOWN = 'ERR Unknown Redis command called from script'
const WRONG_ARITY = 'ERR Wrong number of args calling Redis command from script'

/**
 * The `__redis` bridge behind `redis.call`/`pcall`, `sha1hex`, `log` and `error_reply`:
 * checks a command as Redis's script path does (known, arity, allowed in scripts, writes in
 * read-only scripts), runs it on the store with the script's start time, and hands the
 * reply back in Redis's Lua form. `math.random`/`math.randomseed` draw on the server's one
 * Rand48, as Redis's do.
 */
export function scriptBridge(store: RedisStore, running: () => RunningScript | undefined, rand: Rand48, memoryBytes?: number) {
  const any = z.any()
  const maxReply = replyLimit(memoryBytes)
  /**
   * `redis.call(...)`'s command: argv is the call's arguments as a table, n their count
   * (select('#', ...)), so a nil among them (a hole, or an array shorter than n) is seen.
   */
  const runCommand = (argv: unknown, n: unknown, resp: 2 | 3): unknown => {
    const run = running()
    if (!run) return { err: 'ERR no script is running' }
    const args = commandArgs(argv, n)
    if (!args) return { err: 'ERR Lua redis lib command arguments must be strings or integers' }
    const name = (args[0] as Buffer).toString('latin1').toLowerCase()
    // refusals of Redis's scriptCall, in its order, are marked like the command's own errors (commandError)
    const entry = scriptCommandEntry(name, args)
    const checked = entry === undefined ? store.describe(name) : entry
    if (!checked) return commandError(UNKNOWN)
    if (!fitsArity(checked.arity, args.length)) return commandError(WRONG_ARITY)
    if (entry?.noscript) return commandError('ERR This Redis command is not allowed from script')
    if ((name === 'xread' || name === 'xreadgroup') && blocks(args)) {
      // named as the script spelled it (Redis formats argv[0])
      return commandError(`ERR ${(args[0] as Buffer).toString('latin1')} command is not allowed with BLOCK option from scripts`)
    }
    const answered = entry ? containerReply(name, args) : undefined
    if (answered !== undefined) return resp === 3 ? replyToLua3(name, args, answered) : replyToLua(answered)
    // a subcommand Redis has that this package does not provide
    const info = entry === undefined ? (checked as CommandInfo) : store.describe(name)
    if (!info) return commandError(UNKNOWN)
    if (info.write && run.readOnly) return commandError('ERR Write commands are not allowed from read-only scripts.')
    const reply = store.execute(args, run.now, run.db)
    if (name === 'select') run.db = selected(args, reply, run.db)
    // a reply bigger than the script's whole memory budget fails before it is converted
    // (a 512 MB GETRANGE held the host 13 s and 1.15 GB in one step before the limit tripped)
    const bytes = replyBytes(reply)
    if (bytes > maxReply) throw new LimitExceededError('memory', bytes, maxReply)
    if (resp === 3) return replyToLua3(name, args, reply)
    return replyToLua(reply)
  }
  return defineBridge({
    name: '__redis',
    description: 'Redis commands for scripts (used by the redis.* functions)',
    methods: {
      // resp 2 and resp 3 are two methods, so that a call carries only (argv, n)
      call: {
        args: [any, any],
        handler: (_ctx, argv: unknown, n: unknown) => runCommand(argv, n, 2),
      },
      call3: {
        args: [any, any],
        handler: (_ctx, argv: unknown, n: unknown) => runCommand(argv, n, 3),
      },
      sha1hex: {
        args: [any],
        handler: (_ctx, s: unknown) => sha1hex(argFromLua(s)),
      },
      errorText: {
        args: [any],
        // Redis reads the message as a C string: it ends at a NUL
        handler: (_ctx, s: unknown) => errorReplyText(cString(argFromLua(s)).toString('utf8')),
      },
      aclCheck: {
        args: [any, any],
        // every command is permitted (no ACL users); one Redis does not know is an error
        handler: (_ctx, argv: unknown, n: unknown) => {
          const args = commandArgs(argv, n)
          if (!args) return { err: 'ERR Lua redis lib command arguments must be strings or integers' }
          const name = (args[0] as Buffer).toString('latin1').toLowerCase()
          // a container is known alone, and an arity error is still known (lookupCommand only)
          const entry = scriptCommandEntry(name, args)
          const known = entry === undefined ? store.describe(name) !== undefined : entry !== null
          return known || { err: 'ERR Invalid command passed to redis.acl_check_cmd()' }
        },
      },
      random: {
        args: [],
        handler: () => rand.next(),
      },
      randomseed: {
        args: [any],
        handler: (_ctx, n: unknown) => rand.seed(Number(n)),
      },
      log10: {
        args: [any],
        handler: (_ctx, n: unknown) => Math.log10(Number(n)),
      },
      log: {
        args: [any, any],
        handler: (_ctx, level: unknown, message: unknown) => {
          running()?.log(Number(level), String(message))
        },
      },
    },
  })
}

/** The database a SELECT leaves selected: its index when the store answered OK, else `db` as it was. */
export function selected(argv: readonly Buffer[], reply: Reply, db: number): number {
  if (!(reply instanceof StatusReply) || reply.status !== 'OK') return db
  const index = Number((argv[1] as Buffer).toString('latin1'))
  return Number.isSafeInteger(index) && index >= 0 ? index : db
}

/**
 * The arguments as Buffers, or undefined when one is not a string or number (nil, a
 * boolean, a table), as Redis refuses them.
 */
function commandArgs(argv: unknown, n: unknown): Buffer[] | undefined {
  if (!Array.isArray(argv) || argv.length !== n) return undefined
  const args = new Array<Buffer>(argv.length)
  for (let i = 0; i < argv.length; i++) {
    const v: unknown = argv[i]
    if (typeof v !== 'string' && typeof v !== 'number' && !(v instanceof Uint8Array)) return undefined
    args[i] = argFromLua(v)
  }
  return args
}

/**
 * XREAD or XREADGROUP with a BLOCK option that Redis's option loop reaches (it refuses BLOCK
 * from scripts when it meets it, so an invalid COUNT before it, STREAMS or any other word
 * ends the search; XREADGROUP's GROUP and NOACK are passed over, XREAD refuses them first).
 */
function blocks(args: readonly Buffer[]): boolean {
  const group = (args[0] as Buffer).length === 10
  for (let i = 1; i < args.length - 1; i++) {
    const o = (args[i] as Buffer).toString('latin1').toUpperCase()
    if (o === 'BLOCK') return true
    if (group && o === 'NOACK') continue
    if (group && o === 'GROUP' && i + 2 < args.length) {
      i += 2
      continue
    }
    if (o !== 'COUNT' || !isInteger(args[++i] as Buffer)) return false
  }
  return false
}

function isInteger(a: Buffer): boolean {
  try {
    parseInteger(a)
    return true
  } catch {
    return false
  }
}

/**
 * `redis.error_reply(msg)`'s text as Redis 7.0 builds it: a leading `-` is dropped; the
 * first word is the code when there is a space, otherwise the code is `ERR`.
 */
export function errorReplyText(msg: string): string {
  const raw = msg.startsWith('-') ? msg : `-${msg}`
  const space = raw.indexOf(' ')
  const [code, text] = space < 0 ? ['ERR', raw.slice(1)] : [raw.slice(1, space), raw.slice(space + 1)]
  return `${code} ${text.replace(/^[\r\n]+|[\r\n]+$/g, '')}`
}

/** The script memory budget (`limits.memoryBytes`, else the standard preset's); Infinity for none. */
function replyLimit(memoryBytes: number | undefined): number {
  const limit = memoryBytes ?? SecurityManager.resolve({ preset: 'standard' }, undefined).policy.limits.memoryBytes
  return limit === false ? Number.POSITIVE_INFINITY : limit
}

/** The bytes of a reply's strings, nested arrays included (what converting it copies at least). */
function replyBytes(reply: unknown): number {
  if (Buffer.isBuffer(reply)) return reply.length
  if (!Array.isArray(reply)) return 0
  let n = 0
  for (const r of reply) n += Buffer.isBuffer(r) ? r.length : Array.isArray(r) ? replyBytes(r) : 0
  return n
}
