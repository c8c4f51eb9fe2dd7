import { InvalidArgumentError } from '@polyhost/core'
import { Redis } from 'ioredis'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { MAX_TENANT_BYTES } from '../src/index.js'
import { connection, useQueueFixture } from './support.js'

// A fair queue keeps, per tenant, its last priority and its pending count. Both hashes hold only
// tenants with jobs pending: a tenant whose jobs all ended is dropped from them (before, its
// last priority stayed forever, one field per tenant ever seen), and a returning tenant gets
// the priority a new one gets. Tenant ids are bounded at enqueue.

const fx = useQueueFixture({ name: 'fair-keys', concurrency: 4 })
let redis: Redis
beforeAll(() => {
  redis = new Redis(connection())
})
afterAll(async () => {
  await redis.quit()
})

const script = { language: 'lua', source: 'return 1' }
const key = (k: string) => `bull:${fx.queue.bull.name}:polyhost:fair:${k}`

describe('fair queue keys', () => {
  it('holds no field for tenants whose jobs have all ended; a returning tenant starts as a new one', async () => {
    for (let round = 0; round < 2; round++) {
      const items = Array.from({ length: 200 }, (_, i) => ({ request: { script, tenant: `t${i}` } }))
      const jobs = await fx.queue.enqueueMany(items)
      await Promise.all(jobs.map((j) => j.result({ timeoutMs: 60_000 })))
      expect(await redis.hlen(key('next'))).toBe(0)
      expect(await redis.hlen(key('pending'))).toBe(0)
    }
    const vtime = Number(await redis.get(key('vtime')))
    expect(vtime).toBeGreaterThan(0)
    // assigned in one call: no job ends between them
    const [returning, fresh] = await fx.queue.enqueueMany([{ request: { script, tenant: 't0' } }, { request: { script, tenant: 'new' } }])
    const priority = async (id: string) => (await fx.queue.bull.getJob(id))?.opts.priority
    expect(await priority(returning?.id as string)).toBe(vtime + 1)
    expect(await priority(fresh?.id as string)).toBe(vtime + 1)
    await Promise.all([returning?.result(), fresh?.result()])
    expect(await redis.hlen(key('next'))).toBe(0)
  })

  it('keeps a tenant with jobs pending', async () => {
    const jobs = await fx.queue.enqueueMany(
      Array.from({ length: 6 }, () => ({ request: { script: { language: 'lua', source: 'return flaky.sleep(300)' }, tenant: 'busy' } })),
    )
    expect(await redis.hget(key('next'), 'busy')).not.toBeNull()
    await Promise.all(jobs.map((j) => j.result({ timeoutMs: 30_000 })))
    expect(await redis.hget(key('next'), 'busy')).toBeNull()
  })

  it(`refuses a tenant over ${MAX_TENANT_BYTES} bytes, from request.tenant or context.tenant`, async () => {
    expect(MAX_TENANT_BYTES).toBe(256)
    const refused = async (request: object, message: RegExp) => {
      const e = await fx.queue.enqueue({ script, ...request }).catch((x: unknown) => x)
      expect(e).toBeInstanceOf(InvalidArgumentError)
      expect((e as Error).message).toMatch(message)
    }
    await refused({ tenant: 'x'.repeat(257) }, /^enqueue: tenant: at most 256 bytes \(UTF-8\), received 257$/)
    await refused({ tenant: 'é'.repeat(129) }, /^enqueue: tenant: at most 256 bytes \(UTF-8\), received 258$/)
    await refused({ context: { tenant: 'x'.repeat(1000) } }, /^enqueue: context\.tenant: at most 256 bytes/)
    const job = await fx.queue.enqueue({ script, tenant: 'é'.repeat(128) })
    expect((await job.result()).value).toBe(1)
  })
})
