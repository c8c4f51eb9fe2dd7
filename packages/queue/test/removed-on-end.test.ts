import { setTimeout as sleep } from 'node:timers/promises'
import { ScriptRuntimeError } from '@polyhost/core'
import { describe, expect, it } from 'vitest'
import { createScriptQueue, JobNotFoundError, type ScriptJob } from '../src/index.js'
import { connection, useQueueFixture } from './support.js'

// A job enqueued with `removeOnComplete` / `removeOnFail` is gone from Redis as soon as it ends
// (BullMQ removes it in the script that ends it). A caller holding the job from `enqueue` on
// still gets its value, or its error rebuilt as the class the worker saw, as without the
// option, also when the job ended before `result()` was called: the outcome is taken from
// BullMQ's events stream. JobNotFoundError stays for a job that is gone when a handle made
// from its id afterwards asks.

const fx = useQueueFixture({ name: 'removed-on-end', concurrency: 4 })

/** Resolves once job `id` is gone from Redis. */
const gone = async (id: string) => {
  while ((await fx.queue.bull.getJobState(id)) !== 'unknown') await sleep(20)
}
const outcome = (job: ScriptJob) =>
  job.result({ timeoutMs: 20_000 }).then(
    (r) => ({ value: r.value }),
    (e: Error & { line?: number }) => ({ class: e.constructor.name, message: e.message, line: e.line }),
  )
const failing = { language: 'lua', source: 'error("boom")' }

describe('removeOnComplete: true', () => {
  it('every job awaited from enqueue on resolves with its value', async () => {
    const jobs = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        fx.queue.enqueue({ script: { language: 'lua', source: `return ${i}` } }, { removeOnComplete: true }),
      ),
    )
    expect(await Promise.all(jobs.map(outcome))).toEqual(jobs.map((_, i) => ({ value: i })))
    for (const job of jobs) expect(await fx.queue.bull.getJobState(job.id)).toBe('unknown')
  })

  // 0: BullMQ keeps no completed job either
  for (const keep of [true, 0]) {
    it(`removeOnComplete: ${keep}, a job already removed when result() is called: its value`, async () => {
      const job = await fx.queue.enqueue({ script: { language: 'lua', source: 'return "kept"' } }, { removeOnComplete: keep })
      await gone(job.id)
      expect(await outcome(job)).toEqual({ value: 'kept' })
    })
  }

  it('a handle made from the id once the job is gone: JobNotFoundError', async () => {
    const job = await fx.queue.enqueue({ script: { language: 'lua', source: 'return 1' } }, { removeOnComplete: true })
    await gone(job.id)
    const other = createScriptQueue({ connection: connection(), name: fx.queue.bull.name })
    try {
      await expect(other.job(job.id).result({ timeoutMs: 5000 })).rejects.toBeInstanceOf(JobNotFoundError)
    } finally {
      await other.close()
    }
  })
})

describe('removeOnFail: true', () => {
  it("a script's own error is the ScriptRuntimeError inline execution gives, with its line", async () => {
    const inline = await fx.host.execute(failing).catch((e: Error & { line?: number }) => ({
      class: e.constructor.name,
      message: e.message,
      line: e.line,
    }))
    expect(inline).toMatchObject({ class: 'ScriptRuntimeError', line: 1 })
    const jobs = await Promise.all(
      Array.from({ length: 8 }, () => fx.queue.enqueue({ script: failing }, { removeOnFail: true, attempts: 1 })),
    )
    for (const r of await Promise.all(jobs.map(outcome))) expect(r).toEqual(inline)
  })

  for (const keep of [true, 0]) {
    it(`removeOnFail: ${keep}, a job already removed when result() is called: its rebuilt error`, async () => {
      const job = await fx.queue.enqueue({ script: failing }, { removeOnFail: keep, attempts: 1 })
      await gone(job.id)
      const e = await job.result({ timeoutMs: 20_000 }).catch((x: unknown) => x)
      expect(e).toBeInstanceOf(ScriptRuntimeError)
      expect(e).toMatchObject({ line: 1 })
    })
  }
})
