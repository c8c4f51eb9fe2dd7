import { expect, it } from 'vitest'
import { createScriptQueue, createScriptWorker } from '../src/index.js'
import { freePort, startRedis, stopRedis } from './redis-global-setup.js'
import { uniqueName, useRestartFixture } from './support.js'

// A producer's result() begun before redis-server restarts. Before: with the job gone in the
// restart (a Redis without persistence), the wait went on until its timeout (for ever without
// one): the events stream started anew and told nothing of the job. Now each reconnect reads the
// state of the jobs awaited again, and the wait ends as a result() begun after the restart does.
const fixture = useRestartFixture()

const settled = (p: Promise<{ value: unknown }>) =>
  p.then(
    (r) => ({ value: r.value }),
    (e: Error) => ({ error: e.name, message: e.message }),
  )

it.each([
  ['without persistence (the job is gone)', ['--save', '', '--appendonly', 'no']],
  ['with an append-only file (the job runs after the restart)', ['--appendonly', 'yes', '--appendfsync', 'always', '--save', '']],
])(
  'a result() begun before a restart ends as one begun after it, %s',
  async (_, options) => {
    const port = await freePort()
    const args = ['--dir', fixture.dir(), ...options]
    let server = await startRedis(port, args)
    const conn = { host: '127.0.0.1', port }
    const name = uniqueName('restart-result')
    const queue = createScriptQueue({ connection: conn, name })
    queue.bull.on('error', () => undefined) // Redis down: expected
    let worker: ReturnType<typeof createScriptWorker> | undefined
    try {
      const job = await queue.enqueue({ script: { language: 'lua', source: 'return 6 * 7' } })
      const early = settled(job.result({ timeoutMs: 20_000 }))
      await new Promise((r) => setTimeout(r, 300))
      await stopRedis(server)
      await new Promise((r) => setTimeout(r, 1000))
      server = await startRedis(port, args)
      worker = createScriptWorker({ connection: conn, name, host: fixture.host() })
      worker.bull.on('error', () => undefined)
      const before = await early
      const after = await settled(queue.job(job.id).result({ timeoutMs: 20_000 }))
      expect(before).toEqual(after)
      expect(before).not.toMatchObject({ error: 'ResultTimeoutError' })
    } finally {
      await worker?.close({ force: true })
      await queue.close()
      await stopRedis(server)
    }
  },
  60_000,
)
