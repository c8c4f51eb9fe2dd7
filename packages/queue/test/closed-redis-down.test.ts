import { defineBridge, type Host } from '@polyhost/core'
import { CancelledError, ClosedError } from '@polyhost/core'
import type { Redis } from 'ioredis'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { createScriptQueue, createScriptWorker, QueueUnavailableError } from '../src/index.js'
import { freePort, startRedis, stopRedis } from './redis-global-setup.js'
import { connection, settledSockets, sockets, testHost, uniqueName } from './support.js'

// A worker or a queue closed while redis-server is down, and stays down: close() ends, calls
// left waiting on the connection settle with a typed error, and no socket or timer is left.
let host: Host
beforeAll(async () => {
  connection() // fails clearly when redis-server is missing
  host = await testHost()
})
afterAll(async () => {
  await host?.close()
})

const timers = () => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length
const within = <T>(p: Promise<T>, ms: number) =>
  Promise.race([p, new Promise<'still waiting'>((r) => setTimeout(r, ms, 'still waiting').unref())])
/** How `p` settled: 'typed' for the errors a close gives (result(): CancelledError, as documented). */
const outcome = (p: Promise<unknown>) =>
  p.then(
    () => 'resolved',
    (e: unknown) =>
      e instanceof ClosedError || e instanceof QueueUnavailableError || e instanceof CancelledError ? 'typed' : `untyped: ${String(e)}`,
  )

/** A redis-server on a free port, stopped once `use` is connected to it. */
async function downRedis(): Promise<{ conn: { host: string; port: number }; stop: () => Promise<void> }> {
  const port = await freePort()
  const server = await startRedis(port)
  return { conn: { host: '127.0.0.1', port }, stop: () => stopRedis(server) }
}

/** Sockets and timers back to `before` (timers of ioredis' reconnect attempts among them). */
async function nothingLeft(before: { sockets: number; timers: number }): Promise<void> {
  await new Promise((r) => setTimeout(r, 500))
  expect({ sockets: sockets(), timers: timers() }).toEqual(before)
}

it('a connected worker closed gracefully while Redis is down ends its close() and leaves nothing open', async () => {
  const before = { sockets: await settledSockets(), timers: timers() }
  const redis = await downRedis()
  const worker = createScriptWorker({ connection: redis.conn, name: uniqueName('down-close'), host })
  worker.bull.on('error', () => undefined) // Redis down: expected
  try {
    await worker.ready()
    await redis.stop()
    await new Promise((r) => setTimeout(r, 300))
    // a command BullMQ's main connection holds for the connection to come back (as its stalled
    // check or a job's end would): ioredis then queues QUIT behind it instead of ending at once
    const main = (await worker.bull.getBackend().client) as unknown as Redis
    const held = main.ping().catch(() => 'rejected')
    // before: BullMQ's QUIT of its main connection waited for a connection that never came
    expect(
      await within(
        worker.close().then(() => 'closed'),
        15_000,
      ),
    ).toBe('closed')
    expect(await within(held, 3000)).toBe('rejected')
    await nothingLeft(before)
  } finally {
    await within(worker.close({ force: true }), 3000)
    await redis.stop()
  }
}, 40_000)

it("ready() resolves once BullMQ's own connection is set up too", async () => {
  // before: ready() meant subscribed and BullMQ's run() called, while BullMQ's main connection
  // could still be initialising (its INFO check); Redis stopping then (the test above, on a
  // loaded machine) held that connection's promise until ioredis gave up on the INFO
  const redis = await downRedis()
  try {
    for (let i = 0; i < 5; i++) {
      const worker = createScriptWorker({ connection: redis.conn, name: uniqueName('ready'), host })
      try {
        await worker.ready()
        let initialised = false
        void Promise.resolve(worker.bull.getBackend().client).then(() => {
          initialised = true
        })
        await new Promise((r) => setImmediate(r))
        expect(initialised).toBe(true)
      } finally {
        await worker.close()
      }
    }
  } finally {
    await redis.stop()
  }
}, 40_000)

it('a worker closed gracefully while Redis is down, a job running, ends its close() once the job has', async () => {
  const before = { sockets: await settledSockets(), timers: timers() }
  const redis = await downRedis()
  // the script waits in stage.wait() until released
  const staged = await testHost()
  let entered!: () => void
  const inside = new Promise<void>((r) => {
    entered = r
  })
  let release!: (v: string) => void
  const released = new Promise<string>((r) => {
    release = r
  })
  const wait = () => {
    entered()
    return released
  }
  staged.bridges.register(defineBridge({ name: 'stage', methods: { wait: { args: [], handler: wait } } }))
  const name = uniqueName('down-running')
  const queue = createScriptQueue({ connection: redis.conn, name })
  const worker = createScriptWorker({ connection: redis.conn, name, host: staged })
  worker.bull.on('error', () => undefined) // Redis down: expected
  queue.bull.on('error', () => undefined)
  try {
    await worker.ready()
    await queue.enqueue({ script: { language: 'lua', source: 'return stage.wait()' } })
    await inside
    await redis.stop()
    await new Promise((r) => setTimeout(r, 300))
    const closing = worker.close().then(() => 'closed')
    await new Promise((r) => setTimeout(r, 200))
    release('ran')
    // before: BullMQ's close waited for ever on the job's move to completed, held by its main
    // connection; now the job stays active in Redis, for BullMQ's stalled-job check
    expect(await within(closing, 30_000)).toBe('closed')
    await queue.close()
    await staged.close()
    await nothingLeft(before)
  } finally {
    await within(worker.close({ force: true }), 3000)
    await within(queue.close(), 3000)
    await staged.close()
    await redis.stop()
  }
}, 60_000)

it('a queue closed while Redis is down ends its close(); calls waiting on its connections settle typed', async () => {
  const before = { sockets: await settledSockets(), timers: timers() }
  const redis = await downRedis()
  // a connectTimeoutMs longer than the test: what settles the calls is close()
  const queue = createScriptQueue({ connection: redis.conn, name: uniqueName('down-queue'), connectTimeoutMs: 60_000 })
  queue.bull.on('error', () => undefined) // Redis down: expected
  try {
    const job = await queue.enqueue({ script: { language: 'lua', source: 'return 1' } })
    await redis.stop()
    await new Promise((r) => setTimeout(r, 300))
    // held by ioredis until a connection that never comes
    const pending = {
      put: outcome(queue.scripts.put('down', { language: 'lua', source: 'return 1' })),
      enqueue: outcome(queue.enqueue({ script: { language: 'lua', source: 'return 2' } })),
      result: outcome(job.result()),
    }
    await new Promise((r) => setTimeout(r, 300))
    expect(
      await within(
        queue.close().then(() => 'closed'),
        15_000,
      ),
    ).toBe('closed')
    const settled = {
      put: await within(pending.put, 5000),
      enqueue: await within(pending.enqueue, 5000),
      result: await within(pending.result, 5000),
    }
    expect(settled).toEqual({ put: 'typed', enqueue: 'typed', result: 'typed' })
    await nothingLeft(before)
  } finally {
    await within(queue.close(), 3000)
    await redis.stop()
  }
}, 40_000)
