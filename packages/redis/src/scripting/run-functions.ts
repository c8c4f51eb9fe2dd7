import { LimitExceededError } from '@polyhost/core'
import { parseInteger } from '../store/args.js'
import type { RedisStore } from '../store/memory-store.js'
import { ErrorReply, OK, type Reply } from '../store/replies.js'
import { decodeScriptReply } from './lua-values.js'
import type { ScriptHost } from './script-host.js'
import type { RunningScript } from './script-bridge.js'
import { extractLibraryMetadata } from './library-metadata.js'
import { compileFailure, scriptFailure } from './script-errors.js'
import { protectTailCalls, TAIL_CALL_LOCALS } from './tail-calls.js'
import { byteString, displayText, engineChunk, syntaxErrorOf } from './chunk-bytes.js'
import { containerCallError } from './script-commands.js'
import { type Library, listLibraries } from './library.js'
import { dumpPayload } from './function-dump.js'
import { functionRestore, type LibraryTable } from './function-restore.js'

/** The chunk name Redis gives function libraries. */
const CHUNK = 'user_function'
const NAME = /^[A-Za-z0-9_]+$/

const NOTBUSY = 'NOTBUSY No scripts in execution right now.'

/**
 * The VM instructions FUNCTION LOAD lets a library's code run. Redis 7.0 stops library code
 * after 500 ms (its fixed `LOAD_TIMEOUT_MS`), checked every 100,000 instructions: C Lua runs
 * some 40-130 million instructions in that time (redis-server 7.0 on a busy
 * 2-core machine loads a `for i = 1, 1e7` body and refuses `1, 2e7`). This engine runs Lua 10-100 times slower, the
 * more so cold or on a busy machine, so a 500 ms clock refused what Redis loads at once (a
 * library registering 10,000 functions took 0.8-1.2 s on a loaded 2-core machine): the
 * budget is Redis's work, not its time, and the same libraries load whatever the load.
 */
export const LOAD_INSTRUCTIONS = 50_000_000

/** What RunFunctions needs besides the host and the store. */
export interface FunctionsOptions {
  readonly setRunning: (r: Omit<RunningScript, 'log'> | undefined) => void
  /** The instruction budget of library code at FUNCTION LOAD (LOAD_INSTRUCTIONS, or the script limit when less). */
  readonly loadInstructions: number
  /** Builds the engine state again after a load was stopped (outside any script's budget). */
  readonly rebuild: () => Promise<void>
}

/**
 * FUNCTION LOAD/DELETE/FLUSH/LIST and FCALL/FCALL_RO. Library closures cannot outlive an
 * engine run (the engine resets every execution), so FCALL runs the library code again
 * (registration only: Redis forbids `redis.call` while loading; its `redis.log` lines are
 * dropped, they were written at FUNCTION LOAD) and then calls the function: the library's
 * upvalues start again each call, where Redis keeps them (a README deviation). Callers
 * serialise calls.
 */
export class RunFunctions {
  private readonly libraries = new Map<string, Library>()
  /** Lower-cased function name → its library and name: Redis finds functions in any case. */
  private readonly owners = new Map<string, { readonly lib: Library; readonly name: string }>()

  constructor(
    private readonly host: ScriptHost,
    private readonly store: RedisStore,
    private readonly options: FunctionsOptions,
  ) {}

  /** FUNCTION RESTORE's view of the table. */
  private readonly table: LibraryTable = {
    libraries: () => [...this.libraries.values()],
    relink: (libraries) => {
      this.libraries.clear()
      this.owners.clear()
      for (const lib of libraries) {
        this.libraries.set(lib.name, lib)
        for (const fname of lib.functions.keys()) this.owners.set(fname.toLowerCase(), { lib, name: fname })
      }
    },
    load: (code) => this.load([code]),
  }

  private setRunning(r: Omit<RunningScript, 'log'> | undefined): void {
    this.options.setRunning(r)
  }

