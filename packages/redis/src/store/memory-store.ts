// Over 250 lines: the store's interface, its options and the one class that dispatches to every command family
import { getHeapStatistics } from 'node:v8'
import { InvalidArgumentError } from '@polyhost/core'
import type { CommandSpec } from '../commands/command.js'
import { BITFIELD_COMMANDS } from '../commands/bitfield.js'
import { BIT_COMMANDS } from '../commands/bits.js'
import { BLOCKING_POP_COMMANDS } from '../commands/blocking-pops.js'
import { SORT_COMMANDS } from '../commands/sort.js'
import { COLLECTION_SCAN_COMMANDS } from '../commands/collection-scans.js'
import { DUMP_RESTORE_COMMANDS } from '../commands/dump-restore.js'
import { GEO_COMMANDS } from '../commands/geo.js'
import { HASH_COMMANDS } from '../commands/hashes.js'
import { KEY_COPY_COMMANDS } from '../commands/key-copy.js'
import { KEY_COMMANDS } from '../commands/keys.js'
import { LCS_COMMANDS } from '../commands/lcs.js'
import { HLL_COMMANDS } from '../commands/hyperloglog.js'
import { HLL_DEBUG_COMMANDS } from '../commands/hll-debug.js'
import { SERVER_COMMANDS } from '../commands/server-misc.js'
import { LIST_COMMANDS } from '../commands/lists.js'
import { MULTI_POP_COMMANDS } from '../commands/multi-pops.js'
import { OBJECT_COMMANDS } from '../commands/object-encoding.js'
import { RANDOM_PICK_COMMANDS } from '../commands/random-picks.js'
import { READ_COMMANDS } from '../commands/reads.js'
import { SET_STORE_COMMANDS } from '../commands/set-stores.js'
import { SET_COMMANDS } from '../commands/sets.js'
import { STREAM_COMMANDS } from '../commands/streams.js'
import { STREAM_CLAIM_COMMANDS } from '../commands/stream-claims.js'
import { refusedPastBound, STREAM_GROUP_COMMANDS } from '../commands/stream-groups.js'
import { STREAM_INFO_COMMANDS } from '../commands/stream-info.js'
import { STRING_EXPIRY_COMMANDS } from '../commands/string-expiry.js'
import { STRING_RANGE_COMMANDS } from '../commands/string-ranges.js'
import { STRING_COMMANDS } from '../commands/strings.js'
import { ZSET_STORE_COMMANDS } from '../commands/zset-stores.js'
import { ZSET_COMMANDS } from '../commands/zsets.js'
import { KeyWatches, type KeyWatch } from './key-watch.js'
import { type Clock, Keyspace } from './keyspace.js'
import { CommandError, ErrorReply, type Reply, unknownCommandError } from './replies.js'

/** What the scripting layer needs to know about a command before running it. */
export interface CommandInfo {
  readonly name: string
  /** Redis's arity: the argument count including the name; negative means "at least". */
  readonly arity: number
  /** Refused in read-only scripts and EVAL_RO. */
  readonly write: boolean
}

/**
 * A keyspace that answers Redis commands. `@polyhost/redis` serialises every call, so an
 * implementation never sees two commands at once; it must not yield between them either
 * (`execute` is synchronous). A host may plug in its own (e.g. one that persists).
 */
export interface RedisStore {
  /** Describes a command by its lower-case name; undefined when the store does not know it. */
  describe(name: string): CommandInfo | undefined
  /**
   * Runs one command (`argv[0]` is the name) and returns Redis's reply, errors included
   * (an ErrorReply with Redis's message). `now` (epoch ms) is a script's start time: keys
   * expire by it for the whole of the script, as in Redis 7.0, while TIME, TTL and relative
   * expiries still read the store's clock; default: the store's clock. `db` is the
   * database the connection or script has selected (default 0): a store answers `OK` to
   * `SELECT n` only for a database it keeps, and is then given `n` with the commands that
   * follow; a store of one database answers an error to `SELECT 1`-`15` and is given 0 always.
   */
  execute(argv: readonly Buffer[], now?: number, db?: number): Reply
  /** The store's clock (epoch ms). */
  now(): number
  /**
   * Optional: starts a WATCH of `keys`; EXEC asks the result whether any was modified since
   * (by any connection, script or expiry). A store without it never aborts a transaction.
   */
  watch?(keys: readonly Buffer[], db?: number): KeyWatch
  /** Optional: how many live keys of database `db` have an expiry (INFO's `expires=`); 0 is reported without it. */
  expiring?(db: number): number
}

