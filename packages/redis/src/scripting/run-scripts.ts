import { LRUCache } from 'lru-cache'
import { parseInteger } from '../store/args.js'
import type { RedisStore } from '../store/memory-store.js'
import { type CommandError, ErrorReply, OK, type Reply } from '../store/replies.js'
import { decodeScriptReply } from './lua-values.js'
import type { Script } from '@polyhost/core'
import type { ScriptHost } from './script-host.js'
import type { RunningScript } from './script-bridge.js'
import { type CachedScript, prepareScript, sha1hex } from './script-cache.js'
import { CHUNK, compileFailure, scriptFailure } from './script-errors.js'
import { engineChunk, syntaxErrorOf } from './chunk-bytes.js'
import { containerCallError } from './script-commands.js'

/** A compiled script and the globals its runs need (a source that is not UTF-8: its bytes). */
interface Compiled {
  readonly script: Script
  readonly globals: Readonly<Record<string, unknown>>
  /** The compiled chunk's length in chars, what the cache sizes it by. */
  readonly sourceLength: number
}

const NOSCRIPT = 'NOSCRIPT No matching script. Please use EVAL.'

/** Compiled scripts kept (the texts of all loaded scripts are kept regardless). */
const COMPILED_SCRIPTS = 500
/** Host heap the compiled scripts kept may hold, as core's compile cache bounds its scripts. */
const COMPILED_SCRIPT_BYTES = 64 * 1024 * 1024
/**
 * Host heap a compiled script holds per byte of its source, rounded up: 58 measured (Node 20,
 * +11.5 MB per 200 KB script of table constructors, the densest code per byte seen).
 */
const COMPILED_BYTES_PER_SOURCE_BYTE = 64

/**
 * EVAL, EVALSHA, their `_RO` forms and SCRIPT LOAD/EXISTS/FLUSH over one script cache (EVAL
 * caches too, so EVALSHA finds a script EVAL ran). Callers serialise calls.
 */
export class RunScripts {
  /** Every loaded script's text, until SCRIPT FLUSH, as Redis 7.0 keeps them (EVALSHA finds them). */
  private readonly cache = new Map<string, CachedScript>()
  /**
   * The wrapped bodies of the scripts used last, compiled (a run neither re-hashes nor
   * re-parses them). Bounded by count and by the heap they hold (a compiled script holds up
   * to ~58 bytes of host heap per source byte, and every distinct EVAL source stays in
   * `cache`); a script evicted here, or too big to keep, is compiled again from its text
   * when it runs next.
   */
  private readonly compiled = new LRUCache<string, Compiled>({
    max: COMPILED_SCRIPTS,
    maxSize: COMPILED_SCRIPT_BYTES,
    sizeCalculation: (c) => Math.max(1, c.sourceLength * COMPILED_BYTES_PER_SOURCE_BYTE),
  })

  constructor(
    private readonly host: ScriptHost,
    private readonly store: RedisStore,
    private readonly setRunning: (r: Omit<RunningScript, 'log'> | undefined) => void,
    private readonly onFlush?: () => void,
  ) {}

  /** `EVAL[_RO] script numkeys key... arg...` and `EVALSHA[_RO] sha numkeys ...`. */
  async eval(name: string, argv: Buffer[], db = 0): Promise<Reply> {
    if (argv.length < 3) return new ErrorReply(`ERR wrong number of arguments for '${name}' command`)
    // Redis's evalShaCommand answers a SHA of another length at once, before numkeys is read
    const sha = name.startsWith('evalsha')
    if (sha && (argv[1] as Buffer).length !== 40) return new ErrorReply(NOSCRIPT)
    let numkeys: number
    try {
      numkeys = parseInteger(argv[2] as Buffer)
    } catch (e) {
      return new ErrorReply((e as CommandError).message)
    }
    if (numkeys > argv.length - 3) return new ErrorReply("ERR Number of keys can't be greater than number of args")
    if (numkeys < 0) return new ErrorReply("ERR Number of keys can't be negative")
    let script: CachedScript | ErrorReply
    if (sha) {
      const found = this.cache.get((argv[1] as Buffer).toString('latin1').toLowerCase())
      if (!found) return new ErrorReply(NOSCRIPT)
      script = found
    } else {
      script = await this.load(argv[1] as Buffer)
      if (script instanceof ErrorReply) return script
    }
    const ro = name.endsWith('_ro')
    // a shebang script declares its flags: without no-writes it may write, which *_RO refuses
    // before running it (Redis's scriptPrepareForRun); a script without shebang is only
    // stopped at its first write
    if (ro && script.shebang && !script.flags.has('no-writes'))
      return new ErrorReply('ERR Can not execute a script with write flag using *_ro command.')
    const readOnly = ro || script.flags.has('no-writes')
    const keys = argv.slice(3, 3 + numkeys)
    const args = argv.slice(3 + numkeys)
    return this.run(script, keys, args, readOnly, db)
  }

