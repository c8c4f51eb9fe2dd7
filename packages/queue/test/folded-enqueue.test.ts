import { once } from 'node:events'
import { Redis } from 'ioredis'
import { afterAll, describe, expect, it } from 'vitest'
import { bridgeEvents, connection, uniqueName, useQueueFixture } from './support.js'

// BullMQ 6.7 folds an add into a job that exists, silently: with the `jobId` of an existing job
// (event `duplicated`) or a live `deduplication` id (event `deduplicated`) its add script answers
// the existing job's id and stores nothing of the new request. A handle from such an enqueue
// follows that existing job (its result() gives that job's outcome, its cancel() cancels it),
// but the caller could not tell that its own request was never added. `job.added` says so:
// true for a job this enqueue stored, false for one it was folded into. A fair queue no longer
// counts a folded enqueue as one more pending job of its tenant.

const fx = useQueueFixture({ name: 'folded', concurrency: 2 })
const lua = (source: string) => ({ script: { language: 'lua', source } })
let redis: Redis | undefined
afterAll(() => redis?.disconnect())
/** The id BullMQ keeps a `keepLastIfActive` request aside under (`jid` of its `dn:<id>` hash). */
function keptId(deduplicationId: string): Promise<string | null> {
  redis ??= new Redis(connection())
  return redis.hget(fx.queue.bull.toKey(`dn:${deduplicationId}`), 'jid')
}

describe('an enqueue BullMQ folds into an existing job', () => {
  it('the same jobId: added false, the handle follows the job that exists', async () => {
    const jobId = uniqueName('fixed')
    const a = await fx.queue.enqueue(lua('return 3'), { jobId, delay: 300 })
    const b = await fx.queue.enqueue(lua('return 4'), { jobId })
    expect(a.added).toBe(true)
    expect(b).toMatchObject({ id: jobId, added: false })
    expect((await b.result({ timeoutMs: 20_000 })).value).toBe(3)
    // once it has ended, the same id is folded still (BullMQ keeps the finished job)
    const c = await fx.queue.enqueue(lua('return 5'), { jobId })
    expect(c).toMatchObject({ id: jobId, added: false })
  })

  it('a live deduplication id: added false, the handle follows the job that runs', async () => {
    const deduplication = { id: uniqueName('d'), ttl: 10_000 }
    const a = await fx.queue.enqueue(lua('return 1'), { deduplication, delay: 300 })
    const b = await fx.queue.enqueue(lua('return 2'), { deduplication })
    expect(a.added).toBe(true)
    expect(b).toMatchObject({ id: a.id, added: false })
    expect((await b.result({ timeoutMs: 20_000 })).value).toBe(1)
  })

  it('deduplication with keepLastIfActive while the job runs: added false, it follows the running job', async () => {
    const deduplication = { id: uniqueName('d'), keepLastIfActive: true }
    const running = once(bridgeEvents, 'sleep')
    const a = await fx.queue.enqueue(lua('return flaky.sleep(300)'), { deduplication })
    await running
    const b = await fx.queue.enqueue(lua('return 2'), { deduplication })
    expect(b).toMatchObject({ id: a.id, added: false })
    // BullMQ keeps b's request aside with the id it gave it (`jid`), which the add does not answer
    const kept = await keptId(deduplication.id)
    expect(kept).toMatch(/^\d+$/)
    expect(kept).not.toBe(a.id)
    expect((await b.result({ timeoutMs: 20_000 })).value).toBe('slept')
    // and adds it under that id when the running job ends: it runs b's script
    expect((await fx.queue.job(kept as string).result({ timeoutMs: 20_000 })).value).toBe(2)
  })

  it('keepLastIfActive twice while the job runs: the second request replaces the first, which never runs', async () => {
    const deduplication = { id: uniqueName('d'), keepLastIfActive: true }
    const running = once(bridgeEvents, 'sleep')
    const a = await fx.queue.enqueue(lua('return flaky.sleep(300)'), { deduplication })
    await running
    const b = await fx.queue.enqueue(lua('return 2'), { deduplication })
    const first = await keptId(deduplication.id)
    const c = await fx.queue.enqueue(lua('return 3'), { deduplication })
    const second = await keptId(deduplication.id)
    expect([b.added, c.added, b.id, c.id]).toEqual([false, false, a.id, a.id])
    expect(second).not.toBe(first)
    await a.result({ timeoutMs: 20_000 })
    expect((await fx.queue.job(second as string).result({ timeoutMs: 20_000 })).value).toBe(3)
    await expect(fx.queue.job(first as string).result({ timeoutMs: 20_000 })).rejects.toMatchObject({ name: 'JobNotFoundError' })
  })

  it('deduplication with replace of a delayed job: the new one added, the replaced one JobNotFoundError', async () => {
    const deduplication = { id: uniqueName('d'), ttl: 10_000, replace: true }
    const a = await fx.queue.enqueue(lua('return 1'), { deduplication, delay: 60_000 })
    const b = await fx.queue.enqueue(lua('return 2'), { deduplication })
    expect(b.added).toBe(true)
    expect(b.id).not.toBe(a.id)
    expect((await b.result({ timeoutMs: 20_000 })).value).toBe(2)
    await expect(a.result({ timeoutMs: 20_000 })).rejects.toMatchObject({ name: 'JobNotFoundError', jobId: a.id })
  })

  it('enqueueMany tells each item apart; a handle from job(id) does not know', async () => {
    const jobId = uniqueName('fixed')
    await fx.queue.enqueue(lua('return 1'), { jobId, delay: 60_000 })
    const [x, y] = await fx.queue.enqueueMany([
      { request: lua('return 2'), options: { jobId } },
      { request: lua('return 3'), options: { jobId: uniqueName('other') } },
    ])
    expect([x?.added, y?.added]).toEqual([false, true])
    expect(fx.queue.job(jobId).added).toBeUndefined()
    await fx.queue.cancel(jobId)
  })

  it('a fair queue counts a folded enqueue once only', async () => {
    const tenant = uniqueName('t')
    const jobId = uniqueName('fixed')
    await fx.queue.enqueue({ ...lua('return 1'), tenant }, { jobId, delay: 60_000 })
    await fx.queue.enqueue({ ...lua('return 1'), tenant }, { jobId })
    const deduplication = { id: uniqueName('d'), ttl: 60_000 }
    await fx.queue.enqueue({ ...lua('return 1'), tenant }, { deduplication, delay: 60_000 })
    await fx.queue.enqueue({ ...lua('return 1'), tenant }, { deduplication })
    expect((await fx.queue.stats()).pendingByTenant[tenant]).toBe(2)
  })
})
