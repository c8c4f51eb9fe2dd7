import { parseInteger } from '../store/args.js'
import type { RedisStore } from '../store/memory-store.js'
import { ErrorReply, OK, type Reply, subcommandError } from '../store/replies.js'
import { decodeScriptReply } from './lua-values.js'
import type { ScriptHost } from './script-host.js'
import type { RunningScript } from './script-bridge.js'
import { compileFailure, scriptFailure } from './script-errors.js'
import { protectTailCalls } from './tail-calls.js'

/** The chunk name Redis gives function libraries. */
const CHUNK = 'user_function'
const NAME = /^[A-Za-z0-9_]+$/
/** FUNCTION's subcommands with their arities in Redis 7.0 (the supported ones and the rest). */
const FUNCTION_ARITY = new Map([
  ['delete', 3],
  ['dump', 2],
  ['flush', -2],
  ['help', 2],
  ['kill', 2],
  ['list', -2],
  ['load', -3],
  ['restore', -3],
  ['stats', 2],
])

interface Library {
  readonly name: string
  readonly code: string
  /** Function name → flags. */
  readonly functions: ReadonlyMap<string, readonly string[]>
}

/**
 * FUNCTION LOAD/DELETE/FLUSH/LIST and FCALL/FCALL_RO. Library closures cannot outlive an
 * engine run, so FCALL runs the library code again (registration only: Redis forbids
 * `redis.call` while loading) and then calls the function. Callers serialise calls.
 */
export class RunFunctions {
  private readonly libraries = new Map<string, Library>()
  private readonly owners = new Map<string, Library>()

  constructor(
    private readonly host: ScriptHost,
    private readonly store: RedisStore,
    private readonly setRunning: (r: Omit<RunningScript, 'log'> | undefined) => void,
  ) {}

  /** `FUNCTION <sub> ...`. */
  async function(argv: Buffer[]): Promise<Reply> {
    const invalid = subcommandError('function', argv, FUNCTION_ARITY)
    if (invalid) return invalid
    const sub = argv[1]?.toString('latin1').toLowerCase()
    if (sub === 'load') return this.load(argv.slice(2))
    if (sub === 'delete' && argv.length === 3) {
      const lib = this.libraries.get((argv[2] as Buffer).toString('utf8'))
      if (!lib) return new ErrorReply('ERR Library not found')
      this.drop(lib)
      return OK
    }
    if (sub === 'flush' && argv.length <= 3) {
      this.libraries.clear()
      this.owners.clear()
      return OK
    }
    if (sub === 'list') return this.list(argv.slice(2))
    if (sub === undefined) return new ErrorReply("ERR wrong number of arguments for 'function' command")
    return new ErrorReply(
      `ERR unknown subcommand or wrong number of arguments for '${(argv[1] as Buffer).toString('latin1')}'. Try FUNCTION HELP.`,
    )
  }

