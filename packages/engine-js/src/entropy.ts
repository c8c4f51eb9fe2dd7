import { randomFillSync } from 'node:crypto'

const WORDS = 1024
const pool = new Uint32Array(WORDS)
let next = WORDS

/**
 * A uniformly random integer below 2^53 from the platform CSPRNG. Words are drawn 4 KiB at
 * a time: a call into the CSPRNG per execution would cost a noticeable part of a warm start.
 */
export function entropy53(): number {
  if (next + 2 > WORDS) {
    randomFillSync(pool)
    next = 0
  }
  const lo = pool[next++] as number
  const hi = (pool[next++] as number) & 0x1fffff
  return hi * 0x1_0000_0000 + lo
}
