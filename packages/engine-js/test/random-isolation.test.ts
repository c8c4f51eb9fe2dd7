import { createHost, type Host } from '@polyhost/core'
import { afterEach, describe, expect, it } from 'vitest'
import { jsEngine } from '../src/index.js'

// Issue 19.2: QuickJS's own Math.random (xorshift64*) kept its state in the context, so two
// values seen by tenant A gave away what tenant B drew next on the same pooled state.

const M = 0x2545f4914f6cdd1dn
const MASK = (1n << 64n) - 1n
/** M⁻¹ mod 2⁶⁴ (Newton's iteration; M is odd). */
const M_INV = (() => {
  let x = M
  for (let i = 0; i < 6; i++) x = (x * (2n - M * x)) & MASK
  return x
})()
const step = (s: bigint) => {
  let x = s
  x ^= x >> 12n
  x = (x ^ (x << 25n)) & MASK
  x ^= x >> 27n
  return x
}
const output = (s: bigint) => ((s * M) & MASK) >> 12n
const bitsOf = (r: number) => BigInt(Math.round(r * 2 ** 52))

/**
 * The xorshift64* state after the draws `a` then `b` (52 bits of each output), or undefined
 * when no state of QuickJS's generator gives both.
 */
function recover(a: number, b: number): bigint | undefined {
  const hi = bitsOf(a) << 12n
  for (let low = 0n; low < 4096n; low++) {
    const s = ((hi | low) * M_INV) & MASK
    const next = step(s)
    if (output(next) === bitsOf(b)) return next
  }
  return undefined
}

function predict(state: bigint, n: number): number[] {
  const out: number[] = []
  let s = state
  for (let i = 0; i < n; i++) {
    s = step(s)
    out.push(Number(output(s)) / 2 ** 52)
  }
  return out
}

let host: Host | undefined
afterEach(async () => {
  await host?.close()
  host = undefined
})

describe('Math.random belongs to the execution', () => {
  for (const isolation of ['inline', 'worker'] as const) {
    it(`tenant B's draws are not the continuation of tenant A's (${isolation})`, async () => {
      host = await createHost({
        engines: [jsEngine()],
        isolation,
        ...(isolation === 'worker' ? { workers: 1 } : {}),
        pool: { min: 1, max: 1, partitionByTenant: false },
      })
      const h = host
      const draw = async (tenant: string, n: number) =>
        (await h.execute({ language: 'js', source: `Array.from({ length: ${n} }, () => Math.random())`, tenant })).value as number[]
      // the inversion itself works: on QuickJS's generator, one execution's first two draws
      // predict its next three (skipped when the engine no longer uses that generator)
      const own = await draw('A', 5)
      const mine = recover(own[0] as number, own[1] as number)
      if (mine !== undefined) expect(predict(mine, 3)).toEqual(own.slice(2))
      const [a1, a2] = await draw('A', 2)
      const b = await draw('B', 3)
      const state = recover(a1 as number, a2 as number)
      const predicted = state === undefined ? [] : predict(state, 3)
      expect(b).not.toEqual(predicted)
      expect(new Set(b).size).toBe(3)
      for (const v of b) expect(v >= 0 && v < 1).toBe(true)
    })
  }
})
