import { setTimeout as sleep } from 'node:timers/promises'
import { defineBridge, type Host } from '@polyhost/core'
import { Redis } from 'ioredis'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { z } from 'zod'
import { createScriptQueue, createScriptWorker, type ScriptQueue, type ScriptWorker } from '../src/index.js'
import { cancelMessage, cancelReason, DEFERRED_FAILURE_FIELD, queueKeys } from '../src/keys.js'
import { connection, testHost, uniqueName } from './support.js'

// A cancel that comes after the job ended changes nothing about it: the job keeps its outcome,
// and running it again (BullMQ's `job.retry()`) runs the script again.

let host: Host
let queue: ScriptQueue
let worker: ScriptWorker
let redis: Redis
/** Tags of the scripts that ran, in order (`ran.mark(tag)`). */
const ran: string[] = []

beforeAll(async () => {
  const name = uniqueName('late-cancel')
  host = await testHost()
  host.bridges.register(
    defineBridge({ name: 'ran', methods: { mark: { args: [z.string()], handler: (_ctx, tag) => void ran.push(tag) } } }),
  )
  queue = createScriptQueue({ connection: connection(), name })
  worker = createScriptWorker({ connection: connection(), name, host, concurrency: 2 })
  redis = new Redis(connection())
  await worker.ready()
})
afterAll(async () => {
  redis?.disconnect()
  await worker?.close()
  await queue?.close()
  await host?.close()
})

it('a completed job cancelled afterwards runs again when retried', async () => {
  const tag = uniqueName('done')
  const job = await queue.enqueue({ script: { language: 'lua', source: `ran.mark('${tag}') return 7` }, tenant: 'late' })
  expect((await job.result({ timeoutMs: 20_000 })).value).toBe(7)
  await job.cancel()
  // the request's pub/sub message reaches the worker within milliseconds; allow for a loaded box
  await sleep(300)
  expect(await queue.bull.getJobState(job.id)).toBe('completed')
  await (await queue.bull.getJob(job.id))?.retry('completed')
  expect((await job.result({ timeoutMs: 20_000 })).value).toBe(7)
  expect(ran.filter((t) => t === tag)).toHaveLength(2)
  expect((await queue.stats()).pendingByTenant.late).toBeUndefined()
})

it('a cancel that raced the completion does not leave the job failing at once when retried', async () => {
  const job = await queue.enqueue({ script: { language: 'lua', source: 'return flaky.sleep(400)' } })
  const keys = queueKeys('bull', queue.bull.name)
  for (let t = 0; t < 200 && (await queue.bull.getJobState(job.id)) !== 'active'; t++) await sleep(20)
  const attempts = (await redis.hget(keys.job(job.id), 'ats')) ?? ''
  // cancel() while the job runs sets the deferred failure and publishes the request; the
  // message can reach the worker after the execution completed (the request came too late
  // to abort it): here the two halves apart, the message after the completion
  await redis.hset(keys.job(job.id), DEFERRED_FAILURE_FIELD, cancelReason(job.id))
  expect((await job.result({ timeoutMs: 20_000 })).value).toBe('slept')
  await redis.publish(keys.cancelChannel, cancelMessage(job.id, attempts))
  await sleep(300)
  await (await queue.bull.getJob(job.id))?.retry('completed')
  expect((await job.result({ timeoutMs: 20_000 })).value).toBe('slept')
  expect((await queue.bull.getJob(job.id))?.attemptsMade).toBe(2)
})
