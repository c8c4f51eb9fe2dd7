import { describe, expect, it } from 'vitest'
import { rawDifferential } from './raw-differential.js'

// An array whose prototype is not Array.prototype (none, or a Proxy whose getPrototypeOf
// answers Object.prototype) crossed as an object {"0":1,"1":2} when the value was small and
// as an array once something else in it made the copy give up (over 65,536 entries): the copy
// decided by prototype, the exact path by Array.isArray. Both must give what QuickJS's own
// JSON gives (an array), at both sizes. An instance of an Array subclass is a class instance,
// refused as every other one is (value-snapshot-crossing.test.ts).

const ARRAYS: Record<string, string> = {
  'null prototype': `(() => { const a = [1, 2]; Object.setPrototypeOf(a, null); return a })()`,
  'Object.prototype': `Object.setPrototypeOf([1, 2], Object.prototype)`,
  'proxy answering Object.prototype': `new Proxy([1, 2], { getPrototypeOf: () => Object.prototype })`,
}

const d = rawDifferential()

describe('arrays of any prototype cross as arrays, as through QuickJS JSON', () => {
  for (const [name, source] of Object.entries(ARRAYS)) {
    it(`${name}: alone, beside undefined, and beside 70,000 entries`, async () => {
      const raw = JSON.parse(d.onRaw(`JSON.stringify(${source})`)) as unknown
      expect(raw).toEqual([1, 2])
      const run = async (s: string) => (await d.host().execute({ language: 'js', source: s })).value as unknown[]
      expect(await run(source)).toEqual(raw)
      expect((await run(`[undefined, ${source}]`))[1]).toEqual(raw)
      const big = await run(`[undefined, ${source}, new Array(70000).fill(0)]`)
      expect(big[1]).toEqual(raw)
      expect(big[2]).toHaveLength(70000)
    })
  }

  it('an Array subclass instance is refused at its path, alone, beside undefined, and beside 70,000 entries', async () => {
    const sub = `(() => { class Sub extends Array {} return Sub.from([1, 2]) })()`
    const run = (s: string) =>
      d
        .host()
        .execute({ language: 'js', source: s })
        .then(
          () => 'crossed',
          (e: Error) => e.message,
        )
    expect(await run(sub)).toBe('$: instance of Sub cannot cross to the host')
    expect(await run(`[undefined, ${sub}]`)).toBe('$[1]: instance of Sub cannot cross to the host')
    expect(await run(`[undefined, ${sub}, new Array(70000).fill(0)]`)).toBe('$[1]: instance of Sub cannot cross to the host')
  })
})
