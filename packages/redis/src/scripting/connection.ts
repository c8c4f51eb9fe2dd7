// Over 250 lines: one client connection's state (MULTI/EXEC queue, WATCH, HELLO, CLIENT, SELECT) and its dispatch
import type { KeyWatch } from '../store/key-watch.js'
import { ErrorReply, errorText, OK, type Reply, StatusReply, unknownCommandError } from '../store/replies.js'
import { nameOrNone, validName } from './client-name.js'
import { type ClientReply, toClientReply } from './client-shape.js'
import { type RedisArg, toArgv } from './command-args.js'
import { containerCallError } from './script-commands.js'
import { containerReply } from './help-replies.js'
import { selected } from './script-bridge.js'

/** What a connection needs from the server it talks to. */
export interface ConnectionServer {
  /** Runs `task` when every earlier command of every connection has finished. */
  serialise(task: () => Promise<Reply> | Reply): Promise<Reply>
  /** Runs one command (scripts, functions, the store) in database `db`, already serialised. */
  dispatch(argv: Buffer[], db: number): Promise<Reply> | Reply
  /** Arity of a command, undefined when unknown (MULTI refuses to queue it). */
  arity(name: string): number | undefined
  /** INFO's text for the given sections (all when empty). */
  info(sections: readonly string[]): string
  /** Starts a WATCH of keys of database `db`; undefined when the store cannot tell modifications. */
  watch(keys: readonly Buffer[], db: number): KeyWatch | undefined
  /** After a queued script was stopped by a limit: its reply in EXEC's (undefined: not such a stop). */
  stoppedInExec(e: unknown): Promise<Reply | undefined>
}

/**
 * One client connection: its name, protocol version and MULTI queue. Commands of all
 * connections of one RedisScripting run one at a time; `EXEC` runs its queued commands
 * back to back, so no other connection's command comes between them.
 */
export class RedisConnection {
  private name: Buffer | undefined
  private protocol = 2
  private queued: Buffer[][] | undefined
  private dirty = false
  private closed = false
  /** The selected database (SELECT; 0 at first), which commands and scripts of the connection run in. */
  private db = 0
  /** WATCHes since the last EXEC, DISCARD or UNWATCH, and their keys (latin1). */
  private watches: KeyWatch[] = []
  private readonly watched = new Set<string>()

  /** @internal use RedisScripting.connection() */
  constructor(
    private readonly server: ConnectionServer,
    /** The connection's id, as `CLIENT ID` and `HELLO` show it. */
    readonly id: number,
  ) {}

  /** Runs one command, answering in ioredis `call()` shapes (an error reply rejects). */
  async command(argv: readonly RedisArg[]): Promise<ClientReply> {
    return toClientReply(await this.reply(argv))
  }

  /** Like command(), with the raw reply model (errors as ErrorReply values). */
  reply(argv: readonly RedisArg[]): Promise<Reply> {
    if (this.closed) return Promise.reject(new Error('Connection is closed.'))
    let args: Buffer[]
    try {
      args = toArgv(argv)
    } catch (e) {
      return Promise.reject(e)
    }
    return this.server.serialise(() => this.handle(args))
  }

  // --- internal ---

  private handle(argv: Buffer[]): Promise<Reply> | Reply {
    const name = argv[0]?.toString('latin1').toLowerCase() ?? ''
    // arity comes first (processCommand), marking a MULTI; EXEC's discards it (execCommandAbort)
    const arity = CONNECTION_ARITY[name]
    if (arity !== undefined && !arityFits(arity, argv.length)) {
      if (name === 'exec') {
        this.queued = undefined
        this.unwatch()
        return new ErrorReply("EXECABORT Transaction discarded because of: wrong number of arguments for 'exec' command")
      }
      if (this.queued) this.dirty = true
      return arityError(name)
    }
    // a container's unknown subcommand or wrong arity, provided here or not
    const refused = containerCallError(name, argv)
    if (refused !== undefined) {
      if (this.queued) this.dirty = true
      return new ErrorReply(refused)
    }
    if (this.queued && !IMMEDIATE_IN_MULTI.has(name)) return this.enqueue(name, argv)
    switch (name) {
      case 'multi':
        if (this.queued) return new ErrorReply('ERR MULTI calls can not be nested')
        this.queued = []
        this.dirty = false
        return OK
      case 'exec':
        return this.exec()
      case 'discard':
        if (!this.queued) return new ErrorReply('ERR DISCARD without MULTI')
        this.queued = undefined
        this.unwatch()
        return OK
      case 'watch':
        if (this.queued) return new ErrorReply('ERR WATCH inside MULTI is not allowed')
        return this.direct(name, argv)
      case 'quit':
        this.closed = true
        this.unwatch()
        return OK
      default:
        return this.direct(name, argv)
    }
  }

  private enqueue(name: string, argv: Buffer[]): Reply {
    const arity = this.server.arity(name) ?? CONNECTION_ARITY[name]
    if (arity === undefined) {
      this.dirty = true
      return unknownCommandError(argv)
    }
    if (!arityFits(arity, argv.length)) {
      this.dirty = true
      return arityError(name)
    }
    ;(this.queued as Buffer[][]).push(argv)
    return new StatusReply('QUEUED')
  }