/** Options of memoryStore(). */
export interface MemoryStoreOptions {
  /** Epoch milliseconds; inject a fake clock to test expiry. Default `Date.now`. */
  readonly clock?: Clock
  /**
   * Redis's `maxmemory` with the `noeviction` policy: once the keys hold more than this
   * many bytes (store-usage.ts: keys, fields, members and values plus what each key and
   * element costs the JS heap), commands that may add memory (SET, LPUSH, HSET, XADD... Redis's
   * `denyoom` commands) answer `OOM command not allowed when used memory > 'maxmemory'.`;
   * reads, deletes and pops still run. It bounds what scripts can make the host hold across
   * runs. Default: an eighth of the V8 heap limit, at most 256 MiB (see
   * {@link defaultStoreMaxBytes}); `Infinity` or 0 for none (0 is Redis's "no limit" too).
   */
  readonly maxBytes?: number
}

/**
 * The default of {@link MemoryStoreOptions.maxBytes}: 256 MiB, or an eighth of this
 * process's V8 heap limit when that is less (128 MiB under `--max-old-space-size=1024`),
 * so that a full store leaves the host most of its heap.
 */
export function defaultStoreMaxBytes(): number {
  return Math.min(256 * 1024 * 1024, Math.floor(getHeapStatistics().heap_size_limit / 8))
}

/**
 * An in-memory keyspace with Redis 7.0's replies and errors for strings, hashes, lists,
 * sets, sorted sets and key expiry. See the README for the supported commands.
 *
 * @example
 * const store = memoryStore()
 * store.execute([Buffer.from('SET'), Buffer.from('k'), Buffer.from('v')]) // StatusReply OK
 */
export function memoryStore(options: MemoryStoreOptions = {}): RedisStore {
  const maxBytes = options.maxBytes === undefined ? defaultStoreMaxBytes() : options.maxBytes
  if (typeof maxBytes !== 'number' || !(maxBytes >= 0)) {
    throw new InvalidArgumentError(`memoryStore: maxBytes must be a number of bytes ≥ 0 or Infinity (got ${String(maxBytes)})`)
  }
  // as Redis's `maxmemory 0`: no limit
  return new MemoryStore(options.clock ?? Date.now, maxBytes === 0 ? Number.POSITIVE_INFINITY : maxBytes)
}

/**
 * The commands Redis 7.0 flags `denyoom` (`COMMAND INFO`) among those the store implements:
 * refused while the store is over `maxBytes`.
 */
export const DENY_OOM_COMMANDS: ReadonlySet<string> = new Set(
  'append bitfield bitop blmove brpoplpush copy decr decrby geoadd georadius georadiusbymember geosearchstore getset hincrby hincrbyfloat hmset hset hsetnx incr incrby incrbyfloat linsert lmove lpush lpushx lset mset msetnx pfadd pfdebug pfmerge psetex restore rpoplpush rpush rpushx sadd sdiffstore set setbit setex setnx setrange sinterstore sort sunionstore xadd xsetid zadd zdiffstore zincrby zinterstore zrangestore zunionstore'.split(
    ' ',
  ),
)

const OOM = "OOM command not allowed when used memory > 'maxmemory'."

