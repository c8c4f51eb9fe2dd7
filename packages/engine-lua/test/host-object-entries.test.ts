import { createHost, type Host, LimitExceededError } from '@polyhost/core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { luaEngine } from '../src/index.js'

// A host object's entries are read under the execution's deadline. V8's Object.entries of an
// object in dictionary mode is one uninterruptible call, about five times slower than
// Object.keys: a host global of a million keys held a 1 s execution 5.7–8 s (a loaded 2-core
// box) before a single entry was converted; now the deadline is checked as each value is
// read. The count of values read shows it without depending on timing: the first read waits
// past the deadline, and the conversion stops at the next check instead of reading them all.
const KEYS = 200_000

function slowObject(timeoutMs: number): { proxy: object; reads: () => number } {
  const target: Record<string, number> = {}
  for (let i = 0; i < KEYS; i++) target[`k${i}`] = i
  let reads = 0
  const proxy = new Proxy(target, {
    get(t, k) {
      if (reads++ === 0) {
        const until = Date.now() + timeoutMs + 100
        while (Date.now() < until) {
          // the first value takes longer than the whole execution may
        }
      }
      return Reflect.get(t, k)
    },
  })
  return { proxy, reads: () => reads }
}

describe('host objects with many keys convert under the deadline', () => {
  let host: Host
  beforeAll(async () => {
    host = await createHost({ engines: [luaEngine()], policy: 'standard', limits: { timeoutMs: 30_000 } })
  })
  afterAll(async () => {
    await host.close()
  })

  it('a global whose values take past the deadline to read stops at the next check, not after all of them', async () => {
    const { proxy, reads } = slowObject(300)
    const e = await host
      .execute({ language: 'lua', source: 'return 1', globals: { big: proxy }, limits: { timeoutMs: 300 } })
      .catch((x: unknown) => x)
    expect(e).toBeInstanceOf(LimitExceededError)
    expect(e).toMatchObject({ limit: 'timeout' })
    expect(reads()).toBeLessThan(5_000)
  })

  it('a global with many keys still converts whole within the limit', async () => {
    const big: Record<string, number> = {}
    for (let i = 0; i < 1000; i++) big[`k${i}`] = i
    const r = await host.execute({
      language: 'lua',
      source: 'local n = 0 for k, v in pairs(big) do n = n + v end return n',
      globals: { big },
    })
    expect(r.value).toBe((999 * 1000) / 2)
  })
})
