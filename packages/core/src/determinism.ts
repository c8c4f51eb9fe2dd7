import nodeCrypto from 'node:crypto'
import type { Execution } from './execution.js'

/** A random source for one execution (`math.random`, `Math.random`). */
export interface ExecutionRandom {
  /** A double in [0, 1). */
  next(): number
  /** Switches to the seeded sequence of `n` (`math.randomseed`, or a seeded policy). */
  seed(n: number): void
}

/** What an execution's policy fixes: the frozen clock and the random seed, if any. */
export interface ExecutionDeterminism {
  /** Epoch milliseconds every clock read returns; undefined: the real clock. */
  readonly now: number | undefined
  /** The seed word (see `seedWord`) of the random sequence; undefined: CSPRNG values. */
  readonly seed: number | undefined
}

/**
 * The one seed rule of every engine: the seed truncated toward zero, modulo 2^32 (C's
 * `(unsigned int)(lua_Integer)n`, as Lua 5.3's `math.randomseed` does; NaN and ±Infinity
 * give 0). A JS engine's `seed | 0` names the same 32 bits, so both engines start the same
 * sequence from the same seed.
 */
export function seedWord(n: number): number {
  return n >>> 0
}

/**
 * The seeded sequence of both engines: mulberry32 from `seedWord(seed)`, doubles in [0, 1)
 * with 32 bits each. Repeatable, and only ever as predictable as the seed the script or the
 * policy chose. A guest-side copy (QuickJS) must give exactly these values; the conformance
 * clause `determinism.seeded-sequence` compares every engine with this function.
 */
export function seededRandom(seed: number): () => number {
  let s = seedWord(seed)
  return () => {
    s = (s + 0x6d2b79f5) >>> 0
    let t = s
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/**
 * An execution's random source. Unseeded, it hands out words of the platform CSPRNG
 * (`randomFillSync` of node:crypto, fetched lazily in batches of 128 words): never the host's
 * `Math.random`, whose xorshift128+ state can be solved from a few outputs and then predicts
 * the host's and other tenants' values. Nothing is carried from one execution to the next:
 * each execution makes its own. Seeded, it is `seededRandom`.
 */
export function executionRandom(seed?: number): ExecutionRandom {
  const words = new EntropyWords(SOURCE_WORDS)
  let next = (): number => ((words.next() >>> 5) * TWO_POW_26 + (words.next() >>> 6)) / TWO_POW_53
  const source: ExecutionRandom = {
    next: () => next(),
    seed(n) {
      next = seededRandom(n)
    },
  }
  if (seed !== undefined) source.seed(seed)
  return source
}

/**
 * A uniformly random integer below 2^53 from the platform CSPRNG, to seed a generator that
 * lives elsewhere (a guest's own). Words are drawn 4 KiB at a time: a call into the CSPRNG per
 * execution would cost a noticeable part of a warm start.
 */
export function entropy53(): number {
  const lo = shared.next()
  const hi = shared.next() & 0x1fffff
  return hi * 0x1_0000_0000 + lo
}

/** The frozen clock and seed the execution's policy asks for, by the one seed rule. */
export function determinismOf(execution: Execution): ExecutionDeterminism {
  const d = execution.init.security.policy.determinism
  return {
    // a time value is whole milliseconds (ECMAScript's Date.now(), os.time's source)
    now: d.time === 'frozen' ? (d.now ?? Math.floor(execution.startedAtEpoch)) : undefined,
    seed: d.random === 'seeded' ? seedWord(d.seed) : undefined,
  }
}

// --- internal ---

const SOURCE_WORDS = 128
const SHARED_WORDS = 1024
const TWO_POW_26 = 67108864
const TWO_POW_53 = 9007199254740992

/**
 * CSPRNG words, fetched a batch at a time on first need. From node:crypto's `randomFillSync`
 * (OpenSSL's generator, as WebCrypto's `getRandomValues`): the first `getRandomValues` loads
 * WebCrypto's argument checking (internal/crypto/webidl), ~1 ms of a cold start (the first
 * Lua execution draws its address base here); node:crypto is loaded already for hashing.
 */
class EntropyWords {
  private words: Uint32Array | undefined
  private at: number

  constructor(private readonly size: number) {
    this.at = size
  }

  next(): number {
    if (this.at >= this.size) {
      this.words ??= new Uint32Array(this.size)
      nodeCrypto.randomFillSync(this.words)
      this.at = 0
    }
    return (this.words as Uint32Array)[this.at++] as number
  }
}

const shared = new EntropyWords(SHARED_WORDS)