  /** `FUNCTION <sub> ...`. */
  async function(argv: Buffer[]): Promise<Reply> {
    const invalid = containerCallError('function', argv)
    if (invalid) return new ErrorReply(invalid)
    const sub = argv[1]?.toString('latin1').toLowerCase()
    if (sub === 'load') return this.load(argv.slice(2))
    if (sub === 'delete' && argv.length === 3) {
      const lib = this.libraries.get((argv[2] as Buffer).toString('utf8'))
      if (!lib) return new ErrorReply('ERR Library not found')
      this.drop(lib)
      return OK
    }
    if (sub === 'flush' && argv.length <= 3) {
      const mode = argv[2]?.toString('latin1').toLowerCase()
      if (mode !== undefined && mode !== 'sync' && mode !== 'async')
        return new ErrorReply('ERR FUNCTION FLUSH only supports SYNC|ASYNC option')
      this.libraries.clear()
      this.owners.clear()
      return OK
    }
    if (sub === 'list') return listLibraries(this.libraries.values(), argv.slice(2))
    if (sub === 'dump') return dumpPayload([...this.libraries.values()].map((lib) => lib.payload))
    if (sub === 'restore' && argv.length <= 4) return functionRestore(argv.slice(2), this.table)
    // scripts run one at a time and commands wait for them: none is running now
    if (sub === 'kill' && argv.length === 2) return new ErrorReply(NOTBUSY)
    if (sub === 'stats' && argv.length === 2) {
      let count = 0
      for (const lib of this.libraries.values()) count += lib.functions.size
      const engine = [Buffer.from('libraries_count'), this.libraries.size, Buffer.from('functions_count'), count]
      return [Buffer.from('running_script'), null, Buffer.from('engines'), [Buffer.from('LUA'), engine]]
    }
    if (sub === undefined) return new ErrorReply("ERR wrong number of arguments for 'function' command")
    return new ErrorReply(
      `ERR unknown subcommand or wrong number of arguments for '${(argv[1] as Buffer).toString('latin1')}'. Try FUNCTION HELP.`,
    )
  }

  /** `FCALL[_RO] function numkeys key... arg...`. */
  async fcall(name: string, argv: Buffer[], db = 0): Promise<Reply> {
    if (argv.length < 3) return new ErrorReply(`ERR wrong number of arguments for '${name}' command`)
    const owner = this.owners.get((argv[1] as Buffer).toString('utf8').toLowerCase())
    if (!owner) return new ErrorReply('ERR Function not found')
    const { lib, name: fname } = owner
    let numkeys: number
    try {
      numkeys = parseInteger(argv[2] as Buffer)
    } catch {
      return new ErrorReply('ERR Bad number of keys provided')
    }
    if (numkeys > argv.length - 3) return new ErrorReply("ERR Number of keys can't be greater than number of args")
    if (numkeys < 0) return new ErrorReply("ERR Number of keys can't be negative")
    const flags = lib.functions.get(fname)?.flags ?? []
    const ro = name === 'fcall_ro'
    if (ro && !flags.includes('no-writes')) return new ErrorReply('ERR Can not execute a script with write flag using *_ro command.')
    const keys = argv.slice(3, 3 + numkeys)
    const args = argv.slice(3 + numkeys)
    this.setRunning({ now: this.store.now(), readOnly: ro || flags.includes('no-writes'), db })
    try {
      const chunk = engineChunk(wrap(lib.code, `'${fname}', KEYS, ARGV`), CHUNK)
      const r = await this.host.execute({
        language: 'lua',
        source: chunk.source,
        name: CHUNK,
        globals: { ...chunk.globals, KEYS: keys, ARGV: args },
      })
      return decodeScriptReply(r.value)
    } catch (e) {
      const reply = scriptFailure(e, fname, CHUNK)
      if (reply instanceof ErrorReply) return reply
      throw reply
    } finally {
      this.setRunning(undefined)
    }
  }

