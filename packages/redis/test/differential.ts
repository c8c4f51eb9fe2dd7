import type { Redis } from 'ioredis'
import { type RedisArg, type RedisScripting, textOrBytes } from '../src/index.js'

/** An argument in a corpus file: text, `{ hex }` for bytes, or a JS value handed as is to both sides (ioredis converts it). */
export type CorpusArg = string | { readonly hex: string } | { readonly raw: unknown }

/** One corpus case: commands run in order on a fresh keyspace on both sides. */
export interface CorpusCase {
  readonly name: string
  readonly run: readonly (readonly CorpusArg[])[]
  /** Array replies whose order Redis does not define (set members, KEYS): compared sorted. */
  readonly unordered?: boolean
  /** String replies are JSON whose object key order follows table iteration: compared parsed. */
  readonly json?: boolean
  /**
   * Per step (same index as `run`), what of a reply is compared where Redis picks at
   * random (SPOP, SRANDMEMBER ...): each side's reply goes through it first.
   */
  readonly summaries?: readonly (((reply: Normal) => Normal) | undefined)[]
}

/** A reply in a form both sides can be compared in. */
export type Normal = string | number | null | { hex: string } | { error: string } | Normal[]

/** Runs `argv` on redis-server via ioredis `callBuffer` (bytes exactly as sent). */
export async function onReal(client: Redis, argv: readonly CorpusArg[]): Promise<Normal> {
  const [name, ...rest] = argv.map(toArg)
  try {
    // ioredis converts the values its types do not list ({ raw } corpus arguments) itself
    return normalise(await client.callBuffer(String(name), ...(rest as (string | Buffer)[])))
  } catch (e) {
    return { error: (e as Error).message }
  }
}

/** Runs `argv` through `command()`. */
export async function onPolyhost(redis: RedisScripting, argv: readonly CorpusArg[]): Promise<Normal> {
  try {
    return normalise(await redis.command(argv.map(toArg)))
  } catch (e) {
    return { error: (e as Error).message }
  }
}

/** Bytes → text when UTF-8, else hex; errors → `{ error }`; arrays recursively. */
export function normalise(v: unknown): Normal {
  if (v === null || v === undefined) return null
  // integers beyond 2^53 too: both sides must give what ioredis's parser gives
  if (typeof v === 'number') return v
  if (typeof v === 'string') return v
  if (v instanceof Uint8Array) {
    const t = textOrBytes(Buffer.from(v))
    return typeof t === 'string' ? t : { hex: t.toString('hex') }
  }
  if (v instanceof Error) return { error: v.message }
  if (Array.isArray(v)) return v.map(normalise)
  return { error: `unexpected reply ${String(v)}` }
}

/** A JSON text reply with its object keys sorted (equal-as-JSON comparison). */
export function jsonSorted(v: Normal): Normal {
  if (typeof v !== 'string') return v
  try {
    return `json:${JSON.stringify(sortKeys(JSON.parse(v)))}`
  } catch {
    return v
  }
}

/** Sorts an array reply (top level) for unordered comparisons. */
export function sorted(v: Normal): Normal {
  return Array.isArray(v) ? [...v].sort((a, b) => (JSON.stringify(a) < JSON.stringify(b) ? -1 : 1)) : v
}

// --- internal ---

function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys)
  if (v && typeof v === 'object') {
    return Object.fromEntries(
      Object.keys(v)
        .sort()
        .map((k) => [k, sortKeys((v as Record<string, unknown>)[k])]),
    )
  }
  return v
}

function toArg(a: CorpusArg): RedisArg {
  if (typeof a === 'string') return a
  return 'hex' in a ? Buffer.from(a.hex, 'hex') : (a.raw as RedisArg)
}
