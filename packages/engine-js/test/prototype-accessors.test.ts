import { createHost, type Host, InvalidArgumentError } from '@polyhost/core'
import { afterEach, describe, expect, it } from 'vitest'
import { jsEngine } from '../src/index.js'

// The guest helpers that wrap builtins (join, concat, String.raw, JSON.stringify and its
// property lists, the conversion of results) write into arrays and objects of their own
// (`out[i] = v`), which inherit from Array.prototype and Object.prototype. An accessor on an
// index of either met those writes: a setter got the helper's values, a missing setter threw
// "no setter for property", and a hole read the getter. Scripts cannot put one there (lockdown
// freezes both prototypes before any script runs), but an initScript runs before lockdown: with
// `Object.defineProperty(Object.prototype, '0', { get() { return 'o0' }, set() {} })` in it,
// `[1, 2, 3]` came back to the host as ['o0', 2, 3] and a long `join` returned ''. Such an
// initScript (array-index keys on either prototype, descriptor fields on Object.prototype,
// which the helpers' `{ value: v }` descriptors inherit) now fails createHost.
// Worker runs load the built packages (dist/): build first.

let host: Host | undefined
afterEach(async () => {
  await host?.close()
  host = undefined
})

const ACCESSOR = "{ get() { return 'from init' }, set(v) { globalThis.LOG = (globalThis.LOG || '') + typeof v }, configurable: true }"
const REJECTED: Record<string, [string, string]> = {
  'an accessor on Array.prototype[5]': [
    `Object.defineProperty(Array.prototype, 5, { get() { return 'g5' }, configurable: true })`,
    "Array.prototype['5']",
  ],
  "an accessor on Object.prototype['0']": [`Object.defineProperty(Object.prototype, '0', ${ACCESSOR})`, "Object.prototype['0']"],
  "an accessor on Array.prototype['40']": [`Object.defineProperty(Array.prototype, '40', ${ACCESSOR})`, "Array.prototype['40']"],
  'a data property Object.prototype.value': ['Object.prototype.value = 1', "Object.prototype['value']"],
  'a getter Object.prototype.get': [`Object.defineProperty(Object.prototype, 'get', ${ACCESSOR})`, "Object.prototype['get']"],
}

describe.each(['inline', 'worker'] as const)('accessors on shared prototypes (%s)', (isolation) => {
  const make = (initScript?: string) =>
    createHost({ engines: [jsEngine(initScript === undefined ? {} : { initScript })], isolation, workers: 1, pool: { min: 1, max: 1 } })

  for (const [name, [initScript, key]] of Object.entries(REJECTED)) {
    it(`an initScript defining ${name} fails createHost`, async () => {
      let h: Host | undefined
      const e = await make(initScript).then(
        (made) => {
          h = made
          return undefined
        },
        (err: unknown) => err,
      )
      if (h !== undefined) {
        host = h
        // what the helpers made of it before: the values below came back changed
        const r = await h.execute({
          language: 'js',
          source: "[[1, 2, 3], Array(1500).fill('x').join('').length, String.raw({ raw: ['a', 'b'] }, 1)]",
        })
        expect(r.value).toEqual([[1, 2, 3], 1500, 'a1b'])
      }
      expect(e).toBeInstanceOf(InvalidArgumentError)
      expect((e as Error).message).toContain(`initScript failed: it defined ${key};`)
    }, 60_000)
  }

  it('an initScript adding methods and other keys still works', async () => {
    host = await make("Array.prototype.last = function () { return this[this.length - 1] }; Object.prototype.foo = 'bar'")
    const r = await host.execute({ language: 'js', source: "[[1, 2, 3].last(), ({}).foo, Array(1500).fill('x').join('').length]" })
    expect(r.value).toEqual([3, 'bar', 1500])
  }, 60_000)

  it('a script cannot put accessors on Array.prototype or Object.prototype', async () => {
    host = await make()
    const r = await host.execute({
      language: 'js',
      source: `const tries = [[Array.prototype, 1], [Array.prototype, 5], [Object.prototype, '0'], [Object.prototype, 'value']]
        tries.map(([o, k]) => { try { Object.defineProperty(o, k, ${ACCESSOR}); return 'defined' } catch (e) { return e.name } })
          .concat([Object.isFrozen(Array.prototype), Object.isFrozen(Object.prototype), [1, , 3].join('-')])`,
    })
    expect(r.value).toEqual(['TypeError', 'TypeError', 'TypeError', 'TypeError', true, true, '1--3'])
  }, 60_000)
})
