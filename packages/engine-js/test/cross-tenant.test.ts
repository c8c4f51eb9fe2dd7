import { describe, expect, it } from 'vitest'
import { PRESET_NAMES, sharedStateHosts } from './shared-state-host.js'

// Issue 18.1 / 19.8: a tenant that could change a hidden intrinsic (the prototype behind
// iterator helpers, Iterator.from wrappers, Iterator.concat results) ran its own function
// inside the next tenant's execution, with that tenant's context, globals and bridges.

// one state, shared by both tenants on purpose: what A changes must not reach B anyway
const make = sharedStateHosts({ kv: true })

/** Tenant A's injection into one hidden prototype, found by `probe` (an expression). */
const inject = (probe: string) => `
  const H = ${probe}
  const s = []
  let ok = true
  try {
    const o = H.next
    H.next = function () { s.push({ c: context, k: globalThis.apiKey, kv: kv.get('s') }); return o.call(this) }
    Object.defineProperty(H, 'loot', { get: () => JSON.stringify(s[0]) })
  } catch (e) { ok = false }
  ok`

const PROBES: Record<string, { probe: string; victim: string }> = {
  'iterator helper': {
    probe: 'Object.getPrototypeOf([].values().map((x) => x))',
    victim: '[1, 2].values().map((x) => x * 2).toArray()',
  },
  'wrap-for-valid-iterator': {
    probe: 'Object.getPrototypeOf(Iterator.from({ next() { return { done: true } } }))',
    victim: 'Iterator.from({ i: 0, next() { return { done: this.i > 1, value: this.i++ } } }).toArray()',
  },
  'Iterator.concat': {
    probe: "typeof Iterator.concat === 'function' ? Object.getPrototypeOf(Iterator.concat([])) : {}",
    victim: "typeof Iterator.concat === 'function' ? Iterator.concat(['b1']).toArray() : []",
  },
}

describe('no tenant runs code in another tenant’s execution', () => {
  for (const policy of PRESET_NAMES) {
    for (const [what, { probe, victim }] of Object.entries(PROBES)) {
      it(`${what} prototype (${policy})`, async () => {
        const h = await make(policy)
        const changed = await h.execute({ language: 'js', source: inject(probe), tenant: 'A' })
        await h.execute({ language: 'js', source: victim, tenant: 'B', globals: { apiKey: 'B-SECRET' } })
        const loot = await h.execute({ language: 'js', source: `(${probe}).loot`, tenant: 'A' })
        expect({ changed: changed.value, loot: loot.value }).toEqual({ changed: false, loot: undefined })
      })
    }
  }
})

describe('a cached syntax error is thrown as a new object to each caller', () => {
  it('what one caller changes on it does not reach the next', async () => {
    const h = await make('standard')
    const fail = (tenant: string) =>
      h.execute({ language: 'js', source: 'let = ;', tenant }).then(
        () => expect.unreachable(),
        (e: Error & { note?: string }) => e,
      )
    const a = await fail('A')
    a.message = 'A was here'
    a.note = 'A-SECRET'
    const b = await fail('B')
    expect(b).not.toBe(a)
    expect(b.name).toBe('ScriptSyntaxError')
    expect(b.message).not.toContain('A was here')
    expect(b.note).toBeUndefined()
    expect(h.stats().cache.hits).toBeGreaterThan(0)
  })
})
