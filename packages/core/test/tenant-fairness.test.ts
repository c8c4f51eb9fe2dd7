// One tenant keeping more executions in flight than the pool's max (each awaiting a bridge)
// must not starve another tenant: with tenant partitions on (the default), waiters are still
// served in the order they arrived, so the other tenant's execution gets a state after the
// few already in line before it, far within acquireTimeoutMs. Worker mode loads dist/.
import { afterEach, describe, expect, it } from 'vitest'
import { z } from 'zod'
import { defineBridge } from '../src/bridges.js'
import { createHost, type Host } from '../src/index.js'
import { blockingEngine } from './fixtures/blocking-engine.mjs'

const LIMITS = { instructions: false, memoryBytes: false, stackDepth: false, timeoutMs: 10_000 } as const
const ACQUIRE_TIMEOUT_MS = 8_000
const SLOW = "await api.call('b.sleep', 20); return api.tenant"

let host: Host | undefined
afterEach(async () => {
  await host?.close()
  host = undefined
})

async function fairHost(isolation: 'inline' | 'worker'): Promise<Host> {
  const h = await createHost({
    engines: [blockingEngine()],
    isolation,
    workers: 1,
    limits: LIMITS,
    pool: { max: 2, acquireTimeoutMs: ACQUIRE_TIMEOUT_MS },
  })
  const sleep = { args: [z.number()], handler: (_ctx: unknown, ms: number) => new Promise((r) => setTimeout(r, ms)) }
  h.bridges.register(defineBridge({ name: 'b', methods: { sleep } }))
  return h
}

/** `inFlight` loops of `tenant` running SLOW until stopped; `done` counts their executions. */
function keepBusy(h: Host, tenant: string, inFlight: number) {
  const state = { stopped: false, done: 0 }
  const loops = Array.from({ length: inFlight }, async () => {
    while (!state.stopped) {
      await h.execute({ language: 'blk', source: SLOW, tenant })
      state.done++
    }
  })
  return {
    state,
    stop: async () => {
      state.stopped = true
      await Promise.all(loops)
    },
  }
}

describe.each(['inline', 'worker'] as const)('tenants sharing a pool (%s)', (isolation) => {
  it('a tenant with 4 executions in flight over max 2 does not starve another tenant', async () => {
    host = await fairHost(isolation)
    const a = keepBusy(host, 'a', 4)
    await new Promise((r) => setTimeout(r, 300))
    const before = a.state.done
    const t0 = performance.now()
    const b = await host.execute({ language: 'blk', source: 'return api.tenant', tenant: 'b' }).catch((e: unknown) => e)
    const waited = performance.now() - t0
    const aMeanwhile = a.state.done - before
    await a.stop()
    expect(b).toMatchObject({ value: 'b' })
    // served after the two executions of a already waiting (and the two running), not after hundreds
    expect(aMeanwhile).toBeLessThanOrEqual(8)
    expect(waited).toBeLessThan(ACQUIRE_TIMEOUT_MS / 4)
  })

  it('three tenants with different loads each keep getting turns', async () => {
    host = await fairHost(isolation)
    const loads = [keepBusy(host, 'a', 4), keepBusy(host, 'b', 2), keepBusy(host, 'c', 1)]
    await new Promise((r) => setTimeout(r, 1_000))
    const counts = loads.map((l) => l.state.done)
    await Promise.all(loads.map((l) => l.stop()))
    const [a = 0, b = 0, c = 0] = counts
    // a line served in arrival order gives each tenant turns in proportion to its callers in line
    expect(c).toBeGreaterThan(0)
    expect(b).toBeGreaterThan(0)
    expect(c * 8).toBeGreaterThanOrEqual(a)
    expect(b * 4).toBeGreaterThanOrEqual(a)
  })
})
