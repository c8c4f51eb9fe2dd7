// A value nested far deeper than `maxDepth` (10,000 levels) on its way to a worker is refused
// as engine-lua's converter refuses it inline (the same words and path: `$.x.o.o…: nesting
// deeper than 64`), not with the stack overflow structured clone or a recursive walk runs
// into ("the host value could not be read: Maximum call stack size exceeded"). Loads dist/.
import { afterEach, describe, expect, it } from 'vitest'
import { defineBridge } from '../../src/bridges.js'
import { BridgeError, ConversionError } from '../../src/errors.js'
import { createHost, type Host } from '../../src/index.js'
import { blockingEngine } from '../fixtures/blocking-engine.mjs'

const LIMITS = { instructions: false, memoryBytes: false, stackDepth: false, timeoutMs: 10_000 } as const
let host: Host | undefined
afterEach(async () => {
  await host?.close()
  host = undefined
})

let deep: unknown = 1
for (let i = 0; i < 10_000; i++) deep = { o: deep }
let list: unknown = 1
for (let i = 0; i < 10_000; i++) list = [list]

describe('values nested deeper than maxDepth (worker)', () => {
  it('a global: the ConversionError an engine gives, at the level past maxDepth', async () => {
    host = await createHost({ engines: [blockingEngine()], isolation: 'worker', workers: 1, limits: LIMITS })
    const e = await host.execute({ language: 'blk', source: 'return 1', globals: { x: deep } }).catch((x: unknown) => x)
    expect(e).toBeInstanceOf(ConversionError)
    expect((e as Error).message).toBe(`$.x${'.o'.repeat(64)}: nesting deeper than 64`)
    const a = await host.execute({ language: 'blk', source: 'return 1', globals: { x: list } }).catch((x: unknown) => x)
    expect((a as Error).message).toBe(`$.x${'[0]'.repeat(64)}: nesting deeper than 64`)
  })

  it('a bridge result: the BridgeError of the method, its reason the same', async () => {
    host = await createHost({ engines: [blockingEngine()], isolation: 'worker', workers: 1, limits: LIMITS, maxDepth: 10 })
    host.bridges.register(defineBridge({ name: 'b', methods: { deep: { args: [], handler: () => deep } } }))
    const e = await host.execute({ language: 'blk', source: "return await api.call('b.deep')" }).catch((x: unknown) => x)
    expect(e).toBeInstanceOf(BridgeError)
    expect((e as Error).message).toBe(`b.deep: invalid return value: $${'.o'.repeat(10)}: nesting deeper than 10`)
  })
})
