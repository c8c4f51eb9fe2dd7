import { defineBridge } from '@polyhost/core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { z } from 'zod'
import { RetryableError } from '../src/index.js'
import { uniqueName, useQueueFixture } from './support.js'

// A RetryableError marks the job whose bridge call it failed, wherever the handler made it.
// A handler may settle from a shared batcher (one timer for all the calls of a tick, as a
// DataLoader or a connection pool does), whose callback runs in the async context of whoever
// started it, not the job's. When the script wraps the failure in its own error (the
// RetryableError is then no `cause`), only the mark says the job may pass on a retry. Before,
// the mark was taken from an AsyncLocalStorage around the job's execution, which such a
// callback does not see: the job failed for good on its first attempt.

/** Calls answered by one interval timer started outside any job: the first `failures` calls of a key fail. */
function sharedBatcher() {
  const pending: { key: string; failures: number; resolve: (v: string) => void; reject: (e: Error) => void }[] = []
  const seen = new Map<string, number>()
  const timer = setInterval(() => {
    for (const p of pending.splice(0)) {
      const n = (seen.get(p.key) ?? 0) + 1
      seen.set(p.key, n)
      if (n <= p.failures) p.reject(new RetryableError(`upstream unavailable (${n})`))
      else p.resolve(`ok after ${n}`)
    }
  }, 5)
  const bridge = defineBridge({
    name: 'batched',
    methods: {
      get: {
        args: [z.string(), z.number()],
        handler: (_ctx, key, failures) => new Promise<string>((resolve, reject) => pending.push({ key, failures, resolve, reject })),
      },
    },
  })
  return { bridge, stop: () => clearInterval(timer) }
}

const LUA = `
local ok, v = pcall(batched.get, KEY, 2)
if not ok then error('lookup failed: ' .. tostring(v)) end
return v`
const JS = `
let v
try { v = await batched.get(KEY, 2) } catch (e) { throw new Error('lookup failed: ' + e.message) }
v`

describe.each(['inline', 'worker'] as const)('a RetryableError settled from a shared timer (%s)', (isolation) => {
  const fx = useQueueFixture({ name: `marks-${isolation}`, concurrency: 2, host: { isolation, workers: 1 } })
  const batcher = sharedBatcher()
  beforeAll(() => fx.host.bridges.register(batcher.bridge))
  afterAll(() => batcher.stop())

  for (const [language, source] of [
    ['lua', LUA],
    ['js', JS],
  ] as const) {
    it(`${language}: wrapped by the script in its own error, the job is retried and succeeds on attempt 3`, async () => {
      const job = await fx.queue.enqueue({ script: { language, source }, globals: { KEY: uniqueName('k') } }, { attempts: 3 })
      const r = await job.result({ timeoutMs: 20_000 }).catch((e: Error) => e)
      expect(r instanceof Error ? `${r.name}: ${r.message}` : r.value).toBe('ok after 3')
      expect((await fx.queue.bull.getJob(job.id))?.attemptsMade).toBe(3)
    })
  }
})
