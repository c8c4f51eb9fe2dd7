import { describe, expect, it } from 'vitest'
import { PRESET_NAMES, sharedStateHosts } from './shared-state-host.js'

// A state that ran an inert expression (reads and operators only, src/inert-expression.ts)
// skips the guest's reset walk. What such a run leaves (its scope of globals, its context)
// must still be gone for the next run on the state, and after every kind of read the global
// object must be what a full reset would leave.

// one state for every tenant: each run follows the last on the same state
const make = sharedStateHosts()

/** Not inert (calls): its own run is reset in full. */
const PROBE = `JSON.stringify([Reflect.ownKeys(globalThis).map(String), Object.isExtensible(globalThis), undefined, NaN, Infinity])`

describe.each(PRESET_NAMES)('after an inert expression (%s)', (policy) => {
  it('the next run sees none of its globals, with or without globals of its own', async () => {
    const h = await make(policy)
    expect((await h.execute({ language: 'js', source: 'secret + 1', globals: { secret: 41 }, tenant: 'a' })).value).toBe(42)
    expect((await h.execute({ language: 'js', source: 'typeof secret', tenant: 'b' })).value).toBe('undefined')
    expect((await h.execute({ language: 'js', source: 'secret + 1', globals: { secret: 1 }, tenant: 'a' })).value).toBe(2)
    expect((await h.execute({ language: 'js', source: 'typeof secret', globals: { other: 1 }, tenant: 'b' })).value).toBe('undefined')
    expect((await h.execute({ language: 'js', source: "typeof secret + ':' + typeof other", tenant: 'b' })).value).toBe(
      'undefined:undefined',
    )
  })

  it('the next run sees none of its context', async () => {
    const h = await make(policy)
    expect((await h.execute({ language: 'js', source: 'context.key', context: { key: 'a-key' }, tenant: 'a' })).value).toBe('a-key')
    expect((await h.execute({ language: 'js', source: 'context.key', tenant: 'b' })).value).toBeUndefined()
    expect((await h.execute({ language: 'js', source: 'context.key', context: { other: 1 }, tenant: 'b' })).value).toBeUndefined()
  })

  it('leaves the global object as a full reset does, whatever it reads', async () => {
    const h = await make(policy)
    const baseline = (await h.execute({ language: 'js', source: PROBE })).value
    const globals = { a: { b: [1, 'x', null], d: '2024-01-01' }, n: 5, s: 'str', f: () => 1, big: 12n, when: new Date(0) }
    const reads = [
      "a.b[0] + n * 2 - s.length + (a.b[2] ?? 'z')",
      "Math + '' + JSON + Date + Reflect + globalThis",
      "f + '' + (typeof f) + big + when + (when > 1)",
      "a + '' + a.b + (a < n) + ('b' in a) + a?.c?.d + [a, n][1]",
      'typeof context + context + globalThis.undefined + NaN + Infinity + undefined',
      "Object.prototype + Array.prototype + Function.prototype + ('x' in globalThis)",
      'nope + 1',
    ]
    for (const source of reads) {
      // a read that fails (an undefined name, a policy without Reflect) is a run like another
      await h.execute({ language: 'js', source, globals }).catch((e: Error) => e)
      expect((await h.execute({ language: 'js', source: PROBE })).value, source).toBe(baseline)
    }
  })

  it('an idle validation keeps the state, and drops what the run left', async () => {
    const h = await make(policy, { healthCheckIntervalMs: 20 })
    expect((await h.execute({ language: 'js', source: 'secret + 1', globals: { secret: 41 } })).value).toBe(42)
    // the validation runs the guest reset the run skipped, then the baseline check
    await new Promise((resolve) => setTimeout(resolve, 300))
    expect(h.stats().engines.js?.pool.destroyed).toBe(0)
    expect((await h.execute({ language: 'js', source: 'typeof secret' })).value).toBe('undefined')
    expect(h.stats().engines.js?.pool.created).toBe(1)
  })
})
