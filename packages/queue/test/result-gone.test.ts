import { setTimeout as sleep } from 'node:timers/promises'
import { CancelledError } from '@polyhost/core'
import { Redis } from 'ioredis'
import { afterAll, describe, expect, it } from 'vitest'
import { createScriptQueue, JobNotFoundError, type ScriptQueue } from '../src/index.js'
import { connection, uniqueName } from './support.js'

// A job deleted without a `removed` event — the queue obliterated with `force`, the job's key
// deleted by another process — left a `result()` without a timeout waiting for ever: nothing in
// the events stream ever named the job again. The waits now look for their jobs in Redis every
// RESULT_SWEEP_MS and end a wait whose job is gone with JobNotFoundError. No worker serves these
// queues: the jobs stay waiting or delayed until they are deleted.

const queues: ScriptQueue[] = []
const fresh = () => {
  const q = createScriptQueue({ connection: connection(), name: uniqueName('gone') })
  queues.push(q)
  return q
}
afterAll(async () => {
  for (const q of queues) await q.close()
})
const script = { language: 'lua', source: 'return 1' }
/** How `p` settled within `ms` (generous: a loaded 2-core machine), or 'pending'. */
const within = (p: Promise<unknown>, ms: number) =>
  Promise.race([
    p.then(
      (r) => ({ r }),
      (e: unknown) => ({ e }),
    ),
    sleep(ms, 'pending' as const),
  ])

describe('a job deleted without a removed event while result() waits without a timeout', () => {
  it.each([
    ['waiting', {}],
    ['delayed', { delay: 60_000 }],
  ])('obliterate({ force: true }) of a %s job: JobNotFoundError', async (_, options) => {
    const q = fresh()
    const job = await q.enqueue({ script }, options)
    const waiting = job.result()
    await sleep(200)
    await q.bull.obliterate({ force: true })
    const { e } = (await within(waiting, 15_000)) as { e: unknown }
    expect(e).toBeInstanceOf(JobNotFoundError)
    expect(e).toMatchObject({ code: 'E_JOB_NOT_FOUND', jobId: job.id })
  })

  it("the job's hash deleted by another client: JobNotFoundError; the other waits go on", async () => {
    const q = fresh()
    const gone = await q.enqueue({ script }, { delay: 60_000 })
    const kept = await q.enqueue({ script }, { delay: 60_000 })
    const waiting = job(gone.result())
    const other = job(kept.result())
    await sleep(200)
    const redis = new Redis(connection())
    await redis.del(`bull:${q.bull.name}:${gone.id}`)
    await redis.quit()
    expect(await within(waiting.p, 15_000)).toMatchObject({ e: expect.any(JobNotFoundError) })
    expect(other.settled).toBe(false)
  })
})

describe('queue.close() while result() waits without a timeout', () => {
  it('rejects at once with CancelledError (documented), the job left as it is', async () => {
    const q = fresh()
    const job = await q.enqueue({ script }, { delay: 60_000 })
    const waiting = within(job.result(), 20_000)
    await sleep(200)
    await q.close()
    expect(await Promise.race([waiting, sleep(5000, 'pending')])).toMatchObject({ e: expect.any(CancelledError) })
    const other = createScriptQueue({ connection: connection(), name: q.bull.name })
    queues.push(other)
    expect(await other.bull.getJobState(job.id)).toBe('delayed')
  })
})

/** A promise and whether it has settled. */
function job<T>(p: Promise<T>): { p: Promise<T>; settled: boolean } {
  const r = { p, settled: false }
  p.then(
    () => (r.settled = true),
    () => (r.settled = true),
  )
  return r
}
