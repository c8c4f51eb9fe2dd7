import { createHash } from 'node:crypto'
import { lazySchema } from '@polyhost/security'
import { LRUCache } from 'lru-cache'
import type { z } from 'zod/v3'
import type { CompiledScript } from './contracts.js'
import { InvalidArgumentError, ScriptSyntaxError } from './errors.js'

function buildCacheSchema(z: typeof import('zod/v3')['z']) {
  return z
    .object({
      /** Most compiled scripts kept. Default 1,000. */
      maxEntries: z.number().int().positive().optional(),
      /**
       * Most host memory kept by cached scripts (size-based eviction), as each engine estimates
       * what a compiled script retains (a Lua prototype is 10–50× its source). Default 64 MiB.
       */
      maxBytes: z.number().int().positive().optional(),
      /** Former name of `maxBytes`, still accepted. */
      maxSourceBytes: z.number().int().positive().optional(),
      /** Entries expire this long after they were stored. Default 0 = never. */
      ttlMs: z.number().int().nonnegative().optional(),
    })
    .strict()
}

/** Compile cache options (`createHost({ cache })`); built on first use. */
export const cacheOptionsSchema: () => ReturnType<typeof buildCacheSchema> = lazySchema(buildCacheSchema)
export type CacheOptions = z.input<ReturnType<typeof cacheOptionsSchema>>

export interface CacheStats {
  readonly enabled: boolean
  readonly size: number
  readonly bytes: number
  readonly hits: number
  readonly misses: number
  readonly evictions: number
}

/** The parts of a compile-cache key. */
export interface CacheKeyParts {
  readonly engineId: string
  readonly engineVersion: string
  readonly policyFingerprint: string
  readonly hash: string
  readonly name: string
}

type Entry = { readonly script: CompiledScript } | { readonly error: ScriptSyntaxError }

/** SHA-256 (hex) of a source text. */
export function hashSource(source: string): string {
  // a warm execute of a tiny script costs a few microseconds; SHA-256 alone is ~2 µs, so
  // hashes of recently seen sources are remembered (bounded by total source length)
  if (source.length > HASH_MEMO_MAX_SOURCE) return sha256(source)
  let h = hashMemo.get(source)
  if (h === undefined) {
    h = sha256(source)
    hashMemo.set(source, h)
  }
  return h
}

const HASH_MEMO_MAX_SOURCE = 16 * 1024
const KEY_MEMO_SIZE = 4096
const hashMemo = new LRUCache<string, string>({ max: 4096, maxSize: 8 * 1024 * 1024, sizeCalculation: (_h, k) => Math.max(1, k.length) })

/** What an entry keeps alive: the engine's estimate for a script, the message for an error. */
function entrySize(e: Entry): number {
  if ('error' in e) return Math.max(1, Buffer.byteLength(e.error.message))
  const r = e.script.retainedBytes
  return Math.max(1, typeof r === 'number' && Number.isFinite(r) && r > 0 ? Math.ceil(r) : Buffer.byteLength(e.script.source))
}

function sameParts(a: CacheKeyParts, b: CacheKeyParts): boolean {
  return (
    a.name === b.name && a.engineId === b.engineId && a.policyFingerprint === b.policyFingerprint && a.engineVersion === b.engineVersion
  )
}

function sha256(source: string): string {
  return createHash('sha256').update(source).digest('hex')
}

/**
 * A new error object equal to a cached one (same class, own fields and stack): every caller
 * gets its own, so what one caller changes on it never reaches the next.
 */
function copyOf(e: ScriptSyntaxError): ScriptSyntaxError {
  return Object.defineProperties(Object.create(Object.getPrototypeOf(e)) as ScriptSyntaxError, Object.getOwnPropertyDescriptors(e))
}

/**
 * Compiled scripts on lru-cache, keyed by engine + version + policy fingerprint + source
 * hash + name. Syntax errors are cached too, so a broken script is not re-parsed on every
 * call; each caller receives its own copy of the error. Concurrent compiles of one key share a single compile.
 */
