import { entropy53 } from '@polyhost/core/engine'

// math.random's generator and seed rule are core's (determinism.ts), shared with engine-js.

/**
 * Where one execution starts numbering its objects (the ids `tostring(t)` shows as
 * addresses): a random point in [2^40, 2^40 + 2^39), far above the ids of the objects
 * made at setup, so addresses count only the execution's own allocations, from an
 * origin nobody else knows.
 */
export function addressBase(): number {
  return 2 ** 40 + (entropy53() % 2 ** 39)
}
