import type { Host } from '@polyhost/core'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { createScriptQueue, createScriptWorker, type ScriptQueue, type ScriptWorker } from '../src/index.js'
import { connection, testHost, uniqueName } from './support.js'

let host: Host
beforeAll(async () => {
  host = await testHost()
})
afterAll(async () => {
  await host?.close()
})

/**
 * Enqueues `backlog` jobs of tenant A, then 10 of tenant B, on a queue with `fairness`;
 * answers how many A jobs completed before B's last one, and how long B's jobs took.
 */
async function race(fairness: 'tenant' | 'none', backlog: number) {
  const name = uniqueName(`fair-${fairness}`)
  const queue: ScriptQueue = createScriptQueue({ connection: connection(), name, fairness })
  const worker: ScriptWorker = createScriptWorker({ connection: connection(), name, host, concurrency: 4 })
  try {
    const script = { language: 'lua', source: 'return context.tenant' }
    const order: string[] = []
    worker.bull.on('completed', (job) => order.push(job.data.tenant))
    await queue.enqueueMany(Array.from({ length: backlog }, () => ({ request: { script, context: { tenant: 'A' } } })))
    const t0 = performance.now()
    const b = await queue.enqueueMany(Array.from({ length: 10 }, () => ({ request: { script, context: { tenant: 'B' } } })))
    await worker.ready()
    const values = await Promise.all(b.map((j) => j.result({ timeoutMs: 60_000 }).then((r) => r.value)))
    const ms = performance.now() - t0
    expect(values).toEqual(Array(10).fill('B'))
    const aBefore = order.slice(0, order.lastIndexOf('B')).filter((t) => t === 'A').length
    return { ms, aBefore, stats: await queue.stats() }
  } finally {
    await worker.close()
    await queue.bull.obliterate({ force: true })
    await queue.close()
  }
}

it("with 5,000 of tenant A's jobs queued ahead, tenant B's 10 finish after at most 60 of A's", async () => {
  const fair = await race('tenant', 5000)
  console.log(
    `fair: B's 10 jobs done in ${fair.ms.toFixed(0)} ms, after ${fair.aBefore} of A's 5,000; pending A=${fair.stats.pendingByTenant.A}`,
  )
  expect(fair.aBefore).toBeLessThanOrEqual(60)
  expect(fair.stats.pendingByTenant.B).toBeUndefined()
  expect(fair.stats.pendingByTenant.A).toBeGreaterThan(4000)
}, 60_000)

it('without fairness, B waits behind the whole backlog (the case fairness fixes)', async () => {
  const fifo = await race('none', 300)
  console.log(`fifo: B's 10 jobs done in ${fifo.ms.toFixed(0)} ms, after ${fifo.aBefore} of A's 300`)
  expect(fifo.aBefore).toBe(300)
}, 60_000)
