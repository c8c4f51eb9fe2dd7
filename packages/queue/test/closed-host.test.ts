import { setTimeout as sleep } from 'node:timers/promises'
import { ClosedError, defineBridge, type Host } from '@polyhost/core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createScriptQueue, createScriptWorker, type ScriptQueue, type ScriptWorker } from '../src/index.js'
import { connection, testHost, uniqueName } from './support.js'

// A worker whose host has been closed. Before: every job it took failed with the host's
// ClosedError, retryable, so the worker kept taking jobs and used up each one's attempts (with
// the default single attempt, every job it touched failed for good); a job running when the
// host closed was cancelled by the host's drain and failed for good as CancelledError. Now the
// worker gives such a job back to the queue without using an attempt, stops taking jobs (it
// closes itself) and reports a ClosedError on `worker.bull`'s 'error' event; other workers run
// the jobs, once each.

let open: Host
beforeAll(async () => {
  open = await testHost()
})
afterAll(async () => {
  await open.close()
})

/** A queue, and the ClosedErrors a worker reports on `worker.bull`. */
function reported(worker: ScriptWorker): Error[] {
  const errors: Error[] = []
  worker.bull.on('error', (e) => errors.push(e))
  return errors
}

async function until(what: string, done: () => boolean, ms = 20_000): Promise<void> {
  const end = performance.now() + ms
  while (!done()) {
    if (performance.now() > end) throw new Error(`timed out waiting for ${what}`)
    await sleep(20)
  }
}

it('createScriptWorker refuses a closed host before opening a connection', async () => {
  const closed = await testHost()
  await closed.close()
  expect(() => createScriptWorker({ connection: connection(), name: uniqueName('closed-host'), host: closed })).toThrow(
    new ClosedError('createScriptWorker: the host is closed (close() was called)'),
  )
})

describe('a worker whose host is closed', () => {
  let queue: ScriptQueue
  let name: string
  beforeAll(() => {
    name = uniqueName('closed-host')
    queue = createScriptQueue({ connection: connection(), name })
  })
  afterAll(async () => {
    await queue.bull.obliterate({ force: true })
    await queue.close()
  })

  it('gives the jobs it takes back without using an attempt, stops, and the jobs run elsewhere once', async () => {
    const closed = await testHost()
    const stale = createScriptWorker({ connection: connection(), name, host: closed, concurrency: 2 })
    const errors = reported(stale)
    let taken = 0
    stale.bull.on('active', () => taken++)
    await stale.ready()
    await closed.close()
    // the default: a single attempt, which a ClosedError used to spend
    const jobs = await queue.enqueueMany(
      Array.from({ length: 6 }, (_, i) => ({ request: { script: { language: 'lua', source: 'return x * 2' }, globals: { x: i } } })),
    )
    await until('the stale worker to take a job', () => taken > 0)
    await until('the stale worker to stop', () => errors.length > 0)
    expect(errors[0]).toBeInstanceOf(ClosedError)
    expect(errors[0]?.message).toMatch(/its host is closed: it takes no more jobs/)
    const fresh = createScriptWorker({ connection: connection(), name, host: open, concurrency: 2 })
    const completions = new Map<string, number>()
    fresh.bull.on('completed', (job) => completions.set(job.id as string, (completions.get(job.id as string) ?? 0) + 1))
    try {
      const values = await Promise.all(jobs.map((j) => j.result({ timeoutMs: 30_000 }).then((r) => r.value)))
      expect(values).toEqual([0, 2, 4, 6, 8, 10])
      // the worker hears of its completion a little after the producer may
      await until('the fresh worker to see each completion', () => completions.size === 6)
      expect([...completions.values()]).toEqual([1, 1, 1, 1, 1, 1])
      for (const j of jobs) expect((await queue.bull.getJob(j.id))?.attemptsMade).toBe(1)
      // it took at most one job per slot before it stopped
      expect(taken).toBeLessThanOrEqual(2)
    } finally {
      await fresh.close()
      await stale.close()
    }
  }, 60_000)

  it('gives back a job that was running when its host closed', async () => {
    const closing = await testHost({ pool: { drainTimeoutMs: 100 } })
    // on the closing host the script waits until its execution is cancelled; elsewhere it answers
    let started!: () => void
    const running = new Promise<void>((r) => {
      started = r
    })
    const gate = (handler: (ctx: { signal: AbortSignal }) => Promise<string>) =>
      defineBridge({ name: 'gate', methods: { pass: { args: [], handler } } })
    closing.bridges.register(
      gate((ctx) => {
        started()
        return new Promise((_, reject) => ctx.signal.addEventListener('abort', () => reject(ctx.signal.reason)))
      }),
    )
    const other = await testHost()
    other.bridges.register(gate(async () => 'passed'))
    const stale = createScriptWorker({ connection: connection(), name, host: closing })
    const errors = reported(stale)
    await stale.ready()
    const job = await queue.enqueue({ script: { language: 'lua', source: 'return gate.pass()' } })
    await running
    await closing.close()
    await until('the stale worker to stop', () => errors.length > 0)
    const fresh = createScriptWorker({ connection: connection(), name, host: other })
    try {
      expect((await job.result({ timeoutMs: 30_000 })).value).toBe('passed')
      expect((await queue.bull.getJob(job.id))?.attemptsMade).toBe(1)
    } finally {
      await fresh.close()
      await stale.close()
      await other.close()
    }
  }, 60_000)
})
