import { afterEach, describe, expect, it } from 'vitest'
import { z } from 'zod'
import { createHost, defineBridge, type Host, type HostOptions } from '../../src/index.js'
import { blockingEngine } from '../fixtures/blocking-engine.mjs'

// Policy per execution, never per thread: each execution runs under the policy it started
// with (the engine's env.security in the worker is that policy for as long as it runs), and a
// retry re-reads the policy in force. `api.fingerprint()` reads env.security in the worker.
// Loads dist/: `pnpm run build` first.

const LIMITS = { instructions: false, memoryBytes: false, stackDepth: false, timeoutMs: 5_000 } as const
let host: Host | undefined

async function start(options: Partial<HostOptions> = {}): Promise<Host> {
  host = await createHost({ engines: [blockingEngine()], isolation: 'worker', workers: 1, limits: LIMITS, policy: 'minimal', ...options })
  host.bridges.register(
    defineBridge({
      name: 's',
      methods: { wait: { args: [z.number()], handler: (_c, ms) => new Promise((r) => setTimeout(() => r(ms), ms)) } },
    }),
  )
  return host
}
const run = (h: Host, source: string, extra: object = {}) => h.execute({ language: 'blk', source, ...extra })
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

afterEach(async () => {
  await host?.close()
  host = undefined
})

describe('isolation worker: policy per execution', () => {
  it('an execution keeps its own policy while a later one runs under the new policy (setPolicy race)', async () => {
    const h = await start()
    const minimal = h.security.fingerprint
    const old = run(h, "const before = api.fingerprint(); await api.call('s.wait', 300); return [before, api.fingerprint()]")
    await sleep(100)
    h.setPolicy('strict')
    const strict = h.security.fingerprint
    expect(strict).not.toBe(minimal)
    const next = run(h, 'return api.fingerprint()')
    const [o, n] = await Promise.all([old, next])
    expect(o.value).toEqual([minimal, minimal])
    expect(n.value).toBe(strict)
  })

  it('a retried execution runs under the policy in force when it is retried', async () => {
    const h = await start({ pool: { max: 1 } })
    // compiled (and cached) now, so the bystander's execution starts before setPolicy
    await run(h, 'return api.fingerprint()')
    const runaway = run(h, 'api.spin(20_000)', { limits: { timeoutMs: 300 } }).catch((e: unknown) => e)
    await sleep(50)
    // waits for the only state, behind the runaway; lost with the worker, then run again
    const bystander = run(h, 'return api.fingerprint()')
    await sleep(50)
    h.setPolicy('strict')
    expect(await runaway).toMatchObject({ limit: 'timeout' })
    expect((await bystander).value).toBe(h.security.fingerprint)
    expect((await run(h, 'return api.fingerprint()')).value).toBe(h.security.fingerprint)
    expect(h.stats().engines.blk?.workerRestarts).toBe(1)
  })
})
