import { InvalidArgumentError, LimitExceededError, quoteText } from '@polyhost/core'
import { hashSource } from '@polyhost/core/engine'
import type { Redis } from 'ioredis'
import { ScriptNotFoundError } from './errors.js'
import { DEFAULT_CONNECT_TIMEOUT_MS, openFor, typedFailure, whenReady } from './redis-ready.js'
import type { QueueKeys } from './keys.js'
import { parseOrThrow, SCRIPT_ID, scriptAuthor, scriptName } from './request-schema.js'
import { z } from 'zod'

/** One immutable version of a stored script. */
export interface ScriptVersion {
  readonly id: string
  readonly version: number
  /** SHA-256 (hex) of `source`. */
  readonly hash: string
  readonly language: string
  readonly source: string
  readonly name: string
  readonly author?: string
  /** Epoch milliseconds. */
  readonly createdAt: number
}

/** What `put` takes. */
export interface ScriptInput {
  readonly language: string
  readonly source: string
  /** Script name for errors (default `<id>.<language>`). */
  readonly name?: string
  /** Who made this version; at most MAX_NAME_LENGTH (4096) characters, as a name. */
  readonly author?: string
}

/**
 * The languages `put` and inline `enqueue` take unless `createScriptQueue({ languages })` says
 * otherwise: those of the bundled engines (`luaEngine`: lua; `jsEngine`: js, javascript).
 */
export const DEFAULT_SCRIPT_LANGUAGES: readonly string[] = ['lua', 'js', 'javascript']

/**
 * The largest source `put` and an inline `enqueue` take unless `createScriptQueue({
 * maxSourceBytes })` says otherwise: 1 MiB of UTF-8, the `sourceBytes` of the `standard` preset
 * (hosts' default). A larger source would be stored and every job of it fail on a worker with
 * LimitExceededError('source'), after crossing Redis with each job.
 */
export const DEFAULT_MAX_SOURCE_BYTES = 1024 * 1024

/**
 * Versioned scripts in Redis, beside the queue. Every `put` of new content adds a version;
 * versions never change, so a job pinned to one runs the same code on every attempt.
 */
export class ScriptRegistry {
  constructor(
    private readonly redis: Redis,
    private readonly keys: QueueKeys,
    /** The languages `put` takes (the workers' engines'); omitted, any (a worker only reads). */
    private readonly languages?: readonly string[],
    /** The largest source `put` takes, in UTF-8 bytes; omitted, any (a worker only reads). */
    private readonly maxSourceBytes?: number,
    /**
     * A queue's: how long a call waits for a connection (`whenReady`, then QueueUnavailableError,
     * as `enqueue`). Omitted (a worker's): through ioredis' offline queue (`openFor`).
     */
    private readonly connectTimeoutMs?: number,
  ) {}

  private async connected(what: string): Promise<void> {
    if (this.connectTimeoutMs === undefined) await openFor(this.redis, DEFAULT_CONNECT_TIMEOUT_MS, what)
    else await whenReady(this.redis, this.connectTimeoutMs, what)
  }

  /** LimitExceededError('source'), as a host gives it, for a source over `maxSourceBytes`. */
  checkSource(source: string): void {
    const max = this.maxSourceBytes
    // each UTF-16 unit is at least one UTF-8 byte: a long text is not encoded to be counted
    if (max === undefined || source.length * 3 <= max) return
    const bytes = source.length > max ? source.length : Buffer.byteLength(source)
    if (bytes > max) throw new LimitExceededError('source', bytes, max)
  }

  /**
   * Stores a new version of `id` (or returns the latest unchanged when language, name and
   * source are identical to it).
   *
   * @example
   * const { version } = await queue.scripts.put('discount', { language: 'lua', source, author: 'ana' })
   */
  async put(id: string, input: ScriptInput): Promise<ScriptVersion> {
    await this.connected('scripts.put')
    checkId(id, 'scripts.put')
    const s = parseOrThrow(inputSchema, input, 'scripts.put')
    checkLanguage(s.language, this.languages, 'scripts.put: language')
    this.checkSource(s.source)
    const name = s.name ?? `${id}.${s.language}`
    const record = { hash: hashSource(s.source), language: s.language, source: s.source, name, author: s.author, createdAt: Date.now() }
    const [version, stored] = (await typedFailure('scripts.put', () =>
      this.redis.eval(
        PUT_SCRIPT,
        3,
        this.keys.scriptIndex,
        this.keys.script(id),
        this.keys.scriptSeq,
        id,
        JSON.stringify(record),
        record.hash,
        record.language,
        name,
      ),
    )) as [number, string]
    return toVersion(id, version, stored)
  }

