import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { defineBridge, type Host } from '@polyhost/core'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { createScriptQueue, createScriptWorker } from '../src/index.js'
import { freePort, startRedis, stopRedis } from './redis-global-setup.js'
import { connection, settledSockets, sockets, testHost, uniqueName } from './support.js'

// A worker's host closes while its job runs and redis-server is down: the job cannot go back to
// the queue at once. Before: the worker gave up on it at the first failure, and the job came back
// only through BullMQ's stalled-job check, which counts it as a stall: with maxStalledCount 0 it
// failed for good ("job stalled more than allowable limit") though its script never failed.
// Now the worker takes the lock again when nobody holds it and gives the job back, which another
// worker runs once.
let open: Host
let dir: string
beforeAll(async () => {
  connection() // fails clearly when redis-server is missing
  open = await testHost()
  open.bridges.register(defineBridge({ name: 'stage', methods: { wait: { args: [], handler: () => 'ran' } } }))
  dir = mkdtempSync(join(tmpdir(), 'polyhost-redis-'))
})
afterAll(async () => {
  await open?.close()
  rmSync(dir, { recursive: true, force: true })
})

it.each([
  ['shorter', 1500],
  ['longer', 5000],
])(
  'a job given back while Redis is down (%s than lockDuration) returns to the queue without counting as a stall',
  async (_, downMs) => {
    const before = await settledSockets()
    const port = await freePort()
    const persist = ['--dir', dir, '--appendonly', 'yes', '--appendfsync', 'always', '--save', '']
    let server = await startRedis(port, persist)
    const conn = { host: '127.0.0.1', port }
    const name = uniqueName('closed-down')
    const settings = { lockDuration: 2500, stalledInterval: 1000, maxStalledCount: 0 }
    // on this host the script waits until the host's close cancels it
    const closing = await testHost()
    let entered!: () => void
    const inside = new Promise<void>((r) => {
      entered = r
    })
    const wait = (ctx: { signal: AbortSignal }) => {
      entered()
      return new Promise<string>((_, reject) => ctx.signal.addEventListener('abort', () => reject(ctx.signal.reason)))
    }
    closing.bridges.register(defineBridge({ name: 'stage', methods: { wait: { args: [], handler: wait } } }))
    const queue = createScriptQueue({ connection: conn, name })
    const stale = createScriptWorker({ connection: conn, name, host: closing, ...settings })
    stale.bull.on('error', () => undefined) // Redis down, the host closed: expected
    let other: ReturnType<typeof createScriptWorker> | undefined
    try {
      await stale.ready()
      const job = await queue.enqueue({ script: { language: 'lua', source: 'return stage.wait() .. "!"' } }, { attempts: 1 })
      await inside
      await stopRedis(server)
      await closing.close()
      await new Promise((r) => setTimeout(r, downMs))
      server = await startRedis(port, persist)
      other = createScriptWorker({ connection: conn, name, host: open, ...settings })
      other.bull.on('error', () => undefined)
      // the job's state, not result(): a result() waiting across the restart is another matter
      let state = await queue.bull.getJobState(job.id)
      for (const end = performance.now() + 30_000; state !== 'completed' && state !== 'failed' && performance.now() < end; ) {
        await new Promise((r) => setTimeout(r, 200))
        state = await queue.bull.getJobState(job.id)
      }
      const stored = await queue.bull.getJob(job.id)
      expect([state, stored?.failedReason]).toEqual(['completed', undefined])
      expect(stored?.returnvalue).toBeDefined()
      expect([stored?.stalledCounter ?? 0, stored?.attemptsMade]).toEqual([0, 1])
      // before: this worker's close() (begun by itself when its host closed) never ended, not
      // even once Redis was back: BullMQ waited for an `end` its blocking connection, closed
      // between reconnect attempts, never emitted
      await other.close()
      const closed = stale.close({ force: true }).then(() => 'closed')
      expect(await Promise.race([closed, new Promise((r) => setTimeout(r, 20_000, 'still closing'))])).toBe('closed')
      await queue.close()
      await new Promise((r) => setTimeout(r, 300))
      expect(sockets()).toBe(before)
    } finally {
      await other?.close({ force: true })
      await Promise.race([stale.close({ force: true }), new Promise((r) => setTimeout(r, 3000))])
      await queue.close()
      await stopRedis(server)
    }
  },
  60_000,
)
