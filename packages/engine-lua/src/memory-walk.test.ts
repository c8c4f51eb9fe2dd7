import { describe, expect, it } from 'vitest'
import { runRaw } from '../test/harness.js'
import { reachableBytes } from './memory-walk.js'

describe('reachableBytes', () => {
  it('grows with what the state keeps and counts a shared string once', () => {
    const small = runRaw('keep = {} return 1')
    const big = runRaw('keep = {} for i = 1, 1000 do keep[i] = string.rep("x", 1000) .. i end return 1')
    const shared = runRaw('keep = {} local s = string.rep("x", 1000000) for i = 1, 1000 do keep[i] = s end return 1')
    const a = reachableBytes(small.L.l_G)
    const b = reachableBytes(big.L.l_G)
    const c = reachableBytes(shared.L.l_G)
    expect(b - a).toBeGreaterThan(1_000_000)
    expect(c - a).toBeGreaterThan(1_000_000)
    expect(c - a).toBeLessThan(1_500_000)
  })

  it('handles cycles and deep nesting without recursion', () => {
    const r = runRaw('keep = {} local t = keep for i = 1, 100000 do t.next = {} t = t.next end t.next = keep return 1')
    expect(reachableBytes(r.L.l_G)).toBeGreaterThan(100000 * 120)
  })
})
