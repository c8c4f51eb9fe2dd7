import type { Host } from '@polyhost/core'
import { BridgeError } from '@polyhost/core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createScriptQueue, createScriptWorker, type ScriptQueue, type ScriptWorker } from '../src/index.js'
import { connection, testHost, uniqueName } from './support.js'

// Scripts run in worker threads; bridge handlers (and their RetryableErrors) on the main thread.
let host: Host
let queue: ScriptQueue
let worker: ScriptWorker

beforeAll(async () => {
  const name = uniqueName('iso')
  host = await testHost({ isolation: 'worker', workers: 1 })
  queue = createScriptQueue({ connection: connection(), name, defaultJobOptions: { backoff: { type: 'fixed', delay: 20 } } })
  worker = createScriptWorker({ connection: connection(), name, host, concurrency: 2 })
  await worker.ready()
})
afterAll(async () => {
  await worker?.close()
  await queue?.close()
  await host?.close()
})

describe("RetryableError with isolation: 'worker'", () => {
  const cases = [
    { name: 'Lua lets the bridge failure escape', script: { language: 'lua', source: 'return flaky.call(KEY, 2)' } },
    { name: 'JS lets the bridge failure escape', script: { language: 'js', source: 'await flaky.call(KEY, 2)' } },
    {
      name: 'JS rethrows it as its own error',
      script: {
        language: 'js',
        source: 'let r; try { r = await flaky.call(KEY, 2) } catch (e) { throw new Error("wrapped: " + e.message) }; r',
      },
    },
  ]
  for (const c of cases) {
    it(`${c.name}: the job is retried and succeeds on attempt 3`, async () => {
      const job = await queue.enqueue({ script: c.script, globals: { KEY: uniqueName('k') } }, { attempts: 3 })
      const r = await job.result({ timeoutMs: 20_000 }).catch((e) => e)
      expect(r instanceof Error ? `${r.name}: ${r.message}` : r.value).toBe('ok after 3')
      expect((await queue.bull.getJob(job.id))?.attemptsMade).toBe(3)
    })
  }

  it('a plain bridge failure is not retried', async () => {
    const job = await queue.enqueue({ script: { language: 'lua', source: 'return flaky.fail()' } }, { attempts: 3 })
    await expect(job.result({ timeoutMs: 20_000 })).rejects.toBeInstanceOf(BridgeError)
    expect((await queue.bull.getJob(job.id))?.attemptsMade).toBe(1)
  })
})
