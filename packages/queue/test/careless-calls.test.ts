import { setImmediate } from 'node:timers/promises'
import { ClosedError, type Host } from '@polyhost/core'
import { Redis } from 'ioredis'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createScriptQueue, createScriptWorker } from '../src/index.js'
import { connection, testHost, uniqueName } from './support.js'

// Calls a careless caller makes around close(). Before: a worker's ready() that had resolved
// kept resolving after close(), so a caller checking it took a closed worker for a serving
// one. Now every ready() after close() rejects with core's ClosedError, as the queue's calls do.
// An enqueue with a jobId (or deduplication) racing queue.close() rejected with ClosedError
// though BullMQ had added its job (the close ended the connection before the enqueue read
// whether its add was folded): a caller told "not added" whose job runs. Now such an enqueue
// answers the job's handle with `added` unknown (undefined).

let host: Host

beforeAll(async () => {
  host = await testHost()
})
afterAll(async () => {
  await host.close()
})

describe('a closed worker', () => {
  it('rejects ready() with ClosedError, though it had resolved before', async () => {
    const worker = createScriptWorker({ connection: connection(), name: uniqueName('calls'), host })
    await worker.ready()
    const closing = worker.close()
    // already while the close runs: the worker takes no more jobs
    await expect(worker.ready()).rejects.toBeInstanceOf(ClosedError)
    await closing
    const e = await worker.ready().catch((x: unknown) => x)
    expect(e).toBeInstanceOf(ClosedError)
    expect((e as Error).message).toMatch(/^worker of queue 'calls-[0-9a-f]{8}': closed \(close\(\) was called\)$/)
  })

  it('rejects ready() with ClosedError when closed before it was ready', async () => {
    const worker = createScriptWorker({ connection: connection(), name: uniqueName('calls'), host })
    await worker.close()
    await expect(worker.ready()).rejects.toBeInstanceOf(ClosedError)
  })
})

describe('a queue closed while it enqueues', () => {
  it('answers the handle of a job it added before the close, its `added` unknown, not a ClosedError', async () => {
    const name = uniqueName('calls')
    const queue = createScriptQueue({ connection: connection(), name })
    // the close lands between BullMQ's add and the read of whether the add was folded (job-folds.ts)
    const add = queue.bull.addBulk.bind(queue.bull)
    queue.bull.addBulk = async (jobs) => {
      const added = await add(jobs)
      await queue.close()
      return added
    }
    const jobId = uniqueName('kept')
    const job = await queue.enqueue({ script: { language: 'lua', source: 'return 1' } }, { jobId })
    expect(job).toMatchObject({ id: jobId, added: undefined })
    const redis = new Redis(connection())
    expect(await redis.exists(`bull:${name}:${jobId}`)).toBe(1)
    redis.disconnect()
    // the queue is closed all the same
    await expect(queue.enqueue({ script: { language: 'lua', source: 'return 1' } })).rejects.toBeInstanceOf(ClosedError)
  })

  it('enqueues racing a close each either reject with ClosedError, storing nothing, or answer a stored job', async () => {
    const name = uniqueName('calls')
    const redis = new Redis(connection())
    const outcomes: string[] = []
    for (let turns = 0; turns < 30; turns++) {
      const queue = createScriptQueue({ connection: connection(), name })
      await queue.stats()
      const jobId = `race-${turns}`
      const enqueued = queue.enqueue({ script: { language: 'lua', source: 'return 1' } }, { jobId }).then(
        () => 'handle',
        (e: unknown) => (e instanceof ClosedError ? 'closed' : String(e)),
      )
      for (let i = 0; i < turns; i++) await setImmediate()
      await queue.close()
      const outcome = await enqueued
      outcomes.push(outcome)
      expect(`${jobId} ${outcome} ${await redis.exists(`bull:${name}:${jobId}`)}`).toBe(
        `${jobId} ${outcome} ${outcome === 'handle' ? 1 : 0}`,
      )
    }
    redis.disconnect()
    expect(outcomes.every((o) => o === 'handle' || o === 'closed')).toBe(true)
  })
})
