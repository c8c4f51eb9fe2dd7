import type { LimitExceededError } from '../errors.js'

/** What a conversion budget needs from the execution it runs for. */
export interface BudgetOwner {
  /** Throws the execution's fatal error, or a timeout once the deadline has passed. */
  check(): void
  /** Records a tripped limit; the caller throws the returned error. */
  trip(limit: 'memory', used: number): LimitExceededError
  readonly limits: { readonly memoryBytes: number | false }
}

/**
 * Estimated host bytes of one converted container and of one entry in it. They are rough
 * (V8 and the engines lay objects out differently) but grow with what is really produced,
 * so a value that repeats a reference thousands of times is counted thousands of times.
 */
export const CONTAINER_BYTES = 32
export const ENTRY_BYTES = 8
/** Strings at least this long are converted in steps with deadline checks between them. */
export const LARGE_STRING = 1 << 16

/** Units of work (entries, or 4 KiB of string) between two deadline checks. */
const TICKS_PER_CHECK = 2048

/**
 * The execution's deadline and memory budget applied to one conversion (a result, a thrown
 * value, a bridge call's arguments or its result): bytes are counted as they are produced,
 * every copy of a shared reference included, and the deadline is checked as work proceeds.
 * Over the budget the execution trips its `memory` limit; past the deadline, `timeout`.
 */
export class ConversionBudget {
  /** Bytes produced so far. */
  bytes = 0
  private ticks = 0
  private readonly max: number

  constructor(private readonly owner: BudgetOwner) {
    const max = owner.limits.memoryBytes
    this.max = max === false ? Number.POSITIVE_INFINITY : max
  }

  /** Counts `bytes` produced by `units` units of work; throws LimitExceededError. */
  add(bytes: number, units = 1): void {
    this.bytes += bytes
    if (this.bytes > this.max) throw this.owner.trip('memory', this.bytes)
    this.ticks += units
    if (this.ticks >= TICKS_PER_CHECK) {
      this.ticks = 0
      this.owner.check()
    }
  }

  /** One unit of work that produced nothing to count (an array's hole read as undefined). */
  tick(): void {
    if (++this.ticks >= TICKS_PER_CHECK) {
      this.ticks = 0
      this.owner.check()
    }
  }

  /** Counts a string of `length` units before it is produced (so a huge one is refused first). */
  addString(length: number): void {
    this.add(length + ENTRY_BYTES, 1 + (length >>> 12))
  }

  /** Checks the deadline now (between the steps of a long conversion). */
  check(): void {
    this.ticks = 0
    this.owner.check()
  }
}
