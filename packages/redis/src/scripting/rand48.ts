/** Redis's `REDIS_LRAND48_MAX` (INT32_MAX). */
const LRAND48_MAX = 2147483647
const A = 0x5deece66dn
const MASK48 = (1n << 48n) - 1n

/**
 * Redis's `redisLrand48` (rand.c): the 48-bit linear congruential generator of lrand48,
 * behind `math.random` in scripts. One per server: Redis 7.0 neither reseeds it per script
 * nor per function call, so a script sees the sequence where the previous one left it. It
 * starts from rand.c's static state (not from `srand48(0)`), as a fresh redis-server does.
 */
export class Rand48 {
  private x = 0x1234abcd330en

  /** `redis_math_random`'s `r`: a double in [0, 1). */
  next(): number {
    this.x = (A * this.x + 0xbn) & MASK48
    const l = Number(this.x >> 17n)
    return (l % LRAND48_MAX) / LRAND48_MAX
  }

  /** `redisSrand48(seed)`: the seed's low 32 bits (two's complement) above 0x330E. */
  seed(seed: number): void {
    const s = BigInt.asUintN(32, BigInt(Math.trunc(seed) | 0))
    this.x = (s << 16n) | 0x330en
  }
}
