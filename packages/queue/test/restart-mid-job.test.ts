import { expect, it } from 'vitest'
import { createScriptQueue, createScriptWorker } from '../src/index.js'
import { freePort, startRedis, stopRedis } from './redis-global-setup.js'
import { bridgeEvents, uniqueName, useRestartFixture } from './support.js'

// redis-server (append-only file) stopped and restarted while a worker is inside a job: the job
// ends exactly once and the producer's result() resolves with its value.
const fixture = useRestartFixture()

it('a job running while redis-server restarts ends once, and result() resolves', async () => {
  const port = await freePort()
  const persist = ['--dir', fixture.dir(), '--appendonly', 'yes', '--appendfsync', 'always', '--save', '']
  let server = await startRedis(port, persist)
  const conn = { host: '127.0.0.1', port }
  const name = uniqueName('restart-mid')
  const queue = createScriptQueue({ connection: conn, name })
  const worker = createScriptWorker({ connection: conn, name, host: fixture.host(), lockDuration: 10_000 })
  let ends = 0
  worker.bull.on('completed', () => ends++)
  worker.bull.on('failed', () => ends++)
  worker.bull.on('error', () => undefined) // connection errors while Redis is down are expected
  try {
    await worker.ready()
    const inside = new Promise<void>((r) => bridgeEvents.once('sleep', r))
    const job = await queue.enqueue({ script: { language: 'lua', source: 'return flaky.sleep(1000) .. "!"' } })
    const result = job.result({ timeoutMs: 40_000 })
    await inside
    await stopRedis(server)
    await new Promise((r) => setTimeout(r, 1000))
    server = await startRedis(port, persist)
    expect((await result).value).toBe('slept!')
    await new Promise((r) => setTimeout(r, 500))
    expect(ends).toBe(1)
    expect(await queue.bull.getJobState(job.id)).toBe('completed')
    // started once: not taken again by a stalled-job check
    const stored = await queue.bull.getJob(job.id)
    expect([stored?.attemptsStarted, stored?.attemptsMade]).toEqual([1, 1])
  } finally {
    await worker.close({ force: true })
    await queue.close()
    await stopRedis(server)
  }
}, 60_000)
