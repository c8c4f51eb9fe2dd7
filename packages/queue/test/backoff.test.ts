import { BridgeError, InvalidArgumentError } from '@polyhost/core'
import { describe, expect, it } from 'vitest'
import { createScriptQueue } from '../src/index.js'
import { connection, uniqueName, useQueueFixture } from './support.js'

// BullMQ knows two backoff types, 'fixed' and 'exponential'; any other needs a custom strategy
// in the worker's settings, which a ScriptWorker does not take. Before, `enqueue` took
// `backoff: { type: 'linear' }`; the job's first retryable failure then made BullMQ throw
// "Unknown backoff strategy linear." while failing it: the job stayed active, its `result()`
// never settled and its tenant's pending count stayed up. Now enqueue, createScriptQueue and
// schedule refuse such a type, and a worker given such a job anyway (added around this API)
// fails it for good with the error it had instead of leaving it active.

const fx = useQueueFixture({ name: 'backoff', concurrency: 1 })
const script = { language: 'lua', source: 'return 1' }
const jobCount = async () => Object.values(await fx.queue.bull.getJobCounts()).reduce((a, b) => a + b, 0)

async function rejection(p: Promise<unknown>): Promise<Error> {
  return p.then(
    () => {
      throw new Error('expected a rejection')
    },
    (e: Error) => e,
  )
}

describe('a backoff type BullMQ has no strategy for', () => {
  it.each([
    [
      'linear',
      { type: 'linear', delay: 100 },
      /^enqueue: options\.backoff\.type: unknown backoff type 'linear': expected 'fixed' or 'exponential'/,
    ],
    ['constructor', { type: 'constructor' }, /^enqueue: options\.backoff\.type: unknown backoff type 'constructor'/],
    ['a number', { type: 5 }, /^enqueue: options\.backoff\.type: received number: expected 'fixed' or 'exponential'/],
    ['a missing type', { delay: 5 }, /^enqueue: options\.backoff\.type: received undefined/],
    ['a string backoff', 'fixed', /^enqueue: options\.backoff: expected a delay in ms or \{ type: 'fixed' \| 'exponential'/],
  ])('enqueue refuses %s, enqueuing nothing', async (_what, backoff, message) => {
    const before = await jobCount()
    const e = await rejection(fx.queue.enqueue({ script, tenant: 't' }, { attempts: 3, backoff } as never))
    expect(e).toBeInstanceOf(InvalidArgumentError)
    expect(e.message).toMatch(message)
    expect(await jobCount()).toBe(before)
    expect((await fx.queue.stats()).pendingByTenant.t ?? 0).toBe(0)
  })

  it('createScriptQueue and schedule refuse it too', async () => {
    const make = () =>
      createScriptQueue({ connection: connection(), name: uniqueName('b'), defaultJobOptions: { backoff: { type: 'linear' } } })
    expect(make).toThrow(InvalidArgumentError)
    expect(make).toThrow(/^createScriptQueue: defaultJobOptions\.backoff\.type: unknown backoff type 'linear'/)
    const e = await rejection(fx.queue.schedule(uniqueName('s'), { every: 60_000 }, { script }, { backoff: { type: 'linear' } } as never))
    expect(e).toBeInstanceOf(InvalidArgumentError)
    expect(e.message).toMatch(/^schedule: options\.backoff\.type: unknown backoff type 'linear'/)
  })

  it('still takes the built-in types and a plain delay', async () => {
    for (const backoff of [{ type: 'fixed', delay: 5 }, { type: 'exponential', delay: 5, jitter: 0.2 }, 5] as const) {
      const job = await fx.queue.enqueue({ script }, { attempts: 2, backoff })
      expect((await job.result({ timeoutMs: 20_000 })).value).toBe(1)
    }
  })

  it('a job given one around this API fails for good with its error instead of staying active', async () => {
    const key = uniqueName('k')
    const data = { v: 1, script: { language: 'lua', source: `return flaky.call("${key}", 5)` } }
    const reported: Error[] = []
    const report = (e: Error) => reported.push(e)
    fx.worker.bull.on('error', report)
    const added = await fx.queue.bull.add('execute', data, { attempts: 3, backoff: { type: 'linear', delay: 10 } })
    const e = await rejection(fx.queue.job(added.id as string).result({ timeoutMs: 10_000 }))
    expect(e).toBeInstanceOf(BridgeError)
    expect(e.message).toMatch(/upstream unavailable \(1\)/)
    const state = await fx.queue.bull.getJobState(added.id as string)
    expect(state).toBe('failed')
    expect((await fx.queue.bull.getJob(added.id as string))?.attemptsMade).toBe(1)
    fx.worker.bull.off('error', report)
    expect(reported.map((r) => r.message)).toEqual([
      `job ${added.id}: BullMQ has no backoff strategy "linear"; the job failed without its retries`,
    ])
  })
})