export class CompileCache {
  private readonly lru: LRUCache<string, Entry> | undefined
  private readonly pending = new Map<string, Promise<Entry>>()
  /** The last key made per source hash (see keyOf). */
  private readonly keys = new Map<string, { readonly parts: CacheKeyParts; readonly key: string }>()
  private hits = 0
  private misses = 0
  private evictions = 0

  constructor(options?: CacheOptions | false) {
    if (options === false) return
    // no options: what the schema makes of `{}`, without loading it
    const r = options === undefined ? { success: true as const, data: {} as CacheOptions } : cacheOptionsSchema().safeParse(options)
    if (!r.success) {
      const issue = r.error.issues[0]
      const field = issue?.path.length ? `cache.${issue.path.join('.')}` : 'cache'
      const msg = issue?.code === 'unrecognized_keys' ? `unknown field ${issue.keys.map((k) => `'${k}'`).join(', ')}` : issue?.message
      throw new InvalidArgumentError(`${field}: ${msg ?? 'invalid'}`)
    }
    const o = r.data
    this.lru = new LRUCache<string, Entry>({
      max: o.maxEntries ?? 1_000,
      maxSize: o.maxBytes ?? o.maxSourceBytes ?? 64 * 1024 * 1024,
      sizeCalculation: entrySize,
      ttl: o.ttlMs || undefined,
      dispose: (_v, _k, reason) => {
        if (reason === 'evict' || reason === 'expire') this.evictions++
      },
    })
  }

  /** One string per distinct parts: every part but the last is length-prefixed, so none can bleed into the next. */
  static key(p: CacheKeyParts): string {
    const { engineId: e, engineVersion: v, policyFingerprint: f, hash: h } = p
    return `${e.length}:${e}${v.length}:${v}${f.length}:${f}${h.length}:${h}${p.name}`
  }

  /**
   * `CompileCache.key(parts)`, reusing the string made for the same parts last time: a
   * lookup then hashes a string V8 has already hashed instead of a fresh ~130-character
   * one (a third of a microsecond per execution).
   */
  keyOf(parts: CacheKeyParts): string {
    const last = this.keys.get(parts.hash)
    if (last && sameParts(last.parts, parts)) return last.key
    const key = CompileCache.key(parts)
    if (this.keys.size >= KEY_MEMO_SIZE) this.keys.clear()
    this.keys.set(parts.hash, { parts: { ...parts }, key })
    return key
  }

  /**
   * The cached script (a hit) without waiting, or undefined on a miss; a cached syntax error
   * is rethrown. Saves the warm path a turn of the microtask queue.
   */
  lookup(key: string): { script: CompiledScript; hit: true } | undefined {
    const cached = this.lru?.get(key)
    if (!cached) return undefined
    this.hits++
    if ('error' in cached) throw copyOf(cached.error)
    return { script: cached.script, hit: true }
  }

  /** Returns the cached script (or rethrows the cached syntax error), compiling on a miss. */
  async getOrCompile(key: string, compile: () => Promise<CompiledScript>): Promise<{ script: CompiledScript; hit: boolean }> {
    const cached = this.lru?.get(key)
    if (cached) {
      this.hits++
      if ('error' in cached) throw copyOf(cached.error)
      return { script: cached.script, hit: true }
    }
    this.misses++
    let p = this.pending.get(key)
    if (!p) {
      // a compile that throws synchronously must still reach every caller as a rejection
      p = Promise.resolve()
        .then(compile)
        .then(
          (script): Entry => ({ script }),
          (e: unknown): Entry => {
            if (e instanceof ScriptSyntaxError) return { error: e }
            throw e
          },
        )
        .then((entry) => {
          this.lru?.set(key, entry)
          return entry
        })
        .finally(() => this.pending.delete(key))
      this.pending.set(key, p)
    }
    const entry = await p
    if ('error' in entry) throw copyOf(entry.error)
    return { script: entry.script, hit: false }
  }

  clear(): void {
    this.lru?.clear()
  }

  stats(): CacheStats {
    return {
      enabled: this.lru !== undefined,
      size: this.lru?.size ?? 0,
      bytes: this.lru?.calculatedSize ?? 0,
      hits: this.hits,
      misses: this.misses,
      evictions: this.evictions,
    }
  }
}