  /** A version of `id` (the latest without `version`); ScriptNotFoundError when absent. */
  async get(id: string, version?: number): Promise<ScriptVersion> {
    await this.connected('scripts.get')
    checkId(id, 'scripts.get')
    if (version !== undefined && !(Number.isSafeInteger(version) && version > 0)) {
      throw new InvalidArgumentError(`scripts.get: version must be a positive integer, received ${describeVersion(version)}`)
    }
    const v = version ?? Number(await typedFailure('scripts.get', () => this.redis.hget(this.keys.scriptIndex, id)))
    const stored = v ? await typedFailure('scripts.get', () => this.redis.hget(this.keys.script(id), String(v))) : null
    if (!stored) throw new ScriptNotFoundError(id, version)
    return toVersion(id, v, stored)
  }

  /** Every script id with its latest version number. */
  async list(): Promise<{ id: string; latest: number }[]> {
    await this.connected('scripts.list')
    const all = await typedFailure('scripts.list', () => this.redis.hgetall(this.keys.scriptIndex))
    return Object.entries(all)
      .map(([id, v]) => ({ id, latest: Number(v) }))
      .sort((a, b) => a.id.localeCompare(b.id))
  }

  /** All versions of `id`, oldest first, without their sources. */
  async history(id: string): Promise<Omit<ScriptVersion, 'source'>[]> {
    await this.connected('scripts.history')
    checkId(id, 'scripts.history')
    const all = await typedFailure('scripts.history', () => this.redis.hgetall(this.keys.script(id)))
    if (Object.keys(all).length === 0) throw new ScriptNotFoundError(id)
    return Object.entries(all)
      .map(([v, stored]) => {
        const { source: _, ...meta } = toVersion(id, Number(v), stored)
        return meta
      })
      .sort((a, b) => a.version - b.version)
  }

  /** Removes `id` and all its versions; jobs still pinned to one then fail with ScriptNotFoundError. */
  async remove(id: string): Promise<boolean> {
    await this.connected('scripts.remove')
    checkId(id, 'scripts.remove')
    const [[, n]] = (await typedFailure('scripts.remove', () =>
      this.redis.multi().hdel(this.keys.scriptIndex, id).del(this.keys.script(id)).exec(),
    )) as [[unknown, number]]
    return n > 0
  }
}

/**
 * A language none of the workers' engines runs (`'cobol'`, `'LUA'`) would be stored and every
 * job of it fail on a worker with EngineNotFoundError; refused here as core's
 * `modules.register` refuses it: against the known list, names compared exactly.
 */
export function checkLanguage(language: string, known: readonly string[] | undefined, field: string): void {
  if (known && !known.includes(language))
    throw new InvalidArgumentError(`${field}: unknown language ${quoteText(language)} (known: ${known.join(', ')})`)
}

/** `createScriptQueue`'s `languages`: a non-empty array of non-empty strings, copied. */
export function checkLanguages(languages: unknown): readonly string[] {
  if (languages === undefined) return DEFAULT_SCRIPT_LANGUAGES
  if (!Array.isArray(languages) || languages.length === 0 || !languages.every((l) => typeof l === 'string' && l !== ''))
    throw new InvalidArgumentError('createScriptQueue: languages must be a non-empty array of language names')
  return Object.freeze([...languages])
}

/** `createScriptQueue`'s `maxSourceBytes`: a positive integer, by default DEFAULT_MAX_SOURCE_BYTES. */
export function checkMaxSourceBytes(v: unknown): number {
  if (v === undefined) return DEFAULT_MAX_SOURCE_BYTES
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 1)
    throw new InvalidArgumentError(`createScriptQueue: maxSourceBytes must be a positive integer, received ${String(v)}`)
  return v
}

// --- internal ---

const inputSchema = z
  .object({ language: z.string().min(1), source: z.string(), name: scriptName.optional(), author: scriptAuthor.optional() })
  .strict()

function checkId(id: unknown, what: string): void {
  if (typeof id !== 'string' || !SCRIPT_ID.test(id))
    throw new InvalidArgumentError(
      `${what}: a script id must match ${SCRIPT_ID}, received ${typeof id === 'string' ? quoteText(id) : id === null ? 'null' : typeof id}`,
    )
}

function describeVersion(v: unknown): string {
  return typeof v === 'number' ? String(v) : `${typeof v} ${JSON.stringify(v) ?? String(v)}`
}

function toVersion(id: string, version: number, stored: string): ScriptVersion {
  return { id, version: Number(version), ...(JSON.parse(stored) as Omit<ScriptVersion, 'id' | 'version'>) }
}

// Atomic: a new version number and its record appear together, and identical content
// does not pile up versions. Version numbers come from a counter that `remove` keeps, so a
// number is never reused for other content. The record is stored as sent (cjson would reformat numbers).
const PUT_SCRIPT = `
local cur = redis.call('HGET', KEYS[1], ARGV[1])
if cur then
  local prev = redis.call('HGET', KEYS[2], cur)
  if prev then
    local p = cjson.decode(prev)
    if p.hash == ARGV[3] and p.language == ARGV[4] and p.name == ARGV[5] then return { tonumber(cur), prev } end
  end
end
local v = redis.call('HINCRBY', KEYS[3], ARGV[1], 1)
redis.call('HSET', KEYS[1], ARGV[1], v)
redis.call('HSET', KEYS[2], v, ARGV[2])
return { v, ARGV[2] }
`
