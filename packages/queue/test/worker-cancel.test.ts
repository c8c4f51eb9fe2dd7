import { once } from 'node:events'
import { CancelledError, type Host } from '@polyhost/core'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { createScriptQueue, createScriptWorker, type ScriptQueue, type ScriptWorker } from '../src/index.js'
import { bridgeEvents, connection, testHost, uniqueName } from './support.js'

// Each running job's abort signal is the worker's own, reused once its job ended without an
// abort (job-signals.ts): BullMQ's cancelJob and cancelAllJobs still reach it, and an aborted
// signal is never handed to a later job.

let host: Host
let queue: ScriptQueue
let worker: ScriptWorker

beforeAll(async () => {
  const name = uniqueName('worker-cancel')
  host = await testHost()
  queue = createScriptQueue({ connection: connection(), name, defaultJobOptions: { backoff: { type: 'fixed', delay: 20 } } })
  worker = createScriptWorker({ connection: connection(), name, host, concurrency: 2 })
  await worker.ready()
})
afterAll(async () => {
  await worker?.close()
  await queue?.close()
  await host?.close()
})

const quick = (n: number) =>
  Promise.all(
    Array.from({ length: n }, async (_, x) => (await queue.enqueue({ script: { language: 'lua', source: `return ${x}` } })).result()),
  )

it("BullMQ's cancelJob aborts the running execution, which may run again; cancelAllJobs too", async () => {
  let hanging = once(bridgeEvents, 'hang')
  const job = await queue.enqueue({ script: { language: 'lua', source: 'return flaky.hang()' } }, { attempts: 2 })
  await hanging
  const r = job.result({ timeoutMs: 20_000 })
  r.catch(() => undefined)
  hanging = once(bridgeEvents, 'hang')
  expect(worker.bull.cancelJob(job.id, 'by hand')).toBe(true)
  // not a cancel request: the attempt failed and the job runs again
  await hanging
  worker.bull.cancelAllJobs()
  await expect(r).rejects.toBeInstanceOf(CancelledError)
  expect((await queue.bull.getJob(job.id))?.attemptsMade).toBe(2)
  expect(worker.bull.cancelJob(job.id)).toBe(false)
})

it('a cancel aborts only its own job, and jobs after it start on signals nothing aborted', async () => {
  // earlier jobs' signals are kept for reuse
  expect((await quick(6)).map((x) => x.value)).toEqual([0, 1, 2, 3, 4, 5])
  const hanging = once(bridgeEvents, 'hang')
  const hung = await queue.enqueue({ script: { language: 'lua', source: 'return flaky.hang()' } })
  const sleeper = await queue.enqueue({ script: { language: 'js', source: 'await flaky.sleep(300)' } })
  await hanging
  await hung.cancel()
  await expect(hung.result({ timeoutMs: 20_000 })).rejects.toBeInstanceOf(CancelledError)
  expect((await sleeper.result({ timeoutMs: 20_000 })).value).toBe('slept')
  // an aborted signal handed on would cancel these before they start
  expect((await quick(6)).map((x) => x.value)).toEqual([0, 1, 2, 3, 4, 5])
})
