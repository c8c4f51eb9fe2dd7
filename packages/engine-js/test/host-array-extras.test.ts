import { ConversionError, createHost, defineBridge, type Host } from '@polyhost/core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { z } from 'zod'
import { jsEngine } from '../src/index.js'
import { canon, cloneModel } from './value-model.js'

// A host array's own enumerable properties past its elements (`a.x = 1`, `a['-1']`, a regexp
// match's `index`) were dropped on the way into the guest: `globals: { x: Object.assign([1],
// { y: 2 }) }` read back as `[1]`, where structuredClone keeps `y` and the guest → host
// direction carries them. A bridge result in worker mode lost them on the host thread's copy.
// Found by test/random-crossing.test.ts; the expected answers are V8's structuredClone.

const VALUES: Record<string, () => unknown> = {
  'a named property': () => Object.assign([1, 2], { y: 3 }),
  'index-like names that are not indices': () => Object.assign([1], { '-1': 'a', '1.5': 'b', '4294967295': 'c', '01': 'd' }),
  'beside a BigInt (the exact path)': () => Object.assign([1n], { y: { z: [2] } }),
  'on a sparse array': () => {
    const a: unknown[] = []
    a[3] = 1
    return Object.assign(a, { y: null })
  },
  'a regexp match': () => /b(?<n>c)/.exec('abc'),
  'nested in an object, twice': () => {
    const a = Object.assign([0], { k: 'v' })
    return { a, b: [a] }
  },
}

const hosts: Record<string, Host> = {}
let received: unknown[] = []
let reply: unknown
beforeAll(async () => {
  for (const isolation of ['inline', 'worker'] as const) {
    const host = await createHost({ engines: [jsEngine()], ...(isolation === 'worker' ? { isolation, workers: 1 } : {}) })
    host.bridges.register(
      defineBridge({
        name: 'b',
        methods: {
          get: { args: [], returns: z.any(), handler: () => reply },
          put: { args: [z.any()], handler: (_ctx, v) => void received.push(v) },
        },
      }),
    )
    hosts[isolation] = host
  }
}, 60_000)
afterAll(async () => {
  for (const h of Object.values(hosts)) await h.close()
})

describe.each(['inline', 'worker'])('host arrays keep their own properties in the guest (%s)', (isolation) => {
  for (const [name, make] of Object.entries(VALUES)) {
    it(name, async () => {
      const host = hosts[isolation] as Host
      const want = canon(cloneModel(make()))
      expect(canon((await host.execute({ language: 'js', source: 'x', globals: { x: make() } })).value)).toEqual(want)
      reply = make()
      expect(canon((await host.execute({ language: 'js', source: 'await b.get()' })).value)).toEqual(want)
      received = []
      await host.execute({ language: 'js', source: 'await b.put(x); 0', globals: { x: make() } })
      expect(canon(received[0])).toEqual(want)
      // the script sees them as own properties of a real array
      const extras = 'Object.keys(x).filter((k) => String(k >>> 0) !== k || +k >= x.length).join()'
      const seen = await host.execute({ language: 'js', source: `Array.isArray(x) && ${extras}`, globals: { x: make() } })
      const x = make()
      if (Array.isArray(x)) expect(seen.value).toBe(new Function('x', `return ${extras}`)(x))
    })
  }

  // crossable.ts compared with `!==`: a NaN made it copy the object, which split a cycle
  // through it, and the cycle was reported one level deeper than inline
  it('a cycle through an object holding NaN is named where inline names it', async () => {
    const w: Record<string, unknown> = { v: NaN }
    w.back = [w]
    const e = await (hosts[isolation] as Host).execute({ language: 'js', source: 'x', globals: { x: w } }).catch((x: unknown) => x)
    expect(e).toBeInstanceOf(ConversionError)
    expect((e as ConversionError).message).toBe('$.x.back[0]: cycle detected')
  })
})
