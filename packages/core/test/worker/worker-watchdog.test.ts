import { afterEach, describe, expect, it } from 'vitest'
import { z } from 'zod'
import {
  CancelledError,
  createHost,
  defineBridge,
  EngineCrashedError,
  type Host,
  type HostOptions,
  InterruptedError,
  LimitExceededError,
} from '../../src/index.js'
import { blockingEngine } from '../fixtures/blocking-engine.mjs'

// The watchdog terminates a worker only for the execution that is on its thread; executions
// that merely wait are ended without a kill, and bystanders of a kill are retried or get a
// distinct, retryable error. Loads dist/: `pnpm run build` first. Generous time bounds.

const LIMITS = { instructions: false, memoryBytes: false, stackDepth: false, timeoutMs: 3_000 } as const
let host: Host | undefined

async function start(options: Partial<HostOptions> = {}): Promise<Host> {
  host = await createHost({ engines: [blockingEngine()], isolation: 'worker', workers: 1, limits: LIMITS, ...options })
  host.bridges.register(
    defineBridge({
      name: 's',
      methods: {
        sync: { args: [], handler: () => 'ok' },
        wait: { args: [z.number()], handler: (_c, ms) => new Promise((r) => setTimeout(() => r(ms), ms)) },
      },
    }),
  )
  return host
}
const run = (h: Host, source: string, extra: object = {}) => h.execute({ language: 'blk', source, ...extra })
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))
const restarts = (h: Host) => h.stats().engines.blk?.workerRestarts

afterEach(async () => {
  await host?.close()
  host = undefined
})

describe('watchdog: only the culprit is killed', () => {
  it('an execution aborted while awaiting a bridge is cancelled without killing the busy worker (issue scenario)', async () => {
    const h = await start()
    const ac = new AbortController()
    const a = run(h, "await api.call('s.wait', 2000); return 'A'", { tenant: 'a', signal: ac.signal })
    await sleep(30)
    const v = run(h, "api.call('s.sync'); api.spin(400); return 'V'", { tenant: 'v' })
    setTimeout(() => ac.abort(), 100)
    const [ra, rv] = await Promise.allSettled([a, v])
    expect(rv).toMatchObject({ status: 'fulfilled', value: { value: 'V' } })
    expect(ra).toMatchObject({ status: 'rejected', reason: expect.any(CancelledError) })
    expect(restarts(h)).toBe(0)
  })

  it('the same when the waiting execution reaches its deadline', async () => {
    const h = await start()
    const a = run(h, "await api.call('s.wait', 2000); return 'A'", { tenant: 'a', limits: { timeoutMs: 100 } })
    await sleep(30)
    const v = run(h, "api.call('s.sync'); api.spin(400); return 'V'", { tenant: 'v' })
    const [ra, rv] = await Promise.allSettled([a, v])
    expect(rv).toMatchObject({ status: 'fulfilled', value: { value: 'V' } })
    expect(ra).toMatchObject({ status: 'rejected', reason: { limit: 'timeout' } })
    expect(restarts(h)).toBe(0)
  })

  it('still kills a worker whose own execution overruns in a builtin', async () => {
    const h = await start()
    const started = performance.now()
    const error = await run(h, 'api.spin(20_000)', { limits: { timeoutMs: 150 } }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(LimitExceededError)
    expect(performance.now() - started).toBeLessThan(5_000)
    expect(restarts(h)).toBe(1)
  })

  it('kills an overrunning execution that resumed after an async bridge', async () => {
    const h = await start()
    const error = await run(h, "await api.call('s.wait', 10); api.spin(20_000)", { limits: { timeoutMs: 150 } }).catch((e: unknown) => e)
    expect(error).toMatchObject({ limit: 'timeout' })
    expect(restarts(h)).toBe(1)
  })

  it('a bystander of a kill that made a bridge call fails with a retryable InterruptedError', async () => {
    const h = await start()
    const touched = run(h, "api.call('s.sync'); await api.call('s.wait', 400); return 'touched'")
    await sleep(50)
    const runaway = run(h, 'api.spin(20_000)', { limits: { timeoutMs: 150 } })
    const pure = run(h, "return 'pure'")
    const [t, r, p] = await Promise.allSettled([touched, runaway, pure])
    expect(r).toMatchObject({ status: 'rejected', reason: { limit: 'timeout' } })
    expect(p).toMatchObject({ status: 'fulfilled', value: { value: 'pure' } })
    expect(t).toMatchObject({ status: 'rejected', reason: expect.any(InterruptedError) })
    const e = (t as PromiseRejectedResult).reason as InterruptedError
    expect(e).toBeInstanceOf(EngineCrashedError)
    expect(e).toMatchObject({ code: 'E_INTERRUPTED', retryable: true })
  })

  it('the bridge handlers of a bystander that cannot run again are aborted with its InterruptedError', async () => {
    // the caller is told to retry: the lost run's handler must learn at once that its work is
    // unwanted, not keep going (a write the retry then repeats) until the old deadline
    const h = await start()
    let signal: AbortSignal | undefined
    h.bridges.register(
      defineBridge({
        name: 'h',
        methods: {
          hold: {
            args: [],
            handler: (ctx) => {
              signal = ctx.signal
              return new Promise((r) => setTimeout(() => r('late'), 2_000))
            },
          },
        },
      }),
    )
    const touched = run(h, "return await api.call('h.hold')", { tenant: 't' })
    await sleep(50)
    const runaway = run(h, 'api.spin(20_000)', { tenant: 'r', limits: { timeoutMs: 150 } })
    const [t] = await Promise.allSettled([touched, runaway])
    expect(t).toMatchObject({ status: 'rejected', reason: expect.any(InterruptedError) })
    expect(signal?.aborted).toBe(true)
    expect(signal?.reason).toBe((t as PromiseRejectedResult).reason)
  })

  it('a bystander that had begun is run again with its whole time limit, not what the lost run left of it', async () => {
    // the bystander starts, yields (a Lua time slice, an await), the runaway takes the thread;
    // the retry waits for a new worker (slow to start here) and runs from the beginning again
    const h = await start({ engines: [blockingEngine({ startDelayMs: 1_500 })] })
    const limits = { timeoutMs: 1_200 }
    const bystander = run(h, "await new Promise((r) => setTimeout(r, 50)); return 'pure'", { tenant: 'b', limits })
    await sleep(10)
    const runaway = run(h, 'api.spin(20_000)', { tenant: 'r', limits: { timeoutMs: 150 } })
    const [b, r] = await Promise.allSettled([bystander, runaway])
    expect(r).toMatchObject({ status: 'rejected', reason: { limit: 'timeout' } })
    expect(b).toMatchObject({ status: 'fulfilled', value: { value: 'pure' } })
    expect((b as PromiseFulfilledResult<{ stats: { durationMs: number } }>).value.stats.durationMs).toBeLessThan(1_200)
    expect(restarts(h)).toBe(1)
  }, 30_000)
})
