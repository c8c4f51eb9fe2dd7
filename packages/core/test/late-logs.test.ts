import { afterEach, describe, expect, it } from 'vitest'
import { createHost, defineBridge, type Host } from '../src/index.js'
import { blockingEngine } from './fixtures/blocking-engine.mjs'

// A handler still running after its execution delivered a result must not change that
// result: its late ctx.log lines are dropped, never appended to the caller's logs.
// Worker mode loads dist/: `pnpm run build` first.

const LIMITS = { instructions: false, memoryBytes: false, stackDepth: false, timeoutMs: 5_000 } as const
let host: Host | undefined
afterEach(async () => {
  await host?.close()
  host = undefined
})
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

describe.each(['inline', 'worker'] as const)('late handler logs (%s)', (isolation) => {
  it('are not appended to a result the caller already holds', async () => {
    host = await createHost({ engines: [blockingEngine()], isolation, workers: 1, limits: LIMITS })
    let logged = false
    host.bridges.register(
      defineBridge({
        name: 'slow',
        methods: {
          later: {
            args: [],
            handler: async (ctx) => {
              ctx.log('early')
              await sleep(100)
              ctx.log('late')
              logged = true
            },
          },
        },
      }),
    )
    const r = await host.execute({ language: 'blk', source: "api.call('slow.later'); api.log('script'); return 1" })
    const seen = r.logs.map((l) => l.message)
    await sleep(300)
    expect(logged).toBe(true)
    expect(r.logs.map((l) => l.message)).toEqual(seen)
    expect(seen).not.toContain('late')
    expect(seen).toEqual(['early', 'script'])
  })
})
