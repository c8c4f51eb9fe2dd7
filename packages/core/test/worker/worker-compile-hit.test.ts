import { afterEach, describe, expect, it } from 'vitest'
import { createHost, type Host } from '../../src/index.js'
import { blockingEngine } from '../fixtures/blocking-engine.mjs'

// stats.compileCacheHit with isolation 'worker' tells whether the run compiled its script: a
// worker that started after the host cached the script (a restart) compiles it again, and that
// run is a miss even though the host's own cache held the script. Loads dist/: build first.

const LIMITS = { instructions: false, memoryBytes: false, stackDepth: false, timeoutMs: 5_000 } as const
let host: Host | undefined
afterEach(async () => {
  await host?.close()
  host = undefined
})

const restarts = (h: Host) => (h.stats().engines.blk as unknown as { workerRestarts: number }).workerRestarts

describe('isolation worker: compileCacheHit', () => {
  it('is false for the first run on a restarted worker, for Script.run and execute', async () => {
    const h = await createHost({ engines: [blockingEngine()], isolation: 'worker', workers: 1, limits: LIMITS })
    host = h
    const script = await h.compile({ language: 'blk', source: 'return 7' })
    const hits = async () => [
      (await script.run()).stats.compileCacheHit,
      (await h.execute({ language: 'blk', source: 'return 8' })).stats.compileCacheHit,
    ]
    // Script.run's script was compiled by host.compile, on that same worker
    expect(await hits()).toEqual([true, false])
    expect(await hits()).toEqual([true, true])
    // the watchdog terminates the only worker; the next run gets a fresh one
    const killed = await h
      .execute({ language: 'blk', source: 'api.spin(20_000)', tenant: 'bad', limits: { timeoutMs: 20 } })
      .catch((e: unknown) => e)
    expect(killed).toMatchObject({ name: 'LimitExceededError', limit: 'timeout' })
    expect(restarts(h)).toBe(1)
    expect(await hits()).toEqual([false, false])
    expect(await hits()).toEqual([true, true])
  })
})
