import { createHost, type Host, LimitExceededError, ScriptRuntimeError } from '@polyhost/core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { jsEngine } from '../src/index.js'

// QuickJS's sort without a comparator compares strings natively and checks no interrupt until
// it is done: 2e5 equal strings of 2,048 characters ran 3.5 s under a 100 ms limit, and
// toSorted of 1e5 strings of 4,096 characters 2.5-5 s (only strings over 4,096 characters
// took the comparator then). Now any sort whose native work could be long takes it. Its
// answers must stay the native ones (V8 here, which sorts by the same spec).

// generous for a loaded 2-core machine (531 ms seen there under a 100 ms limit); unbounded, these ran 2.5-5 s
const LATE_MS = 900

let host: Host
let wide: Host
beforeAll(async () => {
  host = await createHost({
    engines: [jsEngine()],
    policy: 'minimal',
    limits: { timeoutMs: 100, memoryBytes: 512 * 1024 * 1024 },
    pool: { max: 1 },
  })
  wide = await createHost({ engines: [jsEngine()], policy: 'minimal', limits: { timeoutMs: 30_000, memoryBytes: 512 * 1024 * 1024 } })
})
afterAll(async () => {
  await host.close()
  await wide.close()
})

async function timed(source: string): Promise<{ error: unknown; ms: number }> {
  const started = performance.now()
  const error = await host.execute({ language: 'js', source }).then(
    () => undefined,
    (e: unknown) => e,
  )
  return { error, ms: performance.now() - started }
}

describe('default sorts are bounded by the time limit', () => {
  for (const [name, source] of [
    ['equal 2,048-character strings', "Array(2e5).fill('a'.repeat(2048)).sort().length"],
    ['equal 4,096-character strings, toSorted', "Array(1e5).fill('a'.repeat(4096)).toSorted().length"],
  ]) {
    it(`${name}: ends at the deadline, on a fresh state and a warm one`, async () => {
      for (let i = 0; i < 2; i++) {
        const { error, ms } = await timed(source as string)
        if (error === undefined) continue // finished inside the limit on a fast machine
        expect(error).toBeInstanceOf(LimitExceededError)
        expect((error as LimitExceededError).limit).toBe('timeout')
        expect(ms).toBeLessThan(100 + LATE_MS)
      }
    })
  }

  it('give the native order for numbers, mixed values, undefined and holes', async () => {
    const make = `(() => {
      let x = 7
      const rnd = () => (x = (x * 1103515245 + 12345) % 2147483648)
      const nums = Array.from({ length: 60000 }, () => (rnd() % 2 ? -1 : 1) * (rnd() % 100000) / (rnd() % 3 ? 1 : 7))
      const mixed = Array.from({ length: 40000 }, (_, i) => [i, String(rnd() % 500), undefined, null, true, 10n ** BigInt(i % 30), -0][i % 7])
      const holes = nums.slice(0, 30000); holes.length = 30010; delete holes[5]
      return [nums.slice().sort(), mixed.toSorted(), holes.sort(), nums.map(String).sort().slice(0, 50)]
    })()`
    const native = new Function(`return ${make}`)() as unknown[]
    const r = await wide.execute({ language: 'js', source: make })
    expect(JSON.stringify(r.value, (_k, v) => (typeof v === 'bigint' ? `${v}n` : v))).toBe(
      JSON.stringify(native, (_k, v) => (typeof v === 'bigint' ? `${v}n` : v)),
    )
  })

  it('a symbol among the elements throws the builtin TypeError', async () => {
    const source = 'Array.from({ length: 70000 }, (_, i) => (i === 3 ? Symbol() : i)).sort()'
    const error = await wide.execute({ language: 'js', source }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ScriptRuntimeError)
    expect((error as Error).message).toMatch(/^TypeError/)
  })
})
