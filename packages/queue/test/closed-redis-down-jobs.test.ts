import { ScriptRuntimeError } from '@polyhost/core'
import { expect, it } from 'vitest'
import { createScriptQueue, createScriptWorker, JobFailedError } from '../src/index.js'
import { freePort, startRedis, stopRedis } from './redis-global-setup.js'
import { bridgeEvents, uniqueName, useRestartFixture } from './support.js'

// A worker closed gracefully while redis-server is down, its job still running: close() ends
// once the job's script has, and the job's end, which cannot be stored, is dropped. The job
// stays active in Redis and comes back through BullMQ's stalled-job check when Redis is back:
// within `maxStalledCount` it runs again (a second run: what the first stored is not there),
// past it BullMQ fails it as stalled. Before, a job that stored something on the worker's own
// connection (its log lines, its error, a fair tenant's count) held close() for ~10 s a command,
// until ioredis gave up on it (43 s for a job with log lines), and the job then failed with
// that Redis error.
const fixture = useRestartFixture()

const SETTINGS = { lockDuration: 2000, stalledInterval: 500 }
const within = <T>(p: Promise<T>, ms: number) =>
  Promise.race([p, new Promise<'still waiting'>((r) => setTimeout(r, ms, 'still waiting').unref())])

it.each([
  { what: 'with log lines', source: 'print("x") return flaky.sleep(1500)', fair: false, maxStalledCount: 1 },
  { what: 'failing', source: 'local s = flaky.sleep(1500) error("boom " .. s)', fair: false, maxStalledCount: 1 },
  { what: 'of a fair tenant', source: 'return flaky.sleep(1500)', fair: true, maxStalledCount: 1 },
  { what: 'of a fair tenant, no stall allowed', source: 'return flaky.sleep(1500)', fair: true, maxStalledCount: 0 },
])(
  'a job $what, its worker closed while Redis is down (maxStalledCount $maxStalledCount)',
  async ({ source, fair, maxStalledCount }) => {
    const port = await freePort()
    const persist = ['--dir', fixture.dir(), '--appendonly', 'yes', '--appendfsync', 'always', '--save', '']
    let server = await startRedis(port, persist)
    const conn = { host: '127.0.0.1', port }
    const name = uniqueName('down-jobs')
    const queue = createScriptQueue({ connection: conn, name, fairness: fair ? 'tenant' : 'none' })
    queue.bull.on('error', () => undefined) // Redis down: expected
    const first = createScriptWorker({ connection: conn, name, host: fixture.host(), ...SETTINGS, maxStalledCount })
    first.bull.on('error', () => undefined)
    let second: ReturnType<typeof createScriptWorker> | undefined
    let runs = 0
    const counting = () => runs++
    bridgeEvents.on('sleep', counting)
    try {
      await first.ready()
      const inside = new Promise<void>((r) => bridgeEvents.once('sleep', r))
      const job = await queue.enqueue({ script: { language: 'lua', source }, tenant: 't' }, { attempts: 1 })
      await inside
      await stopRedis(server)
      const started = performance.now()
      // ends once the script has (1.5 s); before: 10 s or more after that
      expect(
        await within(
          first.close().then(() => 'closed'),
          7500,
        ),
      ).toBe('closed')
      expect(performance.now() - started).toBeLessThan(7500)
      server = await startRedis(port, persist)
      second = createScriptWorker({ connection: conn, name, host: fixture.host(), ...SETTINGS, maxStalledCount })
      second.bull.on('error', () => undefined)
      const outcome = await job.result({ timeoutMs: 30_000 }).then(
        (r) => r.value,
        (e: unknown) => e,
      )
      const stored = await queue.bull.getJob(job.id)
      if (maxStalledCount === 0) {
        expect(outcome).toBeInstanceOf(JobFailedError)
        expect((outcome as Error).message).toMatch(/stalled/)
        expect(runs).toBe(1)
      } else {
        expect(runs).toBe(2)
        expect(stored?.stalledCounter).toBe(1)
        if (source.includes('error')) {
          expect(outcome).toBeInstanceOf(ScriptRuntimeError)
          expect((outcome as Error).message).toMatch(/boom slept/)
        } else expect(outcome).toBe('slept')
        // the second run's line only: the first run's was never stored
        if (source.includes('print')) expect((await queue.bull.getJobLogs(job.id)).logs).toEqual(['[info] x'])
      }
      expect(stored?.attemptsMade).toBe(1)
      if (fair) expect((await queue.stats()).pendingByTenant.t).toBeUndefined()
    } finally {
      bridgeEvents.off('sleep', counting)
      await within(first.close({ force: true }), 3000)
      await second?.close()
      await within(queue.close(), 3000)
      await stopRedis(server)
    }
  },
  60_000,
)
