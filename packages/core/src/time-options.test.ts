import { PolicyError } from '@polyhost/security'
import { afterEach, describe, expect, it } from 'vitest'
import { blockingEngine } from '../test/fixtures/blocking-engine.mjs'
import { createHost, type Host } from './host.js'
import type { HostOptions } from './host-options.js'
import { StatePool } from './pool.js'

// Node's timers hold at most 2^31 − 1 ms: a longer delay silently becomes 1 ms. Every option
// that ends up in a timer is refused above that, with a PolicyError naming the field.

const TOO_LONG = 2 ** 31
const LIMITS = { instructions: false, memoryBytes: false, stackDepth: false, timeoutMs: 5_000 } as const
let host: Host | undefined
afterEach(async () => {
  await host?.close()
  host = undefined
})

async function refused(options: Partial<HostOptions>): Promise<PolicyError> {
  const r = await createHost({ engines: [blockingEngine()], limits: LIMITS, ...options }).catch((e: unknown) => e)
  if (!(r instanceof PolicyError)) {
    host = r as Host
    throw new Error(`expected a PolicyError, got ${String(r)}`)
  }
  return r
}

describe('time-valued options beyond what timers can hold', () => {
  it('refuses limits.timeoutMs of 2^31 ms (which Node would turn into 1 ms)', async () => {
    const e = await refused({ limits: { ...LIMITS, timeoutMs: TOO_LONG } })
    expect(e.field).toBe('limits.timeoutMs')
    expect(e.message).toMatch(/at most 2147483647/)
  })

  it('accepts 2^31 − 1 ms, and a bridge wait is not cut short by it', async () => {
    host = await createHost({ engines: [blockingEngine()], limits: { ...LIMITS, timeoutMs: TOO_LONG - 1 } })
    const r = await host.execute({ language: 'blk', source: 'await new Promise((r) => setTimeout(r, 100)); api.check(); return 1' })
    expect(r.value).toBe(1)
  })

  it('refuses a request limit of 2^31 ms where the host has no time limit', async () => {
    host = await createHost({ engines: [blockingEngine()], isolation: 'worker', workers: 1, limits: { ...LIMITS, timeoutMs: false } })
    const e = await host.execute({ language: 'blk', source: 'return 1', limits: { timeoutMs: TOO_LONG } }).catch((x: unknown) => x)
    expect(e).toBeInstanceOf(PolicyError)
    expect(e).toMatchObject({ field: 'limits.timeoutMs' })
  })

  it.each(['acquireTimeoutMs', 'idleTimeoutMs', 'maxLifetimeMs', 'healthCheckIntervalMs', 'drainTimeoutMs'])(
    'refuses pool.%s of 2^31 ms',
    async (key) => {
      const e = await refused({ pool: { [key]: TOO_LONG } })
      expect(e.field).toBe(`pool.${key}`)
      expect(() => new StatePool({ create: () => ({}), reset() {}, validate: () => true, destroy() {} }, { [key]: TOO_LONG })).toThrow(
        PolicyError,
      )
    },
  )

  it('refuses worker.killMarginMs of 2^31 ms', async () => {
    const e = await refused({ isolation: 'worker', workers: 1, worker: { killMarginMs: TOO_LONG } })
    expect(e.field).toBe('worker.killMarginMs')
  })
})
