import { createHost, type Host, LimitExceededError } from '@polyhost/core'
import type { KeyWatch } from '../store/key-watch.js'
import type { RedisStore } from '../store/memory-store.js'
import type { Reply } from '../store/replies.js'
import type { ClientReply } from './client-shape.js'
import type { RedisArg } from './command-args.js'
import { CONNECTION_ARITY, type ConnectionServer, RedisConnection } from './connection.js'
import { databaseExpires, databaseSizes, infoText } from './info.js'
import { createRedisLuaEngine } from './lua-engine.js'
import { LOAD_INSTRUCTIONS, RunFunctions } from './run-functions.js'
import { Rand48 } from './rand48.js'
import { cjsonSettings } from './lua-cjson-config.js'
import { RunScripts } from './run-scripts.js'
import { type RunningScript, scriptBridge } from './script-bridge.js'
import { SCRIPT_CONTAINERS } from './script-commands.js'
import { checkScriptingOptions, evalArgv, hostLog } from './scripting-options.js'
import { stoppedScriptReply } from './stopped-script.js'
import { withScriptLimits } from './script-host.js'

/** Limits of one script run (Polyhost's limits; Redis itself has only `busy-reply-threshold`). */
export interface RedisScriptLimits {
  /** Wall-clock budget of one script in ms (default 5000). */
  readonly timeoutMs?: number
  /** VM instruction budget of one script. */
  readonly instructions?: number
  /** Approximate memory budget of one script in bytes. */
  readonly memoryBytes?: number
  /** Maximum redis.* calls of one script (default 10,000,000). */
  readonly bridgeCalls?: number
}

/** Options of createRedisScripting(). */
export interface RedisScriptingOptions {
  /** The keyspace commands and scripts run against (e.g. `memoryStore()`). */
  readonly store: RedisStore
  readonly limits?: RedisScriptLimits
  /** Receives `redis.log` lines; a throw or a rejected promise it returns is ignored (scripting-options.ts). */
  readonly onLog?: (level: number, message: string) => unknown
}

/**
 * Redis 7.0 scripting over a keyspace. `command()` takes Redis's argv and answers in the
 * shapes ioredis's `call()` gives; every command and script against the store runs one at
 * a time, so a script never sees another's writes interleaved.
 *
 * @example
 * const redis = await createRedisScripting({ store: memoryStore(), limits: { timeoutMs: 5000 } })
 * await redis.command(['SET', 'k', 'v'])
 * await redis.command(['EVAL', 'return redis.call("GET", KEYS[1])', '1', 'k']) // 'v'
 * await redis.close()
 */
export async function createRedisScripting(options: RedisScriptingOptions): Promise<RedisScripting> {
  checkScriptingOptions(options)
  let running: RunningScript | undefined
  const timeoutMs = options.limits?.timeoutMs ?? 5000
  const host = await createHost({
    engines: [createRedisLuaEngine()],
    policy: {
      preset: 'standard',
      // the prelude makes globals read-only with Redis's error (see its GUARD)
      globals: { protect: false },
      builtins: { readOnly: true },
      libraries: { deny: ['print', 'utf8', 'require', 'os.time', 'os.clock', 'os.date', 'os.difftime', 'io.write'] },
    },
    limits: {
      bridgeCalls: 10_000_000,
      stackDepth: LUA51_CALL_DEPTH,
      ...options.limits,
      timeoutMs: Math.max(timeoutMs, REBUILD_TIMEOUT_MS),
    },
    // runs are serialised, so one state serves them all; it is replaced after a stopped
    // script, not every 10,000 runs (the pool's default), since building one runs the whole
    // prelude (~100-600 ms, ~10-60 µs per script when spread over 10,000 runs)
    pool: { min: 1, max: 1, maxUses: 1_000_000 },
  })
  const scriptHost = withScriptLimits(host, timeoutMs < REBUILD_TIMEOUT_MS ? { timeoutMs } : undefined)
  host.bridges.register(scriptBridge(options.store, () => running, new Rand48(), options.limits?.memoryBytes))
  const log = hostLog(options.onLog)
  // one object literal of one shape per run (a spread and a closure per run cost ~2 µs)
  const setRunning = (r: Omit<RunningScript, 'log'> | undefined) => {
    running = r && { now: r.now, readOnly: r.readOnly, db: r.db, log }
  }
  const scripts = new RunScripts(scriptHost, options.store, setRunning, cjsonSettings(host))
  const functions = new RunFunctions(scriptHost, options.store, {
    setRunning,
    loadInstructions: Math.min(options.limits?.instructions ?? LOAD_INSTRUCTIONS, LOAD_INSTRUCTIONS),
    rebuild: () => rebuildState(host),
  })
  return new RedisScripting(host, options.store, scripts, functions)
}

/** See createRedisScripting(). */
export class RedisScripting implements ConnectionServer {
  private tail: Promise<unknown> = Promise.resolve()
  private closed = false
  private connections = 0
  private readonly main: RedisConnection

  /** @internal use createRedisScripting() */
  constructor(
    private readonly host: Host,
    private readonly store: RedisStore,
    private readonly scripts: RunScripts,
    private readonly functions: RunFunctions,
  ) {
    this.main = this.connection()
  }