  /** `SCRIPT LOAD|EXISTS|FLUSH|KILL|DEBUG|HELP`. */
  async script(argv: Buffer[]): Promise<Reply> {
    const invalid = containerCallError('script', argv)
    if (invalid) return new ErrorReply(invalid)
    const sub = (argv[1] as Buffer).toString('latin1').toLowerCase()
    if (sub === 'load' && argv.length === 3) {
      const s = await this.load(argv[2] as Buffer)
      return s instanceof ErrorReply ? s : Buffer.from(s.sha, 'latin1')
    }
    if (sub === 'exists' && argv.length >= 3) {
      return argv.slice(2).map((sha) => (this.cache.has(sha.toString('latin1').toLowerCase()) ? 1 : 0))
    }
    // scripts run one at a time and commands wait for them: none is running now
    if (sub === 'kill' && argv.length === 2) return new ErrorReply('NOTBUSY No scripts in execution right now.')
    if (sub === 'debug' && argv.length === 3) {
      const mode = (argv[2] as Buffer).toString('latin1').toLowerCase()
      if (mode === 'no') return OK
      // the Lua debugger (LDB) is not provided
      if (mode === 'yes' || mode === 'sync') return new ErrorReply('ERR SCRIPT DEBUG YES/SYNC is not supported')
      return new ErrorReply('ERR Use SCRIPT DEBUG YES/SYNC/NO')
    }
    if (sub === 'flush') {
      const mode = argv[2]?.toString('latin1').toUpperCase()
      if (argv.length > 3 || (mode !== undefined && mode !== 'SYNC' && mode !== 'ASYNC'))
        return new ErrorReply('ERR SCRIPT FLUSH only support SYNC|ASYNC option')
      this.cache.clear()
      this.compiled.clear()
      // Redis 7.0 makes a new Lua state for EVAL: the global cjson's settings start over
      this.onFlush?.()
      return OK
    }
    return new ErrorReply(`ERR unknown subcommand '${(argv[1] as Buffer).toString('latin1')}'. Try SCRIPT HELP.`)
  }

  // --- internal ---

  /** Parses the shebang and compiles the body (syntax errors as Redis words them), then caches. */
  private async load(source: Buffer): Promise<CachedScript | ErrorReply> {
    const known = this.cache.get(sha1hex(source))
    if (known) return known
    const prepared = prepareScript(source)
    if (prepared instanceof ErrorReply) return prepared
    const error = await syntaxErrorOf(this.host, prepared.body, CHUNK)
    if (error !== undefined) return compileFailure(error)
    await this.compiledOf(prepared)
    this.cache.set(prepared.sha, prepared)
    return prepared
  }

  private async compiledOf(script: CachedScript): Promise<Compiled> {
    let compiled = this.compiled.get(script.sha)
    if (!compiled) {
      const chunk = engineChunk(script.wrapped, CHUNK)
      const compiledScript = await this.host.compile({ language: 'lua', source: chunk.source, name: CHUNK })
      compiled = { script: compiledScript, globals: chunk.globals, sourceLength: chunk.source.length }
      this.compiled.set(script.sha, compiled)
    }
    return compiled
  }

  private async run(script: CachedScript, keys: Buffer[], args: Buffer[], readOnly: boolean, db: number): Promise<Reply> {
    this.setRunning({ now: this.store.now(), readOnly, db })
    try {
      const compiled = await this.compiledOf(script)
      const r = await this.host.run(compiled.script, { globals: { ...compiled.globals, KEYS: keys, ARGV: args } })
      return decodeScriptReply(r.value)
    } catch (e) {
      const reply = scriptFailure(e, script.sha)
      if (reply instanceof ErrorReply) return reply
      throw reply
    } finally {
      this.setRunning(undefined)
    }
  }
}
