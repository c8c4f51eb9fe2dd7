import { defineBridge } from '@polyhost/core'
import { z } from 'zod'
import type { RedisStore } from '../store/memory-store.js'
import { cString } from '../store/c-numbers.js'
import { argFromLua, commandError, replyToLua } from './lua-values.js'
import type { Rand48 } from './rand48.js'
import { replyToLua3 } from './resp3.js'
import { sha1hex } from './script-cache.js'
import { scriptingHelpFromScript } from './help-replies.js'

/** What the bridge knows about the script running now (executions are serialised). */
export interface RunningScript {
  /** Time frozen at the script's start, as Redis freezes it. */
  readonly now: number
  /** Writes refused: `#!lua flags=no-writes`, or EVAL_RO/EVALSHA_RO. */
  readonly readOnly: boolean
  /** `redis.log` lines. */
  log(level: number, message: string): void
}

/**
 * Commands a script may not call ("This Redis command is not allowed from script"): those
 * redis-server 7.0 flags `noscript` in COMMAND, and the subcommands it flags so
 * (test/corpus/reply-edges.ts checks a selection against redis-server).
 */
export const NOT_FROM_SCRIPT: ReadonlySet<string> = new Set(
  (
    'auth bgrewriteaof bgsave blmove blpop brpop brpoplpush bzpopmax bzpopmin debug discard eval eval_ro evalsha evalsha_ro ' +
    'exec failover fcall fcall_ro hello monitor multi psubscribe psync punsubscribe quit replconf replicaof reset role save ' +
    'shutdown slaveof ssubscribe subscribe sunsubscribe sync unsubscribe unwatch wait watch'
  ).split(' '),
)
export const NOT_FROM_SCRIPT_SUBCOMMANDS: ReadonlySet<string> = new Set(
  (
    'acl|cat acl|deluser acl|dryrun acl|genpass acl|getuser acl|list acl|load acl|log acl|save acl|setuser acl|users ' +
    'acl|whoami client|caching client|getname client|getredir client|id client|info client|kill client|list ' +
    'client|no-evict client|pause client|reply client|setname client|tracking client|trackinginfo client|unblock ' +
    'client|unpause cluster|reset config|get config|resetstat config|rewrite config|set function|delete function|dump ' +
    'function|flush function|kill function|list function|load function|restore function|stats latency|doctor ' +
    'latency|graph latency|histogram latency|history latency|latest latency|reset module|list module|load ' +
    'module|loadex module|unload script|debug script|exists script|flush script|kill script|load'
  ).split(' '),
)

const UNKNOWN = 'ERR Unknown Redis command called from script'
const WRONG_ARITY = 'ERR Wrong number of args calling Redis command from script'

/**
 * The `__redis` bridge behind `redis.call`/`pcall`, `sha1hex`, `log` and `error_reply`:
 * checks a command as Redis's script path does (known, arity, allowed in scripts, writes in
 * read-only scripts), runs it on the store at the script's frozen time, and hands the
 * reply back in Redis's Lua form. `math.random`/`math.randomseed` draw on the server's one
 * Rand48, as Redis's do.
 */
export function scriptBridge(store: RedisStore, running: () => RunningScript | undefined, rand: Rand48) {
  const any = z.any()
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
    // refusals of Redis's scriptCall are marked like the command's own errors (commandError)
    if (notFromScript(name, args)) return commandError('ERR This Redis command is not allowed from script')
    if (name === 'xread' && blocks(args)) {
      return commandError('ERR XREAD command is not allowed with BLOCK option from scripts')
    }
    const help = scriptingHelpFromScript(name, args)
    if (help === 'unknown') return commandError(UNKNOWN)
    if (help === 'arity') return commandError(WRONG_ARITY)
    if (help !== undefined) return resp === 3 ? replyToLua3(name, args, help) : replyToLua(help)
    const info = store.describe(name)
    if (!info) return commandError(UNKNOWN)
    if ((info.arity > 0 && args.length !== info.arity) || args.length < -info.arity) return commandError(WRONG_ARITY)
    if (info.write && run.readOnly) return commandError('ERR Write commands are not allowed from read-only scripts.')
    const reply = store.execute(args, run.now)
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
          // SCRIPT and FUNCTION are known alone and with HELP (an arity error is still known)
          const scripting = scriptingHelpFromScript(name, args.slice(0, 2))
          const known =
            store.describe(name) !== undefined || notFromScript(name, args) || (scripting !== undefined && scripting !== 'unknown')
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

/** Whether Redis refuses the command (`name`, lower case) or its subcommand from scripts. */
function notFromScript(name: string, args: readonly Buffer[]): boolean {
  if (NOT_FROM_SCRIPT.has(name)) return true
  return args.length > 1 && NOT_FROM_SCRIPT_SUBCOMMANDS.has(`${name}|${(args[1] as Buffer).toString('latin1').toLowerCase()}`)
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

/** XREAD with a BLOCK option (before STREAMS; a key named "block" does not count). */
function blocks(args: readonly Buffer[]): boolean {
  for (const a of args.slice(1)) {
    const o = a.toString('latin1').toUpperCase()
    if (o === 'STREAMS') return false
    if (o === 'BLOCK') return true
  }
  return false
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
