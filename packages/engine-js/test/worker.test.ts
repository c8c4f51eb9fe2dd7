import { createHost, defineBridge, type Host, LimitExceededError, type Limits } from '@polyhost/core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { timedFailure as timeFailure } from '@polyhost/core/testing'
import { z } from 'zod'
import { jsEngine } from '../src/index.js'

// isolation 'worker' with the QuickJS engine. Workers run plain Node and load the built
// packages (dist/): run `pnpm turbo run build` first (the root `pnpm test` does). Without a
// build, createHost fails at once with an error naming the missing file.

const TIMEOUT = 300
// a short watchdog margin leaves room for a loaded machine inside deadline + 1000 ms
const KILL_MARGIN_MS = 20

let host: Host
beforeAll(async () => {
  host = await createHost({
    engines: [jsEngine()],
    isolation: 'worker',
    workers: 2,
    worker: { killMarginMs: KILL_MARGIN_MS },
    limits: { timeoutMs: 4_000 },
    pool: { min: 1, max: 2 },
  })
  host.bridges.register(
    defineBridge({
      name: 'kv',
      methods: {
        sget: { args: [z.string()], handler: (ctx, k) => `${k}@${ctx.tenant}` },
        aget: { args: [z.string()], handler: async (_ctx, k) => `async:${k}` },
      },
    }),
  )
})
afterAll(() => host.close())

/** Runs a precompiled script (so the clock starts with the execution) and times its failure. */
const timedFailure = (source: string, limits: Limits) => timeFailure(host, { language: 'js', source, name: 'bomb.js' }, limits)

async function healthy(): Promise<void> {
  const r = await host.execute({ language: 'js', source: '[1, 2, 3].map((x) => x * 2).join(",")' })
  expect(r.value).toBe('2,4,6')
}

describe('js in worker isolation', () => {
  it('a synchronous bridge returns synchronously; an async one returns a Promise', async () => {
    const r = await host.execute({
      language: 'js',
      source: 'const v = kv.sget("a"); const p = kv.aget("b"); console.log("hi"); [typeof v, v, p instanceof Promise, await p, ARGV[0]]',
      globals: { ARGV: ['x'] },
      tenant: 't1',
    })
    expect(r.value).toEqual(['string', 'a@t1', true, 'async:b', 'x'])
    expect(r.logs.map((l) => l.message)).toEqual(['hi'])
    expect(r.stats.bridgeCalls).toBe(2)
  })

  it('kills a JSON.parse bomb within its deadline + 1000 ms (left alone it runs ~6 s)', async () => {
    const { error, ms } = await timedFailure("const s = '[' + '1,'.repeat(2e7) + '1]'; JSON.parse(s).length", { timeoutMs: TIMEOUT })
    expect(error).toBeInstanceOf(LimitExceededError)
    expect(['timeout', 'memory']).toContain((error as LimitExceededError).limit)
    // the deadline starts when the script starts on its state; the call also hands it to the
    // worker and compiles it first. Unstopped, this parse runs ~5.9 s in a worker; a loaded
    // 2-core machine took 664-693 ms to stop it (deadline 300 ms), a quiet one ~500 ms
    expect(ms).toBeLessThan(TIMEOUT + 1000)
    await healthy()
    // whichever stopped it (the engine's interrupt, or the host terminating the worker), the
    // worker count stays whole
    expect(host.stats().engines.js?.workers).toBe(2)
  })

  it('a string-doubling bomb cannot take the host down', async () => {
    const { error } = await timedFailure("let s = 'x'; while (true) s += s", {})
    expect(error).toBeInstanceOf(LimitExceededError)
    expect(['memory', 'timeout']).toContain((error as LimitExceededError).limit)
    await healthy()
  })

  it('serves concurrent executions across workers after a kill', async () => {
    await timedFailure("const s = '[' + '1,'.repeat(2e7) + '1]'; JSON.parse(s).length", { timeoutMs: 100 })
    const rs = await Promise.all([1, 2, 3, 4].map((n) => host.execute({ language: 'js', source: `${n} * 2` })))
    expect(rs.map((r) => r.value)).toEqual([2, 4, 6, 8])
  })
})
