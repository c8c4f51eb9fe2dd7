import { afterEach, describe, expect, it } from 'vitest'
import { createHost, type Host, LimitExceededError } from '../../src/index.js'
import { blockingEngine } from '../fixtures/blocking-engine.mjs'

// In worker isolation the time limit runs from the script's start on its state in the worker.
// The host learns of that start by a message, which it may read late (its thread is busy): its
// clock must still start where the worker's did, or a trip the worker reports (tripped on its
// own clock, past the limit) is re-measured on the host from the later start and reads as
// "timeout limit exceeded (155.2 > 300)". Worker mode loads dist/: `pnpm run build` first.

const TIMEOUT_MS = 300
/** How long the host thread is kept busy while the worker starts the script. */
const HOST_BUSY_MS = 150
const LIMITS = { instructions: false, memoryBytes: false, stackDepth: false, timeoutMs: TIMEOUT_MS } as const

let host: Host | undefined
afterEach(async () => {
  await host?.close()
  host = undefined
})

function busy(ms: number): void {
  const end = performance.now() + ms
  while (performance.now() < end) {}
}

describe('a timeout in worker isolation', () => {
  it('reports the time used from the script start in the worker, over the limit, also on a state first run', async () => {
    host = await createHost({ engines: [blockingEngine()], isolation: 'worker', workers: 1, limits: LIMITS })
    const script = await host.compile({ language: 'blk', source: 'api.loop()' })
    await host.execute({ language: 'blk', source: 'return 1', tenant: 't1' })
    // t1 first on its warm state; t2, t3 (and t1 again: a tripped state is discarded) on a
    // state's first run, made while the execution waits
    for (const tenant of ['t1', 't2', 't3', 't1', 't1']) {
      const started = performance.now()
      const run = script.run({ tenant }).catch((e: unknown) => e)
      // the job is sent to the worker within these microtasks, and the host reads no message
      // of the worker meanwhile: the worker starts the script while the host is still busy
      for (let i = 0; i < 1_000; i++) await Promise.resolve()
      busy(HOST_BUSY_MS)
      const e = await run
      const wall = performance.now() - started
      expect(e, tenant).toBeInstanceOf(LimitExceededError)
      const { used, max } = e as LimitExceededError
      expect(max).toBe(TIMEOUT_MS)
      expect(used, `${tenant}: ${(e as Error).message}`).toBeGreaterThan(max)
      expect((e as Error).message).toBe(`timeout limit exceeded (${used} > ${max})`)
      // the script had its full limit: the call took at least that long
      expect(wall).toBeGreaterThanOrEqual(TIMEOUT_MS)
    }
  })

  it('reports durationMs as the script ran in the worker, also when the host read its start late', async () => {
    host = await createHost({ engines: [blockingEngine()], isolation: 'worker', workers: 1, limits: LIMITS })
    const script = await host.compile({ language: 'blk', source: "api.spin(250); return 'ok'" })
    await host.execute({ language: 'blk', source: 'return 1' })
    const run = script.run()
    // the worker starts the script while the host is busy and reads nothing from it
    for (let i = 0; i < 1_000; i++) await Promise.resolve()
    busy(HOST_BUSY_MS)
    const r = await run
    expect(r.value).toBe('ok')
    // the host's clock starts where the worker's did, not when the host got round to it
    expect(r.stats.durationMs).toBeGreaterThanOrEqual(250)
    expect(r.stats.durationMs).toBeLessThan(TIMEOUT_MS)
  })
})
