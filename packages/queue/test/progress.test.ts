import type { Host } from '@polyhost/core'
import { BridgeError, ScriptRuntimeError } from '@polyhost/core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createScriptQueue, createScriptWorker, type JobProgress, type ScriptQueue, type ScriptWorker } from '../src/index.js'
import { connection, testHost, uniqueName } from './support.js'

let host: Host
let queue: ScriptQueue
let worker: ScriptWorker

beforeAll(async () => {
  const name = uniqueName('progress')
  host = await testHost()
  queue = createScriptQueue({ connection: connection(), name, defaultJobOptions: { attempts: 1 } })
  worker = createScriptWorker({ connection: connection(), name, host, concurrency: 2, progress: { minIntervalMs: 200, maxBytes: 64 } })
  await worker.ready()
})
afterAll(async () => {
  await worker?.close()
  await queue?.close()
  await host?.close()
})

const SCRIPTS = {
  // 10 is written at once, 20 replaces 15 within the interval and is written when it ends,
  // the object comes after a 300 ms wait: three writes, in order
  lua: 'job.progress(10) job.progress(15) job.progress(20) flaky.sleep(300) job.progress({ stage = "done", n = 3 }) return 1',
  js: 'job.progress(10); job.progress(15); job.progress(20); await flaky.sleep(300); job.progress({ stage: "done", n: 3 }); 1',
}

describe('job progress', () => {
  for (const [language, source] of Object.entries(SCRIPTS)) {
    it(`${language}: job.progress(n) reaches job.on('progress') and job.progress(), rate-limited`, async () => {
      const jobId = uniqueName('j')
      const seen: JobProgress[] = []
      const onWorker: unknown[] = []
      const onBull = (j: { id?: string }, p: unknown) => j.id === jobId && onWorker.push(p)
      worker.bull.on('progress', onBull)
      // listening before the job exists: nothing it reports can be missed
      const stop = await queue.job(jobId).on('progress', (p) => seen.push(p))
      const job = await queue.enqueue({ script: { language, source } }, { jobId })
      expect((await job.result()).value).toBe(1)
      await expect.poll(() => seen.length).toBe(3)
      expect(seen).toEqual([10, 20, { stage: 'done', n: 3 }])
      expect(onWorker).toEqual(seen)
      expect(await job.progress()).toEqual({ stage: 'done', n: 3 })
      stop()
      worker.bull.off('progress', onBull)
    })
  }

  it('a job that reports nothing has no progress', async () => {
    const job = await queue.enqueue({ script: { language: 'lua', source: 'return 1' } })
    await job.result()
    expect(await job.progress()).toBeUndefined()
  })

  it('bad values are a BridgeError the script sees: out of range, not a number or object, too large', async () => {
    const cases = [
      { language: 'lua', source: 'job.progress(101)', message: /job\.progress: argument 1/ },
      { language: 'js', source: 'job.progress("half")', message: /job\.progress: argument 1/ },
      {
        language: 'js',
        source: 'job.progress({ text: "x".repeat(100) })',
        message: /job\.progress: the object is \d+ bytes as JSON, more than 64/,
      },
    ]
    for (const c of cases) {
      const e = await (await queue.enqueue({ script: { language: c.language, source: c.source } })).result().catch((x) => x)
      expect([BridgeError, ScriptRuntimeError].some((C) => e instanceof C)).toBe(true)
      expect(e.message).toMatch(c.message)
    }
    // the script can catch it like any bridge failure
    const caught = await queue.enqueue({ script: { language: 'lua', source: 'return (pcall(job.progress, -1))' } })
    expect((await caught.result()).value).toBe(false)
  })

  it('a bad value is named: a percentage must be a finite number from 0 to 100', async () => {
    // arguments are checked before the handler runs: a plain host.execute shows the message
    const percentage = 'a percentage must be a finite number from 0 to 100'
    const either = 'expected a percentage (a finite number from 0 to 100) or an object'
    const cases: [string, string, string][] = [
      ['lua', 'job.progress(0/0)', `${percentage}, received NaN`],
      ['lua', 'job.progress(1/0)', `${percentage}, received Infinity`],
      ['js', 'job.progress(-Infinity)', `${percentage}, received -Infinity`],
      ['js', 'job.progress(NaN)', `${percentage}, received NaN`],
      ['lua', 'job.progress(101)', `${percentage}, received 101`],
      ['lua', 'job.progress(-1)', `${percentage}, received -1`],
      ['js', 'job.progress("half")', `${either}, received string`],
      ['js', 'job.progress([1])', `${either}, received array`],
      ['js', 'job.progress(null)', `${either}, received null`],
    ]
    for (const [language, source, message] of cases) {
      const e = await host.execute({ language, source }).catch((x) => x)
      expect(e).toBeInstanceOf(BridgeError)
      expect(e.message).toBe(`job.progress: argument 1: ${message}`)
    }
  })

  it('outside a queued execution job.progress fails with BridgeError', async () => {
    const e = await host.execute({ language: 'lua', source: 'job.progress(5)' }).catch((x) => x)
    expect(e).toBeInstanceOf(BridgeError)
    expect(e.message).toMatch(/job\.progress: only available to an execution run by a ScriptWorker/)
  })
})
