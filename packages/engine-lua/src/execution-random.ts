/** A random source for one execution's `math.random`. */
export interface ExecutionRandom {
  /** A double in [0, 1). */
  next(): number
  /** Switches to a deterministic sequence (`math.randomseed`, or a seeded policy). */
  seed(n: number): void
}

const WORDS = 128
const TWO_POW_26 = 67108864
const TWO_POW_53 = 9007199254740992

/**
 * The generator behind one execution's `math.random`. Unseeded, it hands out words of the
 * platform CSPRNG (`crypto.getRandomValues`, fetched lazily in small batches): never the
 * host's `Math.random`, whose xorshift128+ state can be solved from a few outputs and then
 * predicts the host's and other tenants' values. Nothing is carried from one execution to
 * the next: each execution makes its own.
 * Seeded (policy `random: 'seeded'` or `math.randomseed`), it is mulberry32: repeatable, and
 * only ever as predictable as the seed the script or policy chose.
 */
export function executionRandom(seed?: number): ExecutionRandom {
  let words: Uint32Array | undefined
  let at = WORDS
  const word = (): number => {
    if (at >= WORDS) {
      words ??= new Uint32Array(WORDS)
      crypto.getRandomValues(words)
      at = 0
    }
    return words?.[at++] as number
  }
  let next = (): number => ((word() >>> 5) * TWO_POW_26 + (word() >>> 6)) / TWO_POW_53
  const source: ExecutionRandom = {
    next: () => next(),
    seed(n) {
      next = mulberry32(n)
    },
  }
  if (seed !== undefined) source.seed(seed)
  return source
}

/**
 * Where one execution starts numbering its objects (the ids `tostring(t)` shows as
 * addresses): a random point in [2^40, 2^40 + 2^39), far above the ids of the objects
 * made at setup, so addresses count only the execution's own allocations, from an
 * origin nobody else knows.
 */
export function addressBase(): number {
  const [hi, lo] = crypto.getRandomValues(new Uint32Array(2)) as unknown as [number, number]
  return 2 ** 40 + (hi & 0x7f) * 2 ** 32 + lo
}

// --- internal ---

function mulberry32(n: number): () => number {
  let s = Math.floor(n) >>> 0 || 1
  return () => {
    s = (s + 0x6d2b79f5) >>> 0
    let t = s
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}
