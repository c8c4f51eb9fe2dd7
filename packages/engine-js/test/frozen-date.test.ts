import { createHost } from '@polyhost/core'
import { describe, expect, it } from 'vitest'
import { jsEngine } from '../src/index.js'

// With determinism time 'frozen' the guest's Date is a replacement; it had another shape than
// the real constructor (length 0, enumerable own now/parse/UTC, a constructible `now` with a
// prototype), so a script could tell the clock was frozen from its shape alone. It now reads
// as the real one in everything but the time it tells.

const SHAPE = `const d = (o) => Reflect.ownKeys(o).map((k) => { const x = Object.getOwnPropertyDescriptor(o, k); return [String(k), typeof x.value, x.writable, x.enumerable, x.configurable] });
  class D extends Date {}
  JSON.stringify([Date.length, Object.keys(Date), d(Date), typeof Date.now.prototype, (() => { try { new Date.now(); return 'constructible' } catch (e) { return e.name } })(),
    Date.prototype.constructor === Date, Object.getPrototypeOf(Date) === Function.prototype, Function.prototype.toString.call(Date), Date.name,
    typeof Date, new Date() instanceof Date, new D() instanceof D, new D() instanceof Date, typeof Date(), Date.now.name, Date.now.length, Object.isFrozen(Date)])`

describe("determinism time 'frozen'", () => {
  it('the replacement Date has the real Date’s shape', async () => {
    const shapes: unknown[] = []
    for (const policy of [{}, { determinism: { time: 'frozen' as const, now: 1000 } }]) {
      const host = await createHost({ engines: [jsEngine()], policy })
      try {
        shapes.push((await host.execute({ language: 'js', source: SHAPE })).value)
        if (shapes.length === 2) {
          const times = (
            await host.execute({ language: 'js', source: '[Date.now(), new Date().getTime(), new Date(5).getTime(), Date(0).length > 0]' })
          ).value
          expect(times).toEqual([1000, 1000, 5, true])
        }
      } finally {
        await host.close()
      }
    }
    expect(shapes[1]).toBe(shapes[0])
  })
})