/** Every command the memory store implements, by lower-case name. */
export const MEMORY_COMMANDS: ReadonlyMap<string, CommandSpec> = new Map(
  [
    ...STRING_COMMANDS,
    ...STRING_RANGE_COMMANDS,
    ...LCS_COMMANDS,
    ...HLL_COMMANDS,
    ...KEY_COMMANDS,
    ...KEY_COPY_COMMANDS,
    ...STRING_EXPIRY_COMMANDS,
    ...HASH_COMMANDS,
    ...LIST_COMMANDS,
    ...MULTI_POP_COMMANDS,
    ...BLOCKING_POP_COMMANDS,
    ...SET_COMMANDS,
    ...SET_STORE_COMMANDS,
    ...ZSET_COMMANDS,
    ...ZSET_STORE_COMMANDS,
    ...STREAM_COMMANDS,
    ...STREAM_GROUP_COMMANDS,
    ...STREAM_CLAIM_COMMANDS,
    ...STREAM_INFO_COMMANDS,
    ...READ_COMMANDS,
    ...COLLECTION_SCAN_COMMANDS,
    ...RANDOM_PICK_COMMANDS,
    ...OBJECT_COMMANDS,
    ...DUMP_RESTORE_COMMANDS,
    ...BIT_COMMANDS,
    ...BITFIELD_COMMANDS,
    ...SORT_COMMANDS,
    ...GEO_COMMANDS,
    ...HLL_DEBUG_COMMANDS,
    ...SERVER_COMMANDS,
  ].map((c) => [c.name, c]),
)

// --- internal ---

/** Redis's default `databases 16`. */
const DATABASES = 16

/** Commands that may change databases other than the one they run in: every database is settled after them. */
const CROSS_DATABASE = new Set(['move', 'copy', 'swapdb', 'flushall'])

class MemoryStore implements RedisStore {
  /** The databases, each its own keyspace and expiries; their keys' bytes are counted together. */
  private readonly dbs: Keyspace[]
  private readonly watches: KeyWatches[]

  constructor(
    private readonly clock: Clock,
    private readonly maxBytes: number,
  ) {
    const shared = { bytes: 0, exclusive: new WeakSet<Buffer>() }
    this.dbs = Array.from({ length: DATABASES }, () => new Keyspace(clock, shared))
    for (const ks of this.dbs) {
      ks.maxBytes = maxBytes
      ks.databases = this.dbs
    }
    this.watches = this.dbs.map((ks) => new KeyWatches(ks))
  }

  watch(keys: readonly Buffer[], db = 0): KeyWatch {
    const ks = this.dbs[db] as Keyspace
    ks.now = this.clock()
    const w = (this.watches[db] as KeyWatches).watch(keys.map((k) => k.toString('latin1')))
    return {
      changed: () => {
        ks.now = this.clock()
        return w.changed()
      },
      release: w.release,
    }
  }

  expiring(db: number): number {
    const ks = this.dbs[db] as Keyspace
    ks.now = this.clock()
    ks.time = ks.now
    return ks.expiringCount()
  }

  describe(name: string): CommandInfo | undefined {
    return MEMORY_COMMANDS.get(name)
  }

  now(): number {
    return this.clock()
  }

  execute(argv: readonly Buffer[], now?: number, db = 0): Reply {
    const name = argv[0]?.toString('latin1').toLowerCase() ?? ''
    const spec = MEMORY_COMMANDS.get(name)
    if (!spec) return unknownCommandError(argv)
    if ((spec.arity > 0 && argv.length !== spec.arity) || argv.length < -spec.arity) {
      return new ErrorReply(`ERR wrong number of arguments for '${spec.name}' command`)
    }
    const ks = this.dbs[db]
    if (!ks) return new ErrorReply('ERR DB index is out of range')
    if (ks.usedBytes > this.maxBytes && DENY_OOM_COMMANDS.has(name)) return new ErrorReply(OOM)
    if (ks.usedBytes > this.maxBytes && refusedPastBound(name, argv)) return new ErrorReply(OOM)
    const time = this.clock()
    ks.now = now ?? time
    ks.time = time
    ks.fromScript = now !== undefined
    ks.commandName = argv[0] as Buffer
    try {
      return spec.run(ks, argv.slice(1) as Buffer[])
    } catch (e) {
      if (e instanceof CommandError) return new ErrorReply(e.message)
      throw e
    } finally {
      if (CROSS_DATABASE.has(name)) this.settleAll(spec.write)
      else {
        if (spec.write) (this.watches[db] as KeyWatches).afterWrite()
        ks.settle()
      }
    }
  }

  // --- internal ---

  private settleAll(write: boolean): void {
    for (let i = 0; i < DATABASES; i++) {
      if (write) (this.watches[i] as KeyWatches).afterWrite()
      ;(this.dbs[i] as Keyspace).settle()
    }
  }
}
