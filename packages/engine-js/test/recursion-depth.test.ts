import { createHost, type Host, LimitExceededError } from '@polyhost/core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { jsEngine } from '../src/index.js'

// Recursion depth: the `standard` preset allows 1,000 nested calls of a plain function.
// QuickJS limits stack *bytes* (setMaxStackSize), so deeper recursion stops where those run
// out; the trip states the depth really reached, counted from QuickJS's backtrace. Recursion
// through host-implemented callbacks (sort comparators, toString, getters, Proxy traps,
// toJSON) must end as a stack trip too, never as a host RangeError. Worker-mode tests load
// dist/: run `pnpm run build` first.

const nested = (depth: number) => `function r(n) { return n <= 1 ? 1 : 1 + r(n - 1) }\nr(${depth})`

const THROUGH_CALLBACKS: Record<string, string> = {
  sort: 'function r() { [2, 1].sort((a, b) => { r(); return a - b }) }\nr()',
  toString: 'function r() { return String({ toString: r }) }\nr()',
  getter: 'const o = { get x() { return o.x } }\no.x',
  proxy: 'const p = new Proxy({}, { get: (t, k) => p[k] })\np.x',
  toJSON: 'function r() { return JSON.stringify({ toJSON: r }) }\nr()',
  replace: "function r() { return 'x'.replace('x', r) }\nr()",
}

function expectStackTrip(e: unknown): LimitExceededError {
  expect(e).toBeInstanceOf(LimitExceededError)
  const trip = e as LimitExceededError
  expect(trip.limit).toBe('stack')
  expect(trip.used).toBe(trip.max + 1)
  expect(trip.message).toBe(`stack limit exceeded (${trip.max + 1} > ${trip.max})`)
  return trip
}

describe('recursion depth', () => {
  let standard: Host
  let minimal: Host
  let worker: Host
  beforeAll(async () => {
    standard = await createHost({ engines: [jsEngine()], policy: 'standard' })
    minimal = await createHost({ engines: [jsEngine()], policy: 'minimal' })
    worker = await createHost({ engines: [jsEngine()], policy: 'minimal', isolation: 'worker', workers: 1 })
  })
  afterAll(async () => {
    await Promise.all([standard.close(), minimal.close(), worker.close()])
  })

  it('standard: 1,000 nested calls run', async () => {
    expect((await standard.execute({ language: 'javascript', source: nested(1000) })).value).toBe(1000)
  })

  it('100,000 nested calls trip with the depth really reached, inline and in a worker; the host survives', async () => {
    for (const host of [minimal, worker]) {
      const e = await host.execute({ language: 'javascript', source: nested(100_000) }).catch((x: unknown) => x)
      const trip = expectStackTrip(e)
      // the native stack, not the policy's 200,000 frames, is what ran out
      expect(trip.max).toBeGreaterThanOrEqual(1000)
      expect(trip.max).toBeLessThan(100_000)
      expect((await host.execute({ language: 'javascript', source: nested(10) })).value, 'the host still works').toBe(10)
    }
  }, 120_000)

  // QuickJS gives an async function's overflow error no backtrace and builds one where it is
  // next rethrown (one frame for `await f()`): the trip read "(2 > 1)"; it states the policy's depth
  it('unbounded async recursion trips with the policy depth, not the one frame it was rethrown through', async () => {
    for (const source of ['async function f() { return f() }\nawait f()', 'async function f() { return f() }\nf()']) {
      const trip = expectStackTrip(await standard.execute({ language: 'javascript', source }).catch((x: unknown) => x))
      expect(trip.max, source).toBe(1000)
    }
    // sync recursion still states the depth really reached
    const sync = expectStackTrip(
      await standard.execute({ language: 'javascript', source: 'function f() { return f() }\nf()' }).catch((x: unknown) => x),
    )
    expect(sync.max).toBeGreaterThan(1000)
  })

  for (const [name, source] of Object.entries(THROUGH_CALLBACKS)) {
    it(`unbounded recursion through ${name} is a stack trip inline and in a worker`, async () => {
      for (const host of [standard, minimal, worker]) {
        expectStackTrip(await host.execute({ language: 'javascript', source }).catch((x: unknown) => x))
        expect((await host.execute({ language: 'javascript', source: nested(10) })).value).toBe(10)
      }
    }, 60_000)
  }
})
