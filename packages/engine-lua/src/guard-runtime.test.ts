import { describe, expect, it } from 'vitest'
import type { LuaState } from './fengari-api.js'
import { GuardRuntime, type GuardSink, latin1 } from './guard-runtime.js'

const L = {} as LuaState

function sink(overrides: Partial<GuardSink> = {}): GuardSink & { calls: string[] } {
  const calls: string[] = []
  return {
    calls,
    steps: (_L, n) => {
      calls.push(`steps:${n}`)
      return 10
    },
    overflow: (_L, incoming) => void calls.push(`overflow:${incoming}`),
    tooDeep: () => {
      throw new Error('deep')
    },
    switchTo: () => undefined,
    heavy: (bytes) => void calls.push(`heavy:${bytes}`),
    raise: (_L, m) => {
      throw new Error(m)
    },
    ...overrides,
  }
}

describe('latin1', () => {
  it('is injective over all byte values and keeps byte order', () => {
    const seen = new Set<string>()
    for (let b = 0; b < 256; b++) seen.add(latin1(new Uint8Array([b, b])))
    expect(seen.size).toBe(256)
    const long = new Uint8Array(100).fill(200)
    expect(latin1(long)).toBe(String.fromCharCode(200).repeat(100))
    expect(latin1(new Uint8Array([2])) < latin1(new Uint8Array([16]))).toBe(true)
  })
})

describe('GuardRuntime', () => {
  it('charges nothing and never calls out while detached', () => {
    const g = new GuardRuntime()
    g.string(1e9)
    g.alloc(L, 1e9)
    g.step(L)
    expect(g.maxDepth).toBe(Number.POSITIVE_INFINITY)
  })

  it('asks the sink before an allocation that does not fit the slack', () => {
    const g = new GuardRuntime()
    const s = sink()
    g.attach(s)
    g.slack = 100
    g.alloc(L, 50)
    expect(s.calls).toEqual([])
    g.alloc(L, 60)
    expect(s.calls).toEqual(['overflow:60'])
  })

  it('hands builtin steps to the sink in chunks', () => {
    const g = new GuardRuntime()
    const s = sink()
    g.attach(s)
    g.setStepChunk(3)
    g.step(L)
    g.step(L)
    expect(s.calls).toEqual([])
    g.step(L)
    expect(s.calls).toEqual(['steps:3'])
    g.steps(L, 25)
    expect(s.calls).toEqual(['steps:3', 'steps:25'])
  })

  it('refuses writes to frozen tables and marks watched ones dirty', () => {
    const g = new GuardRuntime()
    g.attach(sink())
    expect(() => g.write(L, { polyhost: { frozen: true, dirty: false } } as never)).toThrow(/read-only table/)
    const watched = { frozen: false, dirty: false }
    g.write(L, { polyhost: watched } as never)
    expect(watched.dirty).toBe(true)
  })

  it('indexOf finds byte sequences like string.find with plain=true', () => {
    const g = new GuardRuntime()
    const hay = new TextEncoder().encode('hello world')
    expect(g.indexOf(hay, new TextEncoder().encode('o w'), 0)).toBe(4)
    expect(g.indexOf(hay, new Uint8Array(0), 3)).toBe(3)
    expect(g.indexOf(hay.subarray(6), new TextEncoder().encode('w'), 0)).toBe(0)
    expect(g.indexOf(hay, new TextEncoder().encode('z'), 0)).toBe(-1)
  })
})

describe('heavy string work', () => {
  it('reports strings from 4 KiB up (created, compared, parsed as numerals), not smaller ones', () => {
    const g = new GuardRuntime()
    const s = sink()
    g.attach(s, 100)
    g.string(4095)
    g.string(4096)
    const big = new Uint8Array(5000).fill(0x31)
    expect(g.sameBytes(big, big.slice())).toBe(true)
    expect(g.sameBytes(big, new Uint8Array(5000))).toBe(false)
    expect(g.sameBytes(new Uint8Array([1, 2]), new Uint8Array([1, 3]))).toBe(false)
    // short and long, equal and not (one byte changed anywhere, lengths apart): as Buffer.equals
    for (const len of [0, 1, 2, 63, 64, 65, 200]) {
      const a = Uint8Array.from({ length: len }, (_, i) => (i * 37 + 11) & 0xff)
      expect(g.sameBytes(a, a.slice())).toBe(true)
      expect(g.sameBytes(a, Uint8Array.from([...a, 0]))).toBe(false)
      for (let i = 0; i < len; i++) {
        const b = a.slice()
        b[i] = (b[i] as number) ^ 0x80
        expect(g.sameBytes(a, b)).toBe(false)
        expect(g.sameBytes(a.subarray(i), b.subarray(i))).toBe(false)
        expect(g.sameBytes(a.subarray(i + 1), b.subarray(i + 1))).toBe(true)
      }
    }
    g.numeralMode(big)
    expect(s.calls.filter((c) => c.startsWith('heavy'))).toEqual(['heavy:4096', 'heavy:5000', 'heavy:5000', 'heavy:5000'])
  })
})
