// A sparse array in the globals (`a[1e9] = 1`: one entry, a length of a billion) on its way to
// a worker is refused at once, with the ConversionError an inline engine's converter gives
// (`$.s: 1000000001 entries: more than 16777216 cannot cross`). The host walked every index
// of it for Proxies and functions before posting: 35 s with the host's event loop held (no
// timer, no other request), minutes for a length near 2^32. And globals over the execution's
// memoryBytes trip `memory` on the host thread, with the figure engine-lua gives inline, before
// structured clone copies them: a 10-million-entry array held the host thread ~1 s in clone and
// failed 12 s later in the worker. A bridge result's sparse array is refused the same way
// before it is copied (slicing it held the host thread for minutes). Loads dist/.
import { afterEach, describe, expect, it } from 'vitest'
import { defineBridge } from '../../src/bridges.js'
import { BridgeError, ConversionError, LimitExceededError } from '../../src/errors.js'
import { createHost, type Host } from '../../src/index.js'
import { blockingEngine } from '../fixtures/blocking-engine.mjs'

const LIMITS = { instructions: false, memoryBytes: false, stackDepth: false, timeoutMs: 10_000 } as const
let host: Host | undefined
afterEach(async () => {
  await host?.close()
  host = undefined
})

function sparse(index: number): unknown[] {
  const a: unknown[] = []
  a[index] = 1
  return a
}

describe('values bounded before they cross to a worker', () => {
  it.each([1e9, 2 ** 32 - 2])('length %d: the ConversionError of an inline engine, without walking its holes', async (index) => {
    host = await createHost({ engines: [blockingEngine()], isolation: 'worker', workers: 1, limits: LIMITS })
    const started = Date.now()
    const e = await host.execute({ language: 'blk', source: 'return 1', globals: { x: { s: sparse(index) } } }).catch((x: unknown) => x)
    expect(e).toBeInstanceOf(ConversionError)
    expect((e as Error).message).toBe(`$.x.s: ${index + 1} entries: more than 16777216 cannot cross`)
    // generous: refusing it takes a millisecond, walking it 35 s and more
    expect(Date.now() - started).toBeLessThan(5_000)
  })

  it('a sparse array within the bound still crosses, holes kept', async () => {
    host = await createHost({ engines: [blockingEngine()], isolation: 'worker', workers: 1, limits: LIMITS })
    const r = await host.execute({
      language: 'blk',
      source: 'return [api.globals.s.length, 5 in api.globals.s, api.globals.s[1000]]',
      globals: { s: sparse(1000) },
    })
    expect(r.value).toEqual([1001, false, 1])
  })

  it.each([
    ['an array of 10 million numbers', () => new Array(1e7).fill(0), 80000032],
    ['100 references to a 1 MiB string', () => new Array(100).fill('x'.repeat(1 << 20)), 67110208],
  ])('%s over memoryBytes: the memory trip an inline engine gives, before it is cloned', async (_what, make, used) => {
    host = await createHost({
      engines: [blockingEngine({ memoryLimit: true })],
      isolation: 'worker',
      workers: 1,
      limits: { ...LIMITS, memoryBytes: 64 << 20 },
    })
    const e = await host.execute({ language: 'blk', source: 'return 1', globals: { a: make() } }).catch((x: unknown) => x)
    expect(e).toBeInstanceOf(LimitExceededError)
    expect((e as Error).message).toBe(`memory limit exceeded (${used} > ${64 << 20})`)
  })

  it('globals under memoryBytes still cross', async () => {
    host = await createHost({
      engines: [blockingEngine({ memoryLimit: true })],
      isolation: 'worker',
      workers: 1,
      limits: { ...LIMITS, memoryBytes: 64 << 20 },
    })
    const r = await host.execute({ language: 'blk', source: 'return api.globals.a.length', globals: { a: new Array(1e6).fill(0) } })
    expect(r.value).toBe(1e6)
  })

  it('a bridge result: the BridgeError an inline engine gives, without copying its holes', async () => {
    host = await createHost({ engines: [blockingEngine()], isolation: 'worker', workers: 1, limits: LIMITS })
    host.bridges.register(defineBridge({ name: 'b', methods: { sparse: { args: [], handler: () => sparse(1e9) } } }))
    const started = Date.now()
    const e = await host.execute({ language: 'blk', source: "return await api.call('b.sparse')" }).catch((x: unknown) => x)
    expect(e).toBeInstanceOf(BridgeError)
    expect((e as Error).message).toBe('b.sparse: invalid return value: $: 1000000001 entries: more than 16777216 cannot cross')
    expect(Date.now() - started).toBeLessThan(5_000)
  })
})

// engine-lua and engine-js inline name the value whose getter or trap threw; worker mode said `$`
describe('globals whose getter or Proxy trap throws (worker): the path an inline engine names', () => {
  const CASES: [string, () => Record<string, unknown>, string][] = [
    [
      'a Proxy global',
      () => ({
        p: new Proxy(
          { a: 1 },
          {
            get: () => {
              throw new Error('trap')
            },
          },
        ),
      }),
      '$.p: the host value could not be read: trap',
    ],
    [
      'a nested Proxy',
      () => ({
        x: {
          a: [
            1,
            new Proxy(
              {},
              {
                ownKeys: () => {
                  throw new Error('keys')
                },
              },
            ),
          ],
        },
      }),
      '$.x.a[1]: the host value could not be read: keys',
    ],
    [
      'a nested getter',
      () => ({
        x: {
          a: {
            get g() {
              throw new Error('getter')
            },
          },
        },
      }),
      '$.x.a: the host value could not be read: getter',
    ],
  ]
  it.each(CASES)('%s', async (_what, make, message) => {
    host = await createHost({ engines: [blockingEngine()], isolation: 'worker', workers: 1, limits: LIMITS })
    const e = await host.execute({ language: 'blk', source: 'return 1', globals: make() }).catch((x: unknown) => x)
    expect(e).toBeInstanceOf(ConversionError)
    expect((e as Error).message).toBe(message)
  })
})