  // --- internal ---

  private async load(args: Buffer[]): Promise<Reply> {
    let replace = false
    for (const option of args.slice(0, -1)) {
      if (option.toString('latin1').toLowerCase() !== 'replace')
        return new ErrorReply(`ERR Unknown option given: ${option.toString('utf8')}`)
      replace = true
    }
    const payload = args[args.length - 1] as Buffer
    const md = extractLibraryMetadata(byteString(payload))
    if ('error' in md) return new ErrorReply(`ERR ${displayText(md.error)}`)
    const { name, code: body } = md
    if (!NAME.test(name)) {
      return new ErrorReply(
        'ERR Library names can only contain letters, numbers, or underscores(_) and must be at least one character long',
      )
    }
    if (md.engine.toLowerCase() !== 'lua') return new ErrorReply(`ERR Engine '${displayText(md.engine)}' not found`)
    const old = this.libraries.get(name)
    if (old && !replace) return new ErrorReply(`ERR Library '${name}' already exists`)
    const error = await syntaxErrorOf(this.host, body, CHUNK)
    if (error !== undefined) return compileFailure(error, 'ERR Error compiling function: ')
    let registered: [string, string[], string | false][]
    this.setRunning({ now: this.store.now(), readOnly: true, db: 0 })
    try {
      const chunk = engineChunk(wrap(body, 'nil'), CHUNK)
      const r = await this.host.execute({
        language: 'lua',
        source: chunk.source,
        name: CHUNK,
        globals: chunk.globals,
        limits: { instructions: this.options.loadInstructions },
      })
      registered = (Array.isArray(r.value) ? r.value : []) as [string, string[], string | false][]
    } catch (e) {
      // Redis's load hook stops library code past its budget with this error (here: past its
      // instructions, or the script time limit); the stopped state is gone, so its
      // replacement is built now, not from the next script's budget
      if (e instanceof LimitExceededError && (e.limit === 'instructions' || e.limit === 'timeout')) {
        this.setRunning(undefined)
        await this.options.rebuild()
        return new ErrorReply('ERR Error registering functions: ERR FUNCTION LOAD timeout')
      }
      const reply = scriptFailure(e, '', CHUNK)
      if (reply instanceof ErrorReply)
        return new ErrorReply(`ERR Error registering functions: ${reply.message.replace(/ script: , on .*$/, '')}`)
      throw reply
    } finally {
      this.setRunning(undefined)
    }
    if (registered.length === 0) return new ErrorReply('ERR No functions registered')
    const functions: Library['functions'] = new Map(
      registered.map(([fname, flags, description]) => [
        fname,
        { flags: Array.isArray(flags) ? flags : [], description: typeof description === 'string' ? description : null },
      ]),
    )
    for (const fname of functions.keys()) {
      const owner = this.owners.get(fname.toLowerCase())
      if (owner && owner.lib !== old) return new ErrorReply(`ERR Function ${fname} already exists`)
    }
    if (old) this.drop(old)
    const lib: Library = { name, code: body, payload, functions }
    this.libraries.set(name, lib)
    for (const fname of functions.keys()) this.owners.set(fname.toLowerCase(), { lib, name: fname })
    return Buffer.from(name, 'utf8')
  }

  private drop(lib: Library): void {
    this.libraries.delete(lib.name)
    for (const fname of lib.functions.keys()) {
      if (this.owners.get(fname.toLowerCase())?.lib === lib) this.owners.delete(fname.toLowerCase())
    }
  }
}

// --- internal ---

/**
 * Library code as one engine chunk: its globals are FUNCTION LOAD's while it runs (see the
 * prelude's `__redis_fenv`); the body keeps its line numbers (the shebang line is blank).
 */
function wrap(body: string, call: string): string {
  return `${TAIL_CALL_LOCALS}return __redis_library(__redis_fenv(_G, function(...) ${protectTailCalls(body)}\nend), ${call})`
}
