/**
 * What a script's `redis.call` must know of Redis 7.0's command table to refuse a command
 * as Redis's `scriptCall` does, in its order: unknown (`lookupCommand`, which resolves a
 * container's subcommand), then the arity of what it found, then the `noscript` flag. A
 * refused command never reaches the store, so the table holds every command Redis flags
 * `noscript` and every container with all of its subcommands, the ones this package does not
 * provide included (`CONFIG` alone is an arity error in Redis, not an unknown command).
 * `test/script-commands.test.ts` compares it with redis-server's `COMMAND` in the same run.
 * A connection's commands are refused from the same table (`containerCallError`), and SCRIPT,
 * FUNCTION and CLIENT check their subcommands' arities with it when they run: it is the one
 * place those arities are written.
 */

import { errorText } from '../store/replies.js'

/** A command or subcommand as the script path checks it. */
export interface ScriptCommandEntry {
  /** Redis's arity: the argument count including the name(s); negative means "at least". */
  readonly arity: number
  /** Redis refuses it from scripts ("This Redis command is not allowed from script"). */
  readonly noscript: boolean
}

/** `name:arity` of the top-level commands Redis 7.0 flags `noscript`. */
const NOSCRIPT_COMMANDS =
  'auth:-2 bgrewriteaof:1 bgsave:-1 blmove:6 blpop:-3 brpop:-3 brpoplpush:4 bzpopmax:-3 bzpopmin:-3 debug:-2 ' +
  'discard:1 eval:-3 eval_ro:-3 evalsha:-3 evalsha_ro:-3 exec:1 failover:-1 fcall:-3 fcall_ro:-3 hello:-1 monitor:1 ' +
  'multi:1 psubscribe:-2 psync:-3 punsubscribe:-1 quit:-1 replconf:-1 replicaof:3 reset:1 role:1 save:1 shutdown:-1 ' +
  'slaveof:3 ssubscribe:-2 subscribe:-2 sunsubscribe:-1 sync:1 unsubscribe:-1 unwatch:1 wait:3 watch:-2'

/** One line per container: its name and arity, then `sub:arity` (`!` marks `noscript`). */
const CONTAINERS = [
  'acl -2 cat:-2! deluser:-3! dryrun:-4! genpass:-2! getuser:3! help:2 list:2! load:2! log:-2! save:2! setuser:-3! ' + 'users:2! whoami:2!',
  'client -2 caching:3! getname:2! getredir:2! help:2 id:2! info:2! kill:-3! list:-2! no-evict:3! pause:-3! reply:3! ' +
    'setname:3! tracking:-3! trackinginfo:2! unblock:-3! unpause:2!',
  'cluster -2 addslots:-3 addslotsrange:-4 bumpepoch:2 count-failure-reports:3 countkeysinslot:3 delslots:-3 ' +
    'delslotsrange:-4 failover:-2 flushslots:2 forget:3 getkeysinslot:4 help:2 info:2 keyslot:3 links:2 meet:-4 myid:2 ' +
    'nodes:2 replicas:3 replicate:3 reset:-2! saveconfig:2 set-config-epoch:3 setslot:-4 shards:2 slaves:3 slots:2',
  'command -1 count:2 docs:-2 getkeys:-4 getkeysandflags:-4 help:2 info:-2 list:-2',
  'config -2 get:-3! help:2 resetstat:2! rewrite:2! set:-4!',
  'function -2 delete:3! dump:2! flush:-2! help:2 kill:2! list:-2! load:-3! restore:-3! stats:2!',
  'latency -2 doctor:2! graph:3! help:2 histogram:-2! history:3! latest:2! reset:-2!',
  'memory -2 doctor:2 help:2 malloc-stats:2 purge:2 stats:2 usage:-3',
  'module -2 help:2 list:2! load:-3! loadex:-3! unload:3!',
  'object -2 encoding:3 freq:3 help:2 idletime:3 refcount:3',
  'pubsub -2 channels:-2 help:2 numpat:2 numsub:-2 shardchannels:-2 shardnumsub:-2',
  'script -2 debug:3! exists:-3! flush:-2! help:2 kill:2! load:3!',
  'slowlog -2 get:-2 help:2 len:2 reset:2',
  'xgroup -2 create:-5 createconsumer:5 delconsumer:5 destroy:4 help:2 setid:-5',
  'xinfo -2 consumers:4 groups:3 help:2 stream:-3',
]

/** A container command: its own entry (used when it is called alone) and its subcommands. */
export interface ScriptContainer {
  readonly entry: ScriptCommandEntry
  readonly subcommands: ReadonlyMap<string, ScriptCommandEntry>
}

/** The top-level `noscript` commands by lower-case name. */
export const SCRIPT_NOSCRIPT: ReadonlyMap<string, ScriptCommandEntry> = new Map(
  NOSCRIPT_COMMANDS.split(' ').map((e) => [e.split(':')[0] as string, { arity: Number(e.split(':')[1]), noscript: true }]),
)

/** Redis 7.0's container commands by lower-case name. */
export const SCRIPT_CONTAINERS: ReadonlyMap<string, ScriptContainer> = new Map(
  CONTAINERS.map((line) => {
    const [name, arity, ...subs] = line.split(' ') as [string, string, ...string[]]
    return [name, { entry: { arity: Number(arity), noscript: false }, subcommands: new Map(subs.map(subEntry)) }]
  }),
)

/**
 * The entry Redis's `lookupCommand` finds for `args` (a container alone is the container, a
 * container with arguments its subcommand): null when Redis does not know the subcommand,
 * undefined when the command is in neither table (the store decides).
 */
export function scriptCommandEntry(name: string, args: readonly Buffer[]): ScriptCommandEntry | null | undefined {
  const container = SCRIPT_CONTAINERS.get(name)
  if (!container) return SCRIPT_NOSCRIPT.get(name)
  if (args.length < 2) return container.entry
  return container.subcommands.get((args[1] as Buffer).toString('latin1').toLowerCase()) ?? null
}

/**
 * Redis's refusal of a container call before it runs or is queued (`processCommand`: an
 * unknown subcommand, then the arity of the container alone or of its subcommand), as the
 * error's text; undefined when the call passes or `name` is no container.
 */
export function containerCallError(name: string, argv: readonly Buffer[]): string | undefined {
  if (!SCRIPT_CONTAINERS.has(name)) return undefined
  const entry = scriptCommandEntry(name, argv)
  const sub = argv[1]
  if (!entry) return errorText("ERR unknown subcommand '", { arg: sub as Buffer, max: 128 }, `'. Try ${name.toUpperCase()} HELP.`)
  if (fitsArity(entry.arity, argv.length)) return undefined
  const fullName = sub ? `${name}|${sub.toString('latin1').toLowerCase()}` : name
  return `ERR wrong number of arguments for '${fullName}' command`
}

/** Whether `argc` arguments (the name included) fit Redis's `arity`. */
export function fitsArity(arity: number, argc: number): boolean {
  return arity > 0 ? argc === arity : argc >= -arity
}

// --- internal ---

function subEntry(e: string): [string, ScriptCommandEntry] {
  const [sub, arity] = e.split(':') as [string, string]
  return [sub, { arity: Number.parseInt(arity, 10), noscript: arity.endsWith('!') }]
}
