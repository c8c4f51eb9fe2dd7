import { BridgeError } from '@polyhost/core'
import { describe, expect, it } from 'vitest'
import { uniqueName, useQueueFixture } from './support.js'

// Scripts run in worker threads; bridge handlers (and their RetryableErrors) on the main thread.
const fx = useQueueFixture({ name: 'iso', concurrency: 2, host: { isolation: 'worker', workers: 1 } })

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
      const job = await fx.queue.enqueue({ script: c.script, globals: { KEY: uniqueName('k') } }, { attempts: 3 })
      const r = await job.result({ timeoutMs: 20_000 }).catch((e) => e)
      expect(r instanceof Error ? `${r.name}: ${r.message}` : r.value).toBe('ok after 3')
      expect((await fx.queue.bull.getJob(job.id))?.attemptsMade).toBe(3)
    })
  }

  it('a plain bridge failure is not retried', async () => {
    const job = await fx.queue.enqueue({ script: { language: 'lua', source: 'return flaky.fail()' } }, { attempts: 3 })
    await expect(job.result({ timeoutMs: 20_000 })).rejects.toBeInstanceOf(BridgeError)
    expect((await fx.queue.bull.getJob(job.id))?.attemptsMade).toBe(1)
  })
})