  private async exec(): Promise<Reply> {
    const queued = this.queued
    if (!queued) return new ErrorReply('ERR EXEC without MULTI')
    this.queued = undefined
    // as Redis: a queueing error answers EXECABORT before a modified watched key answers nil
    const modified = this.watches.some((w) => w.changed())
    this.unwatch()
    if (this.dirty) return new ErrorReply('EXECABORT Transaction discarded because of previous errors.')
    if (modified) return null
    const replies: Reply[] = []
    // a script stopped by a limit is an error reply and EXEC goes on: Redis never skips queued commands
    for (const c of queued) {
      const run = Promise.resolve().then(() => this.direct(c[0]?.toString('latin1').toLowerCase() ?? '', c))
      replies.push(await run.catch(async (e: unknown) => (await this.server.stoppedInExec(e)) ?? Promise.reject(e)))
    }
    return replies
  }

  /** Connection commands here; everything else to the server. */
  private direct(name: string, argv: Buffer[]): Promise<Reply> | Reply {
    switch (name) {
      case 'hello':
        return this.hello(argv)
      case 'client':
        return containerReply(name, argv) ?? this.client(argv)
      case 'info':
        return Buffer.from(this.server.info(argv.slice(1).map((a) => a.toString('latin1').toLowerCase())))
      case 'watch': {
        // a key the connection watches already is left as it is (Redis: a no-op)
        const keys = argv.slice(1).filter((k) => !this.watched.has(k.toString('latin1')))
        const w = keys.length > 0 ? this.server.watch(keys, this.db) : undefined
        if (w) this.watches.push(w)
        for (const k of keys) this.watched.add(k.toString('latin1'))
        return OK
      }
      case 'unwatch':
        this.unwatch()
        return OK
      case 'select': {
        const reply = this.server.dispatch(argv, this.db) as Reply
        this.db = selected(argv, reply, this.db)
        return reply
      }
      default:
        return containerReply(name, argv) ?? this.server.dispatch(argv, this.db)
    }
  }

  private unwatch(): void {
    for (const w of this.watches) w.release()
    this.watches = []
    this.watched.clear()
  }

  private hello(argv: Buffer[]): Reply {
    if (argv.length > 1) {
      const text = (argv[1] as Buffer).toString('latin1')
      const v = /^-?\d+$/.test(text) ? Number(text) : Number.NaN
      if (!Number.isSafeInteger(v)) return new ErrorReply('ERR Protocol version is not an integer or out of range')
      if (v < 2 || v > 3) return new ErrorReply('NOPROTO unsupported protocol version')
      // Redis 7.0 applies the options in order: a SETNAME before a failing option stays
      for (let i = 2; i < argv.length; i++) {
        const o = (argv[i] as Buffer).toString('latin1')
        const upper = o.toUpperCase()
        if (upper === 'AUTH' && i + 2 < argv.length) {
          // a fresh server's only user: 'default' with no password (any password works)
          if ((argv[i + 1] as Buffer).toString('latin1') !== 'default')
            return new ErrorReply('WRONGPASS invalid username-password pair or user is disabled.')
          i += 2
        } else if (upper === 'SETNAME' && i + 1 < argv.length) {
          const name = argv[++i] as Buffer
          const bad = validName(name)
          if (bad) return bad
          this.name = nameOrNone(name)
        } else return new ErrorReply(errorText("ERR Syntax error in HELLO option '", { arg: argv[i] as Buffer }, "'"))
      }
      this.protocol = v
    }
    const b = (s: string) => Buffer.from(s)
    const reply: Reply[] = [b('server'), b('redis'), b('version'), b('7.0.15'), b('proto'), this.protocol, b('id'), this.id]
    return [...reply, b('mode'), b('standalone'), b('role'), b('master'), b('modules'), []]
  }

  private client(argv: Buffer[]): Reply {
    const invalid = containerCallError('client', argv)
    if (invalid) return new ErrorReply(invalid)
    const sub = (argv[1] as Buffer).toString('latin1')
    switch (sub.toLowerCase()) {
      case 'setname': {
        const bad = validName(argv[2] as Buffer)
        if (bad) return bad
        this.name = nameOrNone(argv[2] as Buffer)
        return OK
      }
      case 'getname':
        return this.name ?? null
      case 'id':
        return this.id
      default:
        // a subcommand of Redis 7.0's CLIENT that is not provided here
        return new ErrorReply(errorText("ERR unknown subcommand '", { arg: argv[1] as Buffer, max: 128 }, "'. Try CLIENT HELP."))
    }
  }
}

/** Arity of the commands a connection answers itself. */
export const CONNECTION_ARITY: Readonly<Record<string, number>> = {
  multi: 1,
  exec: 1,
  discard: 1,
  watch: -2,
  unwatch: 1,
  quit: -1,
  hello: -1,
  client: -2,
  info: -1,
}

// --- internal ---

/** Commands that run at once inside MULTI instead of being queued. */
const IMMEDIATE_IN_MULTI = new Set(['exec', 'discard', 'multi', 'watch', 'quit'])

/** Redis's arity rule: n exactly, or at least -n arguments (name included) when negative. */
function arityFits(arity: number, argc: number): boolean {
  return arity >= 0 ? argc === arity : argc >= -arity
}

function arityError(name: string): ErrorReply {
  return new ErrorReply(`ERR wrong number of arguments for '${name}' command`)
}
