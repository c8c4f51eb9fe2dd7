import { createHost, defineBridge, type Host, LimitExceededError, type Limits } from '@polyhost/core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { timedFailure as timeFailure } from '@polyhost/core/testing'
import { z } from 'zod'
import { luaEngine } from '../src/index.js'

// isolation 'worker' with the Lua engine. Workers run plain Node and load the built packages
// (dist/): run `pnpm turbo run build` first (the root `pnpm test` does). Without a build,
// createHost fails at once with an error naming the missing file.

const MiB = 1024 * 1024
const LIMITS: Limits = { instructions: false, timeoutMs: 4_000, memoryBytes: 64 * MiB, stackDepth: 100 }
const TIMEOUT = 300

let host: Host
beforeAll(async () => {
  host = await createHost({
    engines: [luaEngine()],
    isolation: 'worker',
    workers: 2,
    // a short watchdog margin leaves room for a loaded machine inside deadline + 250 ms
    worker: { killMarginMs: 20 },
    limits: LIMITS,
    pool: { min: 1, max: 2 },
  })
  host.bridges.register(
    defineBridge({
      name: 'kv',
      methods: {
        get: { args: [z.string()], handler: async (ctx, k) => `${k}@${ctx.tenant}` },
        now: { args: [], handler: () => 42 },
      },
    }),
  )
})
afterAll(() => host.close())

/** Runs a precompiled script (so the clock starts with the execution) and times its failure. */
const timedFailure = (source: string, limits: Limits) => timeFailure(host, { language: 'lua', source, name: 'bomb.lua' }, limits)

async function healthy(): Promise<void> {
  const r = await host.execute({ language: 'lua', source: 'local t = {} for i = 1, 10 do t[i] = i end return #t, ("ab"):rep(2)' })
  expect(r.values).toEqual([10, 'abab'])
}

describe('lua in worker isolation', () => {
  it('runs scripts with bridges: an async handler looks synchronous to Lua', async () => {
    const r = await host.execute({
      language: 'lua',
      source: 'print("hi") return kv.get("a"), kv.now(), ARGV[1]',
      globals: { ARGV: ['x'] },
      tenant: 't1',
    })
    expect(r.values).toEqual(['a@t1', 42, 'x'])
    expect(r.logs.map((l) => l.message)).toEqual(['hi'])
    expect(r.stats.bridgeCalls).toBe(2)
  })

  it('kills a pattern-matching bomb within its deadline + 250 ms', async () => {
    const { error, ms } = await timedFailure('return string.find(("a"):rep(300000), ".-.-.-.-.-b")', { timeoutMs: TIMEOUT })
    expect(error).toBeInstanceOf(LimitExceededError)
    expect((error as LimitExceededError).limit).toBe('timeout')
    // the deadline starts when the script starts on its state; the call also hands it to the
    // worker and compiles it first
    expect(ms).toBeLessThan(TIMEOUT + 250)
    await healthy()
  })

  it('a string-doubling bomb cannot take the host down', async () => {
    const { error } = await timedFailure('local s = "x" while true do s = s .. s end', {})
    expect(error).toBeInstanceOf(LimitExceededError)
    expect(['memory', 'timeout']).toContain((error as LimitExceededError).limit)
    await healthy()
  })

  it('refuses a builtin that would hold the worker past its deadline, without a restart, and keeps serving', async () => {
    const restarts = () => host.stats().engines.lua?.workerRestarts as number
    const before = restarts()
    // building a 60 MB string is one fengari call (90–400 ms on the machines seen) with no hook
    // inside: the allocation guard refuses it when its pages could not be first touched by the
    // deadline (core's firstTouchMs), so the watchdog need not end the worker (engine-js's
    // worker test still has a builtin the watchdog ends: a JSON.parse bomb)
    const { error, ms } = await timedFailure('local s = ("x"):rep(60000000) return #s', { timeoutMs: 30 })
    expect(error).toBeInstanceOf(LimitExceededError)
    expect((error as LimitExceededError).limit).toBe('timeout')
    expect(ms).toBeLessThan(30 + 100)
    const rs = await Promise.all([1, 2, 3, 4].map((n) => host.execute({ language: 'lua', source: `return ${n} * 2` })))
    expect(rs.map((r) => r.value)).toEqual([2, 4, 6, 8])
    expect(restarts()).toBe(before)
  })
})
