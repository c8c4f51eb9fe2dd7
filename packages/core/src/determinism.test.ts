import { execFileSync } from 'node:child_process'
import nodeCrypto from 'node:crypto'
import { SecurityManager } from '@polyhost/security'
import { describe, expect, it, vi } from 'vitest'
import { determinismOf, entropy53, executionRandom, seededRandom, seedWord } from './determinism.js'
import { Execution } from './execution.js'
import { executionInit } from '../test/fixtures/bare-execution.js'

describe('executionRandom', () => {
  it('unseeded: doubles in [0, 1) from the CSPRNG, independent per source', () => {
    const spy = vi.spyOn(nodeCrypto, 'randomFillSync')
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

describe('the seed rule', () => {
  it('truncates toward zero modulo 2^32, like a C cast and like a JS engine’s `seed | 0`', () => {
    for (const n of [0, 1, -1, 7.9, -7.9, 2 ** 32 + 5, -(2 ** 31) - 1, 2 ** 53, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(seedWord(n), String(n)).toBe((n | 0) >>> 0)
    }
    expect(seedWord(-7.9)).toBe(2 ** 32 - 7)
  })

  it('seed 0 is a seed like any other (no hidden substitution), and equal words give equal sequences', () => {
    const take = (seed: number) => Array.from({ length: 4 }, seededRandom(seed))
    expect(take(0)).not.toEqual(take(1))
    expect(take(-1)).toEqual(take(2 ** 32 - 1))
    expect(take(3.7)).toEqual(take(3))
  })

  it('is mulberry32: the published first output for seed 0', () => {
    // mulberry32(0) first 32-bit output, computed independently with BigInt arithmetic
    const mul = (a: bigint, b: bigint) => (a * b) & 0xffffffffn
    let t = 0x6d2b79f5n
    t = mul(t ^ (t >> 15n), t | 1n)
    t ^= (t + mul(t ^ (t >> 7n), t | 61n)) & 0xffffffffn
    const first = Number(t ^ (t >> 14n)) / 2 ** 32
    expect(seededRandom(0)()).toBe(first)
  })
})

describe('entropy53', () => {
  it('gives distinct integers below 2^53 from batched CSPRNG draws', () => {
    const spy = vi.spyOn(nodeCrypto, 'randomFillSync')
    const xs = Array.from({ length: 1000 }, entropy53)
    expect(xs.every((x) => Number.isSafeInteger(x) && x >= 0)).toBe(true)
    expect(new Set(xs).size).toBe(1000)
    // 2000 words, 1024 per batch
    expect(spy.mock.calls.length).toBeLessThanOrEqual(3)
    spy.mockRestore()
  })
})

describe('determinismOf', () => {
  const execution = (determinism: object) =>
    new Execution(executionInit({ security: SecurityManager.resolve({ preset: 'standard', determinism }) }))

  it('reads the policy: real clock and CSPRNG values by default', () => {
    expect(determinismOf(execution({}))).toEqual({ now: undefined, seed: undefined })
  })

  it('a frozen clock defaults to the execution’s start; the seed goes through the seed rule', () => {
    const ex = execution({ time: 'frozen', random: 'seeded', seed: -1 })
    expect(determinismOf(ex)).toEqual({ now: Math.floor(ex.startedAtEpoch), seed: 2 ** 32 - 1 })
    // a time value is whole milliseconds: Date.now() in a frozen JS execution is an integer
    expect(Number.isInteger(determinismOf(ex).now)).toBe(true)
    expect(determinismOf(execution({ now: 1234 })).now).toBe(1234)
  })
})

describe('entropy53 at cold start', () => {
  it("does not load WebCrypto's argument checking (the global crypto's first getRandomValues: ~1 ms of a cold start)", () => {
    // the built package in a fresh process: vitest's own process may have loaded WebCrypto already
    const engine = new URL('../dist/engine.js', import.meta.url).href
    const script = `const { entropy53 } = await import(${JSON.stringify(engine)})
      const x = entropy53()
      if (!Number.isSafeInteger(x)) throw new Error('not an integer: ' + x)
      process.stdout.write(JSON.stringify(process.moduleLoadList.filter((m) => m.includes('crypto/webidl'))))`
    const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', timeout: 60_000 })
    expect(JSON.parse(out)).toEqual([])
  })
})
