import { expect, it } from 'vitest'
import { createScriptQueue, createScriptWorker, JobFailedError, type ScriptJob, type ScriptQueue, type ScriptWorker } from '../src/index.js'
import { connection, dieHoldingOne, uniqueName, useMarkingHost } from './support.js'

// A job whose worker dies goes the way BullMQ takes it: back to the queue while its stalled
// count is within `maxStalledCount`, failed past it. Either way it ends once, with the fair
// queue's per-tenant count right and the error of its last attempt.

const { host, ran } = useMarkingHost()

/** A ScriptWorker that recovers stalled jobs quickly; `stalled` lists the ids BullMQ reported. */
function recoverer(name: string, maxStalledCount: number) {
  const worker = createScriptWorker({
    connection: connection(),
    name,
    host: host(),
    lockDuration: 1000,
    stalledInterval: 300,
    maxStalledCount,
  })
  const stalled: string[] = []
  worker.bull.on('stalled', (id) => stalled.push(id))
  return { worker, stalled }
}

/** A job failed by BullMQ as stalled: a JobFailedError naming the stall, ended for its tenant too. */
async function expectFailedAsStalled(queue: ScriptQueue, job: ScriptJob, stalled: string[], tenant: string) {
  const error = await job.result({ timeoutMs: 20_000 }).catch((e) => e)
  expect(error).toBeInstanceOf(JobFailedError)
  expect(error.message).toMatch(/stalled/)
  expect(stalled).toContain(job.id)
  expect((await queue.stats()).pendingByTenant[tenant]).toBeUndefined()
}

async function closeAll(worker: ScriptWorker | undefined, queue: ScriptQueue) {
  await worker?.close()
  await queue.close()
}

it('stalled within maxStalledCount: the job runs again on another worker and completes once', async () => {
  const name = uniqueName('stall-retry')
  const queue = createScriptQueue({ connection: connection(), name })
  const tag = uniqueName('again')
  const job = await queue.enqueue({ script: { language: 'lua', source: `ran.mark('${tag}') return 5` }, tenant: 'st' })
  await dieHoldingOne(name)
  expect((await queue.stats()).pendingByTenant.st).toBe(1)
  const { worker, stalled } = recoverer(name, 1)
  try {
    expect((await job.result({ timeoutMs: 20_000 })).value).toBe(5)
    expect(stalled).toContain(job.id)
    expect(ran.filter((t) => t === tag)).toHaveLength(1)
    expect((await queue.stats()).pendingByTenant.st).toBeUndefined()
  } finally {
    await closeAll(worker, queue)
  }
}, 30_000)

it('stalled past maxStalledCount: the job fails as stalled without running, counted as ended', async () => {
  const name = uniqueName('stall-fail')
  const queue = createScriptQueue({ connection: connection(), name })
  const tag = uniqueName('never')
  const job = await queue.enqueue({ script: { language: 'lua', source: `ran.mark('${tag}') return 5` }, tenant: 'sf' })
  await dieHoldingOne(name)
  const { worker, stalled } = recoverer(name, 0)
  try {
    await expectFailedAsStalled(queue, job, stalled, 'sf')
    expect(ran).not.toContain(tag)
    expect(await queue.bull.getJobState(job.id)).toBe('failed')
  } finally {
    await closeAll(worker, queue)
  }
}, 30_000)

it('a job that failed an attempt, then stalled past the limit, reports the stall, not the earlier error', async () => {
  const name = uniqueName('stall-after-retry')
  const queue = createScriptQueue({ connection: connection(), name })
  const key = uniqueName('k')
  const job = await queue.enqueue(
    { script: { language: 'lua', source: 'return flaky.call(KEY, 1)' }, globals: { KEY: key }, tenant: 'sr' },
    { attempts: 3, backoff: { type: 'fixed', delay: 300 } },
  )
  // attempt 1 fails with a retryable bridge failure on a ScriptWorker, which then stops (its
  // stalled check is short too: BullMQ skips other workers' checks for one interval)
  const first = createScriptWorker({ connection: connection(), name, host: host(), stalledInterval: 300 })
  await new Promise<void>((resolve) => first.bull.once('failed', () => resolve()))
  await first.close()
  // attempt 2 is taken by a worker that dies; the recovering worker allows no stall
  await dieHoldingOne(name)
  const { worker, stalled } = recoverer(name, 0)
  try {
    await expectFailedAsStalled(queue, job, stalled, 'sr')
  } finally {
    await closeAll(worker, queue)
  }
}, 30_000)
