// "Registering or unregistering takes effect for executions that start afterwards": an
// execution calls through the bridges registered when it started, whatever is registered or
// unregistered while it runs. Worker mode loads dist/.
import { afterEach, describe, expect, it } from 'vitest'
import { defineBridge } from '../src/bridges.js'
import { createHost, type Host } from '../src/index.js'
import { blockingEngine } from './fixtures/blocking-engine.mjs'

const LIMITS = { instructions: false, memoryBytes: false, stackDepth: false, timeoutMs: 10_000 } as const
let host: Host | undefined
afterEach(async () => {
  await host?.close()
  host = undefined
})

const version = (v: number) =>
  defineBridge({
    name: 'api2',
    methods: {
      call: {
        args: [],
        handler: async () => {
          await new Promise((r) => setTimeout(r, 100))
          return `v${v}`
        },
      },
    },
  })
const SOURCE =
  "const a = await api.call('api2.call'); let b; try { b = await api.call('api2.call') } catch (e) { b = e.message }; return [a, b]"
const pause = (ms: number) => new Promise((r) => setTimeout(r, ms))

describe.each(['inline', 'worker'] as const)('bridge changes during an execution (%s)', (isolation) => {
  it('apply to executions that start afterwards only', async () => {
    host = await createHost({ engines: [blockingEngine()], isolation, workers: 1, limits: LIMITS })
    const h = host
    await h.execute({ language: 'blk', source: 'return 0' })
    h.bridges.register(version(1))
    const first = h.execute({ language: 'blk', source: SOURCE })
    await pause(50) // awaiting its first call
    h.bridges.unregister('api2')
    // it fails at once (no api2 when it starts): caught now, not left unhandled while `first` runs
    const second = h.execute({ language: 'blk', source: SOURCE }).catch((e: unknown) => e)
    await pause(50)
    h.bridges.register(version(2))
    expect((await first).value).toEqual(['v1', 'v1'])
    expect(await second).toMatchObject({ name: 'BridgeError', message: 'api2.call is not available' })
    expect((await h.execute({ language: 'blk', source: SOURCE })).value).toEqual(['v2', 'v2'])
  })
})
