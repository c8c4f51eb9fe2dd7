/**
 * What OBJECT IDLETIME reads: each value's LRU clock, as Redis 7.0 keeps it in its object's
 * 24-bit `lru` field (evict.c): the seconds of the clock when the value was created or last
 * looked up (a lookup with LOOKUP_NOTOUCH aside), wrapping at LRU_CLOCK_MAX (about 194
 * days). Kept beside the values (a WeakMap), so a value dropped from the store drops its
 * time too. The store's clock stands for Redis's `LRU_CLOCK()`.
 */

const LRU_CLOCK_MAX = (1 << 24) - 1
const clocks = new WeakMap<object, number>()

/** Redis's `getLRUClock()` at `ms` (LRU_CLOCK_RESOLUTION 1000 ms). */
function lruClock(ms: number): number {
  return Math.floor(ms / 1000) & LRU_CLOCK_MAX
}

/** Records an access to (or the creation of) `value` at `ms`. */
export function touchValue(value: object, ms: number): void {
  clocks.set(value, lruClock(ms))
}

/**
 * RESTORE's IDLETIME (`objectSetLRUOrLFU`): the clock set `idle` seconds back, made positive
 * once by adding LRU_CLOCK_MAX when it underflows, then kept to its 24 bits as C's bit field
 * keeps it (`idle * 1000 / 1000` in 64-bit arithmetic first).
 */
export function setIdle(value: object, ms: number, idle: bigint): void {
  let abs = BigInt(lruClock(ms)) - BigInt.asIntN(64, idle * 1000n) / 1000n
  if (abs < 0n) abs += BigInt(LRU_CLOCK_MAX)
  clocks.set(value, Number(BigInt.asUintN(24, abs)))
}

/** `estimateObjectIdleTime(o) / 1000`: whole seconds since `value`'s recorded access. */
export function idleSeconds(value: object, ms: number): number {
  const now = lruClock(ms)
  const at = clocks.get(value) ?? now
  return now >= at ? now - at : LRU_CLOCK_MAX - at + now
}