  /** `FCALL[_RO] function numkeys key... arg...`. */
  async fcall(name: string, argv: Buffer[]): Promise<Reply> {
    if (argv.length < 3) return new ErrorReply(`ERR wrong number of arguments for '${name}' command`)
    const fname = (argv[1] as Buffer).toString('utf8')
    const lib = this.owners.get(fname)
    if (!lib) return new ErrorReply('ERR Function not found')
    let numkeys: number
    try {
      numkeys = parseInteger(argv[2] as Buffer)
    } catch {
      return new ErrorReply('ERR Bad number of keys provided')
    }
    if (numkeys > argv.length - 3) return new ErrorReply("ERR Number of keys can't be greater than number of args")
    if (numkeys < 0) return new ErrorReply("ERR Number of keys can't be negative")
    const flags = lib.functions.get(fname) ?? []
    const ro = name === 'fcall_ro'
    if (ro && !flags.includes('no-writes')) return new ErrorReply('ERR Can not execute a script with write flag using *_ro command.')
    const keys = argv.slice(3, 3 + numkeys)
    const args = argv.slice(3 + numkeys)
    this.setRunning({ now: this.store.now(), readOnly: ro || flags.includes('no-writes') })
    try {
      const r = await this.host.execute({
        language: 'lua',
        source: wrap(lib.code, `'${fname}', KEYS, ARGV`),
        name: CHUNK,
        globals: { KEYS: keys, ARGV: args },
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
    if (args.length === 2 && args[0]?.toString('latin1').toUpperCase() === 'REPLACE') {
      replace = true
      args = args.slice(1)
    }
    if (args.length !== 1) return new ErrorReply("ERR wrong number of arguments for 'function|load' command")
    const code = (args[0] as Buffer).toString('utf8')
    const m = /^#!lua name=(\S*)[^\n]*\n/.exec(code)
    if (!code.startsWith('#!')) return new ErrorReply('ERR Missing library metadata')
    if (!m) return new ErrorReply('ERR Missing library metadata')
    const name = m[1] as string
    if (!NAME.test(name)) {
      return new ErrorReply(
        'ERR Library names can only contain letters, numbers, or underscores(_) and must be at least one character long',
      )
    }
    const old = this.libraries.get(name)
    if (old && !replace) return new ErrorReply(`ERR Library '${name}' already exists`)
    const body = code.slice(m[0].length - 1)
    try {
      await this.host.compile({ language: 'lua', source: body, name: CHUNK })
    } catch (e) {
      const reply = compileFailure(e, 'ERR Error compiling function: ')
      if (reply instanceof ErrorReply) return reply
      throw e
    }
    let registered: [string, string[]][]
    this.setRunning({ now: this.store.now(), readOnly: true })
    try {
      const r = await this.host.execute({ language: 'lua', source: wrap(body, 'nil'), name: CHUNK })
      registered = (Array.isArray(r.value) ? r.value : []) as [string, string[]][]
    } catch (e) {
      const reply = scriptFailure(e, '', CHUNK)
      if (reply instanceof ErrorReply)
        return new ErrorReply(`ERR Error registering functions: ${reply.message.replace(/ script: , on @.*$/, '')}`)
      throw reply
    } finally {
      this.setRunning(undefined)
    }
    if (registered.length === 0) return new ErrorReply('ERR No functions registered')
    const functions = new Map<string, string[]>()
    for (const [fname, flags] of registered) {
      if (!NAME.test(fname)) {
        return new ErrorReply(
          'ERR Function names can only contain letters, numbers, or underscores(_) and must be at least one character long',
        )
      }
      const owner = this.owners.get(fname)
      if ((owner && owner !== old) || functions.has(fname)) return new ErrorReply(`ERR Function ${fname} already exists`)
      functions.set(fname, Array.isArray(flags) ? flags : [])
    }
    if (old) this.drop(old)
    const lib: Library = { name, code: body, functions }
    this.libraries.set(name, lib)
    for (const fname of functions.keys()) this.owners.set(fname, lib)
    return Buffer.from(name, 'utf8')
  }

  private list(args: Buffer[]): Reply {
    const withCode = args.some((a) => a.toString('latin1').toUpperCase() === 'WITHCODE')
    const out: Reply[] = []
    for (const lib of this.libraries.values()) {
      const fns: Reply[] = [...lib.functions].map(([fname, flags]) => [
        Buffer.from('name'),
        Buffer.from(fname),
        Buffer.from('description'),
        null,
        Buffer.from('flags'),
        flags.map((f) => Buffer.from(f)),
      ])
      const entry: Reply[] = [
        Buffer.from('library_name'),
        Buffer.from(lib.name),
        Buffer.from('engine'),
        Buffer.from('LUA'),
        Buffer.from('functions'),
        fns,
      ]
      if (withCode) entry.push(Buffer.from('library_code'), Buffer.from(`#!lua name=${lib.name}${lib.code}`))
      out.push(entry)
    }
    return out
  }

  private drop(lib: Library): void {
    this.libraries.delete(lib.name)
    for (const fname of lib.functions.keys()) this.owners.delete(fname)
  }
}

// --- internal ---

/** Library code as one engine chunk; the body keeps its line numbers (the shebang line is blank). */
function wrap(body: string, call: string): string {
  return `return __redis_library(function(...) ${protectTailCalls(body)}\nend, ${call})`
}