  /**
   * A new client connection (its own name, HELLO protocol and MULTI queue) on this keyspace.
   * `command()` and `reply()` of this object use one connection of their own.
   */
  connection(): RedisConnection {
    return new RedisConnection(this, ++this.connections)
  }

  /**
   * Runs one command given as Redis argv (`['SET', 'k', 'v']`, `['EVALSHA', sha, '1', 'k']`).
   * Resolves with ioredis `call()` shapes; an error reply rejects with a ReplyError carrying
   * Redis's message. A script past its limits rejects with LimitExceededError.
   */
  command(argv: readonly RedisArg[]): Promise<ClientReply> {
    return this.main.command(argv)
  }

  /** Like command(), but resolves with the raw reply model (errors as ErrorReply values). */
  reply(argv: readonly RedisArg[]): Promise<Reply> {
    return this.main.reply(argv)
  }

  /** `EVAL source numkeys ...keys ...args` in a convenient form (`keys`, `args`: arrays). */
  async eval(source: string, input: { keys?: readonly RedisArg[]; args?: readonly RedisArg[] } = {}): Promise<ClientReply> {
    return this.command(evalArgv(source, input))
  }

  /** Waits for queued work, then releases the engine. */
  async close(): Promise<void> {
    if (this.closed) return
    this.closed = true
    await this.tail
    await this.host.close()
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close()
  }

  /** @internal see ConnectionServer */
  serialise(task: () => Promise<Reply> | Reply): Promise<Reply> {
    if (this.closed) return Promise.reject(new Error('redis scripting is closed'))
    const run = () => this.settled(task)
    const p = this.tail.then(run, run)
    this.tail = p.catch(() => undefined)
    return p
  }

  /** @internal see ConnectionServer */
  arity(name: string): number | undefined {
    return SCRIPTING_ARITY[name] ?? CONNECTION_ARITY[name] ?? SCRIPT_CONTAINERS.get(name)?.entry.arity ?? this.store.describe(name)?.arity
  }

  /** @internal see ConnectionServer */
  info(sections: readonly string[]): string {
    const keys = databaseSizes(this.store)
    return infoText(sections, keys, this.connections, databaseExpires(this.store, keys))
  }

  /** @internal see ConnectionServer */
  watch(keys: readonly Buffer[], db: number): KeyWatch | undefined {
    return this.store.watch?.(keys, db)
  }

  /** @internal see ConnectionServer; the stopped script's engine state is replaced before the next queued command */
  async stoppedInExec(e: unknown): Promise<Reply | undefined> {
    const reply = stoppedScriptReply(e)
    return reply && rebuildState(this.host).then(() => reply)
  }

  /** @internal see ConnectionServer */
  dispatch(argv: Buffer[], db: number): Promise<Reply> | Reply {
    const name = argv[0]?.toString('latin1').toLowerCase() ?? ''
    switch (name) {
      case 'eval':
      case 'eval_ro':
      case 'evalsha':
      case 'evalsha_ro':
        return this.scripts.eval(name, argv, db)
      case 'script':
        return this.scripts.script(argv)
      case 'function':
        return this.functions.function(argv)
      case 'fcall':
      case 'fcall_ro':
        return this.functions.fcall(name, argv, db)
      default:
        return this.store.execute(argv, undefined, db)
    }
  }

  // --- internal ---

  /**
   * Runs one command; after a script was stopped, the engine state that ran it is gone, so a
   * replacement is built now (running the prelude), inside this call and outside any script's
   * budget: the next script would otherwise pay for it from its own time limit.
   */
  private async settled(task: () => Promise<Reply> | Reply): Promise<Reply> {
    try {
      return await task()
    } catch (e) {
      if (e instanceof LimitExceededError) await rebuildState(this.host)
      throw e
    }
  }
}

// --- internal ---

/** Builds a replacement for a stopped script's engine state (see RedisScripting.settled). */
async function rebuildState(host: Host): Promise<void> {
  await host.execute({ language: 'lua', source: 'return 1', name: 'warm-up' }).catch(() => undefined)
}

/** The least time limit of the host itself, also the budget of building an engine state (the prelude's compile, 100-600 ms
 * on a loaded machine). A script limit at least this long is the host's own; a shorter one is applied to each run (~8 µs). */
const REBUILD_TIMEOUT_MS = 5_000

/**
 * Call depth of a script: Redis's Lua 5.1 raises "stack overflow" when its call-info array
 * would grow past 16,384 entries (the doubling after that passes LUAI_MAXCALLS), so on a
 * fresh server `f(16382)` of a one-frame-per-level recursion is the deepest that works; the
 * engine's count reaches the same limit at the same call. Lua-to-Lua calls do not recurse
 * on the engine's JS stack (host-function re-entry stays capped at 200 levels), so the
 * depth is safe. Past it the script gets Redis's catchable "stack overflow" error (the
 * engine's `stackOverflow: 'error'`). One more for the `xpcall` a run's body is called
 * under (Redis's error handler, lua-err-handler.ts), a frame Redis does not have.
 */
const LUA51_CALL_DEPTH = 16_385

/** Arity of the scripting commands, as Redis declares them. */
const SCRIPTING_ARITY: Readonly<Record<string, number>> = {
  eval: -3,
  eval_ro: -3,
  evalsha: -3,
  evalsha_ro: -3,
  script: -2,
  function: -2,
  fcall: -3,
  fcall_ro: -3,
}
