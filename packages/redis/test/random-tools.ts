/**
 * What the seeded command generators share (`random-commands.ts` and the families it draws
 * from: `random-geo.ts`, `random-streams.ts`, `random-floats.ts`,
 * `random-keyspace.ts`): the step type, how a random
 * reply is compared, and the seeded pickers of one generator.
 */

export type Argv = string[]

/** A generated step: the command, and whether its reply is random (compare a summary). */
export interface Step {
  readonly argv: Argv
  readonly random?: Summary
}

/**
 * How a reply whose content Redis draws at random or orders by its hash table is compared:
 * `sorted` its elements sorted (set members), `pairs` its field/value pairs sorted (a hash),
 * `size` its length alone (random picks), `time` a TTL within a few seconds, `idle` every
 * integer within a few seconds of the other side's (stream idle and delivery times, which
 * the two sides take at different moments), `dump` a DUMP payload byte for byte unless it
 * is a hash table's set or hash (whose order is the table's) or a stream (whose groups hold
 * delivery times): then its size, `scan` a SCAN reply with its keys sorted.
 */
export type Summary = 'sorted' | 'pairs' | 'size' | 'time' | 'idle' | 'dump' | 'scan'

/** The seeded pickers of one generator, handed to each family of command shapes. */
export interface Tools {
  /** An integer in [0, n). */
  int(n: number): number
  pick<T>(xs: readonly T[]): T
  /** True with probability p. */
  chance(p: number): boolean
  /** One of the few key names, so that types collide. */
  key(): string
  /** A set, hash or sorted-set member (shared, so families meet on the same members). */
  member(): string
  /** A string value. */
  value(): string
  /** A number-like text at the edges Redis parses. */
  num(): string
  /** 1 to `max` results of `f`. */
  some(f: () => string, max?: number): string[]
}

/** A family of command shapes, built on a generator's pickers. */
export type Family = (t: Tools) => (() => Step)[]

/** Shapes that pick among `choices`, each an argv list, or a function giving one. */
export function oneOf(t: Tools, ...choices: (readonly string[] | (() => string[]))[]): string[] {
  const c = t.pick(choices)
  return typeof c === 'function' ? c() : [...c]
}

/** `words` when chance `p` says so, else nothing: an optional part of a command. */
export function maybe(t: Tools, p: number, words: () => string[]): string[] {
  return t.chance(p) ? words() : []
}
