import { afterEach, describe, expect, it } from 'vitest'
import { createHost, type Host, InvalidArgumentError } from '../src/index.js'
import { blockingEngine } from './fixtures/blocking-engine.mjs'

// Executions that carry a tenant never share a pooled state (or a worker's engine state) with
// another tenant unless the host opts out with partitionByTenant: false. Worker mode loads
// dist/: `pnpm run build` first.

const LIMITS = { instructions: false, memoryBytes: false, stackDepth: false, timeoutMs: 5_000 } as const
let host: Host | undefined
afterEach(async () => {
  await host?.close()
  host = undefined
})

type StateInfo = { id: number; partition: string | undefined; threadId: number }
async function stateOf(h: Host, tenant: string | undefined): Promise<StateInfo> {
  const r = await h.execute({ language: 'blk', source: 'return api.state()', ...(tenant === undefined ? {} : { tenant }) })
  return r.value as StateInfo
}

describe.each(['inline', 'worker'] as const)('tenant partitions by default (%s)', (isolation) => {
  it('gives each tenant its own states, with default options', async () => {
    host = await createHost({ engines: [blockingEngine()], isolation, workers: 1, limits: LIMITS })
    const a = await stateOf(host, 'a')
    const b = await stateOf(host, 'b')
    const viaContext = (await host.execute({ language: 'blk', source: 'return api.state()', context: { tenant: 'b' } })).value as StateInfo
    const none = await stateOf(host, undefined)
    expect(b.id).not.toBe(a.id)
    expect(viaContext.id).toBe(b.id)
    expect([a.id, b.id]).not.toContain(none.id)
    expect((await stateOf(host, 'a')).id).toBe(a.id)
  })

  it('shares states across tenants only with partitionByTenant: false', async () => {
    host = await createHost({
      engines: [blockingEngine()],
      isolation,
      workers: 1,
      limits: LIMITS,
      pool: { max: 1, partitionByTenant: false },
    })
    const a = await stateOf(host, 'a')
    const b = await stateOf(host, 'b')
    expect(b.id).toBe(a.id)
  })
})

describe.each(['inline', 'worker'] as const)('an empty tenant (%s)', (isolation) => {
  it("is refused as a request's tenant: '' is the partition of executions without one", async () => {
    host = await createHost({ engines: [blockingEngine()], isolation, workers: 1, limits: LIMITS })
    const e = await stateOf(host, '').catch((x: unknown) => x)
    expect(e).toBeInstanceOf(InvalidArgumentError)
    expect((e as Error).message).toBe('execute: tenant: a tenant must be a non-empty string')
    const s = await host.compile({ language: 'blk', source: 'return api.tenant' })
    await expect(s.run({ tenant: '' })).rejects.toThrow('run: tenant: a tenant must be a non-empty string')
  })

  it('names no tenant when it comes from context.tenant', async () => {
    host = await createHost({ engines: [blockingEngine()], isolation, workers: 1, limits: LIMITS })
    const none = await stateOf(host, undefined)
    const r = await host.execute({ language: 'blk', source: 'return [api.tenant ?? null, api.state().id]', context: { tenant: '' } })
    expect(r.value).toEqual([null, none.id])
  })
})
