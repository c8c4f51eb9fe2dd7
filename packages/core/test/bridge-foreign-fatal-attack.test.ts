import { afterEach, describe, expect, it } from 'vitest'
import { createHost, defineBridge, type Host, LimitExceededError } from '../src/index.js'
import { blockingEngine } from './fixtures/blocking-engine.mjs'

// A handler that runs another execution (`host.execute` inside a bridge call) and lets that
// execution's LimitExceededError escape used to end the calling execution with it, as if the
// caller had hit the limit (worker mode: `timeout limit exceeded (304 > 1000)` for a caller
// under 1 s, uncatchable, its state discarded). Only the
// execution's own fatal error (its signal's reason) may end it from a handler; another
// execution's is a handler failure the script can catch. Worker mode loads dist/: build first.

const LIMITS = { instructions: false, memoryBytes: false, stackDepth: false, timeoutMs: 5_000 } as const
let host: Host | undefined
afterEach(async () => {
  await host?.close()
  host = undefined
})

describe.each(['inline', 'worker'] as const)('a fatal error a handler throws (%s)', (isolation) => {
  it("is a catchable handler failure when it is another execution's", async () => {
    const h = await createHost({ engines: [blockingEngine()], isolation, workers: 1, limits: LIMITS, pool: { min: 0, max: 2 } })
    host = h
    h.bridges.register(
      defineBridge({
        name: 'inner',
        methods: {
          run: {
            args: [],
            handler: async () =>
              (
                await h.execute({
                  language: 'blk',
                  source: 'await new Promise((r) => setTimeout(r, 2000)); return 1',
                  limits: { timeoutMs: 100 },
                })
              ).value,
          },
        },
      }),
    )
    const r = await h.execute({
      language: 'blk',
      source: "try { await api.call('inner.run'); return 'no error' } catch (e) { return 'caught: ' + e.message }",
    })
    expect(r.value).toMatch(/^caught: timeout limit exceeded \(\d+(\.\d+)? > 100\)$/)
    expect((await h.execute({ language: 'blk', source: 'return 42' })).value).toBe(42)
  }, 30_000)

  it("still ends the execution when it is the execution's own (a handler rejecting on ctx.signal)", async () => {
    const h = await createHost({ engines: [blockingEngine()], isolation, workers: 1, limits: LIMITS })
    host = h
    h.bridges.register(
      defineBridge({
        name: 'wait',
        methods: {
          abort: {
            args: [],
            handler: (ctx) => new Promise((_, reject) => ctx.signal.addEventListener('abort', () => reject(ctx.signal.reason))),
          },
        },
      }),
    )
    const e = await h
      .execute({
        language: 'blk',
        source: "try { await api.call('wait.abort') } catch (e) { return 'caught' }",
        limits: { timeoutMs: 200 },
      })
      .catch((x: unknown) => x)
    expect(e).toBeInstanceOf(LimitExceededError)
    expect((e as LimitExceededError).limit).toBe('timeout')
  }, 30_000)
})
