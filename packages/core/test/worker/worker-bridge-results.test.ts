// A bridge handler's result in worker mode is checked on the host thread, where the handler
// ran, before structured clone copies it: clone would turn a class instance or an object with
// another prototype into a plain object the script receives (`{"a":1}`), where an inline
// engine refuses it ("cannot convert instance of K"). Both modes now refuse it the same way:
// the BridgeError of the method, its ConversionError naming the place; so is a getter or Proxy
// trap that throws while the result is read. Worker mode loads dist/.
import { afterEach, describe, expect, it } from 'vitest'
import { defineBridge } from '../../src/bridges.js'
import { BridgeError, ConversionError } from '../../src/errors.js'
import { createHost, type Host } from '../../src/index.js'
import { blockingEngine } from '../fixtures/blocking-engine.mjs'

class K {
  a = 1
}

const LIMITS = { instructions: false, memoryBytes: false, stackDepth: false, timeoutMs: 10_000 } as const
let host: Host | undefined
afterEach(async () => {
  await host?.close()
  host = undefined
})

const RESULTS: Record<string, [() => unknown, string]> = {
  instance: [() => new K(), '$: cannot convert instance of K (register a custom type for it)'],
  inherited: [() => Object.create({ inherited: 1 }), '$: cannot convert instance of Object (register a custom type for it)'],
  nested: [() => ({ list: [1, { deep: new K() }] }), '$.list[1].deep: cannot convert instance of K (register a custom type for it)'],
  // engine-lua and engine-js inline give these words and paths; worker mode said
  // `$: the value cannot be passed to the script's worker (keys)`, without the place
  'with a Proxy whose ownKeys trap throws': [
    () => ({
      a: [
        1,
        {
          p: new Proxy(
            {},
            {
              ownKeys: () => {
                throw new Error('keys')
              },
            },
          ),
        },
      ],
    }),
    '$.a[1].p: the host value could not be read: keys',
  ],
  'with a getter that throws': [
    () => ({
      a: {
        get g() {
          throw new Error('getter')
        },
      },
    }),
    '$.a: the host value could not be read: getter',
  ],
}

describe('bridge results an engine could not convert (worker)', () => {
  it.each(Object.keys(RESULTS))('refuses a result %s, sync and async, as inline engines do', async (which) => {
    const [make, reason] = RESULTS[which] as [() => unknown, string]
    host = await createHost({ engines: [blockingEngine()], isolation: 'worker', workers: 1, limits: LIMITS })
    host.bridges.register(
      defineBridge({ name: 'b', methods: { sync: { args: [], handler: make }, later: { args: [], handler: async () => make() } } }),
    )
    for (const [method, source] of [
      ['sync', "return api.call('b.sync')"],
      ['later', "return await api.call('b.later')"],
    ] as const) {
      const e = await host.execute({ language: 'blk', source }).catch((x: unknown) => x)
      expect(e, method).toBeInstanceOf(BridgeError)
      expect((e as Error).message).toBe(`b.${method}: invalid return value: ${reason}`)
      expect((e as Error).cause).toBeInstanceOf(ConversionError)
    }
  })

  it('still passes plain data, dates, maps and bytes', async () => {
    host = await createHost({ engines: [blockingEngine()], isolation: 'worker', workers: 1, limits: LIMITS })
    const value = {
      n: 1,
      d: new Date(0),
      m: new Map([['k', [1]]]),
      u: new Uint8Array([1]),
      o: Object.assign(Object.create(null), { x: 1 }),
    }
    host.bridges.register(defineBridge({ name: 'b', methods: { get: { args: [], handler: () => value } } }))
    const r = await host.execute({ language: 'blk', source: "return api.call('b.get')" })
    expect(r.value).toEqual(value)
  })
})
