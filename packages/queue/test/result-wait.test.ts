import { setTimeout as sleep } from 'node:timers/promises'
import { describe, expect, it } from 'vitest'
import { JobFailedError, JobNotFoundError, ResultTimeoutError } from '../src/index.js'
import { uniqueName, useQueueFixture } from './support.js'

// What `job.result()` rejects with when it has no outcome of the job to give. A wait that ran
// out of time is a ResultTimeoutError and a job that is gone a JobNotFoundError, each with its
// own code: neither is the job's failure (JobFailedError, E_JOB_FAILED), so a caller that
// enqueues again on E_JOB_FAILED does not run a job twice that is still running. `timeoutMs: 0`
// waits without a limit, as core's `0 = never` time options do.

const fx = useQueueFixture({ name: 'result-wait', concurrency: 2 })
/** A job whose script waits `ms` in a bridge, then returns 'slept'. */
const slow = (ms: number) => fx.queue.enqueue({ script: { language: 'lua', source: `return flaky.sleep(${ms})` } }, { attempts: 1 })
const outcome = (p: Promise<unknown>) =>
  p.then(
    (r) => ({ r }),
    (e: unknown) => ({ e }),
  )

describe('a result() that times out', () => {
  it('rejects with ResultTimeoutError (E_RESULT_TIMEOUT), and the job still completes', async () => {
    const job = await slow(1500)
    const { e } = (await outcome(job.result({ timeoutMs: 200 }))) as { e: unknown }
    expect(e).toBeInstanceOf(ResultTimeoutError)
    expect(e).not.toBeInstanceOf(JobFailedError)
    expect(e).toMatchObject({ code: 'E_RESULT_TIMEOUT', jobId: job.id, timeoutMs: 200 })
    expect((e as Error).message).toMatch(/did not finish within 200 ms/)
    expect((await job.result({ timeoutMs: 20_000 })).value).toBe('slept')
  })

  it('ends only its own wait: another result() of the same job gets the value', async () => {
    const job = await slow(800)
    const patient = outcome(job.result())
    await expect(job.result({ timeoutMs: 100 })).rejects.toBeInstanceOf(ResultTimeoutError)
    expect(await patient).toMatchObject({ r: { value: 'slept' } })
  })
})

describe('timeoutMs: 0', () => {
  it('waits without a limit (core’s 0 = never), as result() without options does', async () => {
    const job = await slow(400)
    const started = Date.now()
    expect((await job.result({ timeoutMs: 0 })).value).toBe('slept')
    expect(Date.now() - started).toBeGreaterThanOrEqual(300)
  })
})

describe('a job that does not exist', () => {
  it('an id never enqueued: JobNotFoundError (E_JOB_NOT_FOUND)', async () => {
    const id = uniqueName('nobody')
    const { e } = (await outcome(fx.queue.job(id).result({ timeoutMs: 5000 }))) as { e: unknown }
    expect(e).toBeInstanceOf(JobNotFoundError)
    expect(e).not.toBeInstanceOf(JobFailedError)
    expect(e).toMatchObject({ code: 'E_JOB_NOT_FOUND', jobId: id, message: `job ${id} not found` })
  })

  it('a job removed around this API while result() waits: JobNotFoundError', async () => {
    const job = await fx.queue.enqueue({ script: { language: 'lua', source: 'return 1' } }, { delay: 60_000 })
    const waiting = outcome(job.result({ timeoutMs: 10_000 }))
    await sleep(100)
    await fx.queue.bull.remove(job.id)
    const { e } = (await waiting) as { e: unknown }
    expect(e).toBeInstanceOf(JobNotFoundError)
    expect(e).toMatchObject({ code: 'E_JOB_NOT_FOUND', jobId: job.id })
  })
})
