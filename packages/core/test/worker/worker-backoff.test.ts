import { afterEach, describe, expect, it } from 'vitest'
import { createHost, type Host } from '../../src/index.js'
import { blockingEngine } from '../fixtures/blocking-engine.mjs'

// A script that keeps making the watchdog terminate its worker costs bounded restarts: its
// tenant (or, without a tenant, the script) waits out a back-off that doubles per kill.
// Loads dist/: `pnpm run build` first.

const LIMITS = { instructions: false, memoryBytes: false, stackDepth: false, timeoutMs: 5_000 } as const
let host: Host | undefined
afterEach(async () => {
  await host?.close()
  host = undefined
})

/** A one-worker host of the blocking engine, its worker started by a first execution. */
async function warmHost(worker?: { killMarginMs: number }): Promise<Host> {
  host = await createHost({ engines: [blockingEngine()], isolation: 'worker', workers: 1, limits: LIMITS, worker })
  await host.execute({ language: 'blk', source: 'return 0', tenant: 'warm' })
  return host
}

type WorkerStats = { workerRestarts: number; workerKills: number; backoffWaits: number }
const workerStats = (h: Host) => h.stats().engines.blk as unknown as WorkerStats

describe('isolation worker: restart back-off for worker kills', () => {
  it('20 runs of a script the watchdog must kill cost a bounded number of restarts', async () => {
    const h = await warmHost()
    const source = 'api.spin(20_000)'
    const cpu = process.cpuUsage()
    const t = performance.now()
    const errors: unknown[] = []
    for (let i = 0; i < 20; i++) {
      errors.push(await h.execute({ language: 'blk', source, tenant: 'bad', limits: { timeoutMs: 20 } }).catch((e: unknown) => e))
    }
    const wall = performance.now() - t
    const used = process.cpuUsage(cpu)
    const stats = workerStats(h)
    // every run still ends with its own timeout error
    for (const e of errors) expect(e).toMatchObject({ name: 'LimitExceededError', limit: 'timeout' })
    expect(stats.workerRestarts).toBeLessThanOrEqual(5)
    expect(stats.workerKills).toBe(stats.workerRestarts)
    expect(stats.backoffWaits).toBeGreaterThanOrEqual(20 - stats.workerKills - 1)
    console.info(
      `20 killing runs: ${stats.workerKills} kills, ${Math.round(wall)} ms wall, ${Math.round((used.user + used.system) / 1000)} ms CPU`,
    )
    // another tenant is not held back
    const started = performance.now()
    expect((await h.execute({ language: 'blk', source: 'return 1', tenant: 'good' })).value).toBe(1)
    expect(performance.now() - started).toBeLessThan(3_000)
  })
})

describe('isolation worker: a thread that is unwinding is not killed', () => {
  it('an ended execution whose worker acknowledged it gets a grace period instead of a kill', async () => {
    // killMarginMs 20: the thread needs 600 ms to unwind after it saw the deadline, far past
    // the margin. It has acknowledged the end, so the caller is answered at the margin and the
    // worker survives (before: terminated, and its tenant backed off for every such trip).
    const h = await warmHost({ killMarginMs: 20 })
    const started = performance.now()
    const e = await h
      .execute({ language: 'blk', source: 'api.unwindSlowly(600)', tenant: 't', limits: { timeoutMs: 100 } })
      .catch((x: unknown) => x)
    const answeredMs = performance.now() - started
    expect(e).toMatchObject({ name: 'LimitExceededError', limit: 'timeout' })
    expect(answeredMs, 'answered before the unwinding ended').toBeLessThan(600)
    expect((await h.execute({ language: 'blk', source: 'return 2', tenant: 't' })).value).toBe(2)
    const stats = workerStats(h)
    expect(stats.workerKills).toBe(0)
    expect(stats.workerRestarts).toBe(0)
    expect(stats.backoffWaits).toBe(0)
  })

  it('a thread that acknowledged but still holds on past the grace is terminated', async () => {
    const h = await warmHost({ killMarginMs: 20 })
    const e = await h
      .execute({ language: 'blk', source: 'api.unwindSlowly(60_000)', tenant: 't', limits: { timeoutMs: 100 } })
      .catch((x: unknown) => x)
    expect(e).toMatchObject({ name: 'LimitExceededError', limit: 'timeout' })
    const t = performance.now()
    // the next execution needs the thread: it runs once the stuck worker was replaced
    expect((await h.execute({ language: 'blk', source: 'return 3', tenant: 'other' })).value).toBe(3)
    expect(performance.now() - t, 'replaced after the grace, not after 60 s').toBeLessThan(20_000)
    const stats = workerStats(h)
    expect(stats.workerKills).toBe(1)
  })
})

describe('isolation worker: waiting for a restarting worker', () => {
  // a worker the watchdog terminated takes its start-up time to come back; an execution that
  // waits for it ends at once when its caller aborts, and is bounded by the acquire timeout
  const START_MS = 3_000
  async function killedHost(acquireTimeoutMs = 0): Promise<Host> {
    host = await createHost({
      engines: [blockingEngine({ startDelayMs: START_MS })],
      isolation: 'worker',
      workers: 1,
      limits: LIMITS,
      worker: { killMarginMs: 50 },
      pool: { acquireTimeoutMs },
    })
    await host.execute({ language: 'blk', source: 'return 0' })
    await host.execute({ language: 'blk', source: 'api.spin(20_000)', limits: { timeoutMs: 20 } }).catch(() => undefined)
    expect(workerStats(host).workerKills).toBe(1)
    return host
  }
  const abortedRun = async (h: Host, source: string, limits?: { timeoutMs: number }) => {
    const started = performance.now()
    const e = await h.execute({ language: 'blk', source, signal: AbortSignal.timeout(20), limits }).catch((x: unknown) => x)
    return { e, ms: performance.now() - started }
  }

  it('a caller abort ends the wait for the worker (compiled script, new script, short time limit)', async () => {
    const h = await killedHost()
    for (const [source, limits] of [['return 0'], ['return 1'], ['return 2', { timeoutMs: 800 }]] as const) {
      const { e, ms } = await abortedRun(h, source, limits)
      expect(e, source).toMatchObject({ name: 'CancelledError' })
      expect(ms, source).toBeLessThan(START_MS / 2)
    }
  })

  it('the acquire timeout bounds the wait for the worker', async () => {
    const h = await killedHost(200)
    const started = performance.now()
    const e = await h.execute({ language: 'blk', source: 'return 0' }).catch((x: unknown) => x)
    expect(e).toMatchObject({ name: 'PoolExhaustedError' })
    expect(performance.now() - started).toBeLessThan(START_MS / 2)
  })
})
