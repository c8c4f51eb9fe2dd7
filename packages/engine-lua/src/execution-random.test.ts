import { describe, expect, it, vi } from 'vitest'
import { executionRandom } from './execution-random.js'

describe('executionRandom', () => {
  it('unseeded: doubles in [0, 1) from the CSPRNG, independent per source', () => {
    const spy = vi.spyOn(crypto, 'getRandomValues')
    const a = executionRandom()
    const b = executionRandom()
    const xs = Array.from({ length: 300 }, a.next)
    const ys = Array.from({ length: 300 }, b.next)
    expect(xs.every((x) => x >= 0 && x < 1)).toBe(true)
    expect(new Set([...xs, ...ys]).size).toBe(600)
    // two sources, 128 words per batch, two words per double
    expect(spy.mock.calls.length).toBe(2 * Math.ceil(600 / 128))
    spy.mockRestore()
  })

  it('seeded: repeatable, and reseeding restarts the sequence', () => {
    const a = executionRandom(5)
    const first = Array.from({ length: 5 }, a.next)
    expect(Array.from({ length: 5 }, executionRandom(5).next)).toEqual(first)
    a.seed(5)
    expect(Array.from({ length: 5 }, a.next)).toEqual(first)
    expect(Array.from({ length: 5 }, executionRandom(6).next)).not.toEqual(first)
  })
})
