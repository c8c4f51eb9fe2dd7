import { createHost, type Host } from '@polyhost/core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { jsEngine } from '../src/index.js'

// Host values going into a script (globals, what a host function returns) were checked by one
// walk and then read again by JSON.stringify: a getter answering 1 and then a function or an
// array deeper than maxDepth crossed its second answer unchecked, and a non-enumerable toJSON
// replaced the value. The conformance area results-data-only covers bridge results in both
// isolation modes; host functions and globals with getters are inline only.

let host: Host
beforeAll(async () => {
  host = await createHost({ engines: [jsEngine()], maxDepth: 8 })
})
afterAll(() => host.close())

const js = async (source: string, globals: Record<string, unknown>) => (await host.execute({ language: 'js', source, globals })).value

function deepArray(depth: number): unknown[] {
  let a: unknown[] = []
  for (let i = 0; i < depth; i++) a = [a]
  return a
}

/** An object whose getter `x` answers 1, then `second`; `reads.n` counts its reads. */
function changing(second: unknown, reads: { n: number }): object {
  return {
    get x() {
      return reads.n++ ? second : 1
    },
  }
}

describe('host values are read once when they cross into a script', () => {
  it("a host function's result: the getter's first answer crosses, read once", async () => {
    for (const second of [() => 1, deepArray(20)]) {
      const reads = { n: 0 }
      const value = await js('typeof make().x', { make: () => changing(second, reads) })
      expect(value).toBe('number')
      expect(reads.n).toBe(1)
    }
  })

  it('globals: a getter runs once and its answer is what the script sees', async () => {
    const reads = { n: 0 }
    expect(await js('JSON.stringify(g)', { g: changing(deepArray(20), reads) })).toBe('{"x":1}')
    expect(reads.n).toBe(1)
  })

  it('a non-enumerable toJSON does not replace the value', async () => {
    const g = Object.defineProperty({ a: 1 }, 'toJSON', { value: () => ({ b: 2 }) })
    expect(await js('JSON.stringify([g, make()])', { g, make: () => g })).toBe('[{"a":1},{"a":1}]')
  })

  it('a Proxy is read once: its traps answer for the value that crosses', async () => {
    let gets = 0
    const p = new Proxy({ a: 1 } as Record<string, unknown>, {
      get: (t, k) => (k === 'a' ? (gets++ ? deepArray(20) : 5) : t[k as string]),
    })
    expect(await js('JSON.stringify(make())', { make: () => p })).toBe('{"a":5}')
    expect(gets).toBe(1)
  })
})
