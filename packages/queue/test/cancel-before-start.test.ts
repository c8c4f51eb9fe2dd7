import { CancelledError } from '@polyhost/core'
import { Redis } from 'ioredis'
import { expect, it } from 'vitest'
import { createScriptQueue, createScriptWorker } from '../src/index.js'
import { cancelMessage, queueKeys } from '../src/keys.js'
import { connection, dieHoldingOne, uniqueName, useMarkingHost } from './support.js'

// Workers learn of a cancel from the job data BullMQ fetches (a job cancelled before it is
// taken) or from the cancel channel (a job taken before the cancel): no Redis round trip of
// their own per job. These are the cases between the two.

const { host, ran } = useMarkingHost()

it('a job cancelled while a dead worker holds it never runs on the worker that recovers it', async () => {
  const name = uniqueName('cancel-held')
  const queue = createScriptQueue({ connection: connection(), name })
  const tag = uniqueName('held')
  const job = await queue.enqueue({ script: { language: 'lua', source: `ran.mark('${tag}') return 1` }, tenant: 'held' })
  // a plain BullMQ worker takes the job, then stops without finishing it or renewing its lock
  await dieHoldingOne(name)
  await job.cancel()
  expect(await queue.bull.getJobState(job.id)).toBe('active')
  // BullMQ's stalled-job check hands it to this worker once the dead one's lock expires
  const worker = createScriptWorker({ connection: connection(), name, host: host(), lockDuration: 1000, stalledInterval: 300 })
  try {
    await expect(job.result({ timeoutMs: 20_000 })).rejects.toBeInstanceOf(CancelledError)
    expect(ran).not.toContain(tag)
    expect(await queue.bull.getJobState(job.id)).toBe('failed')
    // the fair queue's bookkeeping counts it as ended
    expect((await queue.stats()).pendingByTenant.held).toBeUndefined()
  } finally {
    await worker.close()
    await queue.close()
  }
}, 30_000)

it('a cancel message that arrives before BullMQ hands the job over is honoured', async () => {
  const name = uniqueName('cancel-early')
  const queue = createScriptQueue({ connection: connection(), name })
  const worker = createScriptWorker({ connection: connection(), name, host: host() })
  const publisher = new Redis(connection())
  try {
    await worker.ready()
    const tag = uniqueName('early')
    const job = await queue.enqueue({ script: { language: 'lua', source: `ran.mark('${tag}') return 1` } }, { delay: 400 })
    // the message alone, as a worker sees it when it overtakes the reply that hands it the
    // job: the request names the attempt under way then, the first
    expect(await publisher.publish(queueKeys('bull', name).cancelChannel, cancelMessage(job.id, '1'))).toBe(1)
    await expect(job.result({ timeoutMs: 20_000 })).rejects.toBeInstanceOf(CancelledError)
    expect(ran).not.toContain(tag)
  } finally {
    publisher.disconnect()
    await worker.close()
    await queue.close()
  }
}, 30_000)
