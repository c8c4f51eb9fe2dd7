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

  it('checks its progress every 4096 table entries, not only every 4096 objects', () => {
    // one table of 200,000 numbers: a handful of objects; before, no check at all (a table
    // of 200,000 tables went 130-280 ms into the walk before its first deadline check)
    const r = runRaw('keep = {} for i = 1, 200000 do keep[i] = i end return 1')
    let checks = 0
    reachableBytes(r.L.l_G, undefined, () => ++checks > 0)
    expect(checks).toBeGreaterThanOrEqual(48)
    let stoppedAt = 0
    expect(reachableBytes(r.L.l_G, undefined, () => ++stoppedAt < 3)).toBeUndefined()
    expect(stoppedAt).toBe(3)
  })

  it('handles cycles and deep nesting without recursion', () => {
    const r = runRaw('keep = {} local t = keep for i = 1, 100000 do t.next = {} t = t.next end t.next = keep return 1')
    expect(reachableBytes(r.L.l_G)).toBeGreaterThan(100000 * 120)
  })
})
