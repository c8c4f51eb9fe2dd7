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

describe('isolation worker: restart back-off for worker kills', () => {
  it('20 runs of a script the watchdog must kill cost a bounded number of restarts', async () => {
    const h = await createHost({ engines: [blockingEngine()], isolation: 'worker', workers: 1, limits: LIMITS })
    host = h
    const source = 'api.spin(20_000)'
    await h.execute({ language: 'blk', source: 'return 0', tenant: 'warm' })
    const cpu = process.cpuUsage()
    const t = performance.now()
    const errors: unknown[] = []
    for (let i = 0; i < 20; i++) {
      errors.push(await h.execute({ language: 'blk', source, tenant: 'bad', limits: { timeoutMs: 20 } }).catch((e: unknown) => e))
    }
    const wall = performance.now() - t
    const used = process.cpuUsage(cpu)
    const stats = h.stats().engines.blk as unknown as { workerRestarts: number; workerKills: number; backoffWaits: number }
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
