import { expect, it } from 'vitest'
import { createScriptQueue, createScriptWorker } from '../src/index.js'
import { freePort, startRedis, stopRedis } from './redis-global-setup.js'
import { uniqueName, useRestartFixture } from './support.js'

// A redis-server of this file's own, with an append-only file so a restart keeps the queue.
const fixture = useRestartFixture()

it('redis-server restarted mid-run: no job lost or run twice, worker and producer reconnect', async () => {
  const port = await freePort()
  const persist = ['--dir', fixture.dir(), '--appendonly', 'yes', '--appendfsync', 'always', '--save', '']
  let server = await startRedis(port, persist)
  const conn = { host: '127.0.0.1', port }
  const name = uniqueName('restart')
  const queue = createScriptQueue({ connection: conn, name, defaultJobOptions: { attempts: 5, backoff: { type: 'fixed', delay: 100 } } })
  const worker = createScriptWorker({
    connection: conn,
    name,
    host: fixture.host(),
    concurrency: 2,
    lockDuration: 2000,
    stalledInterval: 1000,
  })
  const completions = new Map<string, number>()
  worker.bull.on('completed', (job) => completions.set(job.id as string, (completions.get(job.id as string) ?? 0) + 1))
  worker.bull.on('error', () => undefined) // connection errors while Redis is down are expected
  try {
    await worker.ready()
    const jobs = await queue.enqueueMany(
      Array.from({ length: 40 }, (_, i) => ({
        request: { script: { language: 'lua', source: 'return x' }, globals: { x: i } },
        options: { delay: i * 40 },
      })),
    )
    const results = jobs.map((j) => j.result({ timeoutMs: 40_000 }).then((r) => r.value))
    await new Promise((r) => setTimeout(r, 400))
    const before = completions.size
    await stopRedis(server)
    await new Promise((r) => setTimeout(r, 1000))
    server = await startRedis(port, persist)
    const t0 = performance.now()
    expect(await Promise.all(results)).toEqual(jobs.map((_, i) => i))
    console.log(`restart after ${before} of 40 jobs; the rest completed ${(performance.now() - t0).toFixed(0)} ms after Redis was back`)
    expect(before).toBeLessThan(40)
    expect([...completions.values()].every((n) => n === 1)).toBe(true)
  } finally {
    await worker.close({ force: true })
    await queue.close()
    await stopRedis(server)
  }
}, 60_000)
