import { createHost, type Host } from '@polyhost/core'
import { executionRandom, seededRandom } from '@polyhost/core/engine'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { luaEngine } from '../src/index.js'

// An execution's random source is made on its first math.random / math.randomseed, not for
// every run: a tiny job ('return x + 1') allocated one it never used (its object and five
// closures, ~350 bytes of the ~11.5 KB a warm execution allocates), young garbage that a busy
// worker's scavenges pay for. The count of sources made is the measure here (no timing);
// what the scripts draw is still their own per run (see random.test.ts).
vi.mock('@polyhost/core/engine', async (original) => {
  const real = await original<typeof import('@polyhost/core/engine')>()
  return { ...real, executionRandom: vi.fn(real.executionRandom) }
})

let host: Host
let seeded: Host
beforeAll(async () => {
  host = await createHost({ engines: [luaEngine()] })
  seeded = await createHost({ engines: [luaEngine()], policy: { determinism: { random: 'seeded', seed: 7 } } })
})
afterAll(async () => {
  await host?.close()
  await seeded?.close()
})

const made = () => vi.mocked(executionRandom).mock.calls.length

describe('the random source of an execution', () => {
  it('is not made for a script that draws no random number', async () => {
    await host.execute({ language: 'lua', source: 'return x + 1', globals: { x: 1 } })
    const before = made()
    for (let i = 0; i < 5; i++) await host.execute({ language: 'lua', source: 'return x + 1', globals: { x: i } })
    expect(made() - before).toBe(0)
  })

  it('is made once per execution that draws, each its own', async () => {
    const before = made()
    const a = await host.execute({ language: 'lua', source: 'return math.random(), math.random()' })
    const b = await host.execute({ language: 'lua', source: 'math.randomseed(3) return math.random()' })
    expect(made() - before).toBe(2)
    expect(a.values[0]).not.toBe(a.values[1])
    expect(typeof b.value).toBe('number')
  })

  it("gives a seeded policy's sequence from the first draw, in every execution", async () => {
    const source = 'local t = {} for i = 1, 4 do t[i] = math.random() end return t'
    const next = seededRandom(7)
    const expected = [next(), next(), next(), next()]
    for (let i = 0; i < 2; i++) expect((await seeded.execute({ language: 'lua', source })).value).toEqual(expected)
  })
})
