import { spawn } from 'node:child_process'
import { createServer } from 'node:net'
import { setTimeout as sleep } from 'node:timers/promises'
import type { Host } from '@polyhost/core'
import { Redis } from 'ioredis'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createScriptQueue, createScriptWorker, MAX_NAME_BYTES, QueueUnavailableError } from '../src/index.js'
import { connection, refusedWithoutConnections, settledSockets, sockets, testHost, uniqueName } from './support.js'

// A careless host's queue names and ioredis options. Before: a name or prefix of any length
// was taken (and repeated in every key), 'q\uD800' and 'q\uDC00' were one queue (both are
// 'q\uFFFD' in UTF-8); an ioredis client as `connection` sent this package's own commands to
// 127.0.0.1:6379 while BullMQ's went to the client's Redis; a retryStrategy that threw was an
// uncaught exception at each reconnect, one answering NaN reconnected in a tight loop; a
// worker's close() with Redis unreachable took about 10 s, and a closed queue's connecting
// sockets stayed open for 2 s.

let host: Host
let closedPort: number

beforeAll(async () => {
  host = await testHost()
  // a loopback port nothing listens on
  const server = createServer()
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  closedPort = (server.address() as { port: number }).port
  await new Promise((r) => server.close(r))
})
afterAll(async () => {
  await host.close()
})

const unreachable = (extra: object = {}) => ({ host: '127.0.0.1', port: closedPort, ...extra })

describe('names and prefixes', () => {
  const long = 'x'.repeat(MAX_NAME_BYTES + 1)
  it.each([
    ['a name over 256 bytes', { name: long }, /^createScriptQueue: name must be at most 256 bytes \(UTF-8\), received 257$/],
    [
      'a name over 256 bytes of UTF-8',
      { name: 'é'.repeat(129) },
      /^createScriptQueue: name must be at most 256 bytes \(UTF-8\), received 258$/,
    ],
    ['a name with NUL', { name: 'a\0b' }, /^createScriptQueue: name cannot contain control characters/],
    ['a name with a line break', { name: 'a\nb' }, /^createScriptQueue: name cannot contain control characters/],
    ['a name with a lone surrogate', { name: 'q\uD800' }, /^createScriptQueue: name cannot contain a lone surrogate/],
    ['a name with a lone low surrogate', { name: '\uDC00q' }, /^createScriptQueue: name cannot contain a lone surrogate/],
    ['a name that is no string', { name: 5 }, /^createScriptQueue: name must be a non-empty string without ':', received 5$/],
    ['a prefix over 256 bytes', { prefix: long }, /^createScriptQueue: prefix must be at most 256 bytes/],
    ['a prefix with NUL', { prefix: 'b\0' }, /^createScriptQueue: prefix cannot contain control characters/],
    ['a prefix with a lone surrogate', { prefix: 'b\uDBFF' }, /^createScriptQueue: prefix cannot contain a lone surrogate/],
  ])('refuses %s before opening a connection', async (_, bad, message) => {
    await refusedWithoutConnections(
      () => createScriptQueue({ connection: connection(), name: uniqueName('careless'), ...bad } as never),
      message,
    )
    const worker = { connection: connection(), name: uniqueName('careless'), host, ...bad }
    await refusedWithoutConnections(
      () => createScriptWorker(worker as never),
      new RegExp(message.source.replace('createScriptQueue', 'createScriptWorker')),
    )
  })

  it('takes a name of 256 bytes, a surrogate pair and a prefix with colons', async () => {
    const queue = createScriptQueue({ connection: connection(), name: `😀${'x'.repeat(MAX_NAME_BYTES - 4)}`, prefix: 'app:{bull}' })
    await queue.enqueue({ script: { language: 'lua', source: 'return 1' } })
    await queue.bull.obliterate({ force: true })
    await queue.close()
  })
})

describe('ioredis options', () => {
  it.each([
    [
      'connection.retryStrategy that is no function',
      { retryStrategy: 5 },
      /^createScriptQueue: connection\.retryStrategy must be a function/,
    ],
    [
      'a negative maxRetriesPerRequest',
      { maxRetriesPerRequest: -1 },
      /^createScriptQueue: connection\.maxRetriesPerRequest must be an integer/,
    ],
    ['lazyConnect as text', { lazyConnect: 'yes' }, /^createScriptQueue: connection\.lazyConnect must be a boolean/],
    ['enableOfflineQueue as a number', { enableOfflineQueue: 0 }, /^createScriptQueue: connection\.enableOfflineQueue must be a boolean/],
    ['tls as text', { tls: 'yes' }, /^createScriptQueue: connection\.tls must be an object/],
    ['no sentinels', { sentinels: [] }, /^createScriptQueue: connection\.sentinels must be a non-empty array/],
    ['a keyPrefix', { keyPrefix: 'app:' }, /^createScriptQueue: connection\.keyPrefix is not supported .*use the prefix option$/],
  ])('refuses %s before opening a connection', async (_, bad, message) => {
    const options = { connection: { ...connection(), ...bad }, name: uniqueName('careless') }
    await refusedWithoutConnections(() => createScriptQueue(options as never), message)
  })

  it('refuses an ioredis client as connection', async () => {
    const client = new Redis({ ...connection(), lazyConnect: true })
    const message = /^createScriptQueue: connection must be ioredis options, not a client/
    await refusedWithoutConnections(() => createScriptQueue({ connection: client as never, name: uniqueName('careless') }), message)
    const worker = { connection: client as never, name: uniqueName('careless'), host }
    await refusedWithoutConnections(
      () => createScriptWorker(worker),
      /^createScriptWorker: connection must be ioredis options, not a client/,
    )
    client.disconnect()
  })

  it('takes lazyConnect: the queue connects when it needs Redis', async () => {
    const name = uniqueName('lazy')
    const queue = createScriptQueue({ connection: { ...connection(), lazyConnect: true }, name, connectTimeoutMs: 20_000 })
    const worker = createScriptWorker({ connection: { ...connection(), lazyConnect: true }, name, host })
    await worker.ready()
    const job = await queue.enqueue({ script: { language: 'lua', source: 'return 41 + 1' } })
    expect((await job.result({ timeoutMs: 20_000 })).value).toBe(42)
    await worker.close()
    await queue.close()
  })

  it('takes enableOfflineQueue: false: a call made before the connection is ready waits for it', async () => {
    // before: scripts.put (and stats, job.progress, job.result, cancel) just after
    // createScriptQueue rejected with ioredis' bare "Stream isn't writeable and
    // enableOfflineQueue options is false" Error; enqueue already waited
    const name = uniqueName('offline')
    const conn = { ...connection(), enableOfflineQueue: false }
    const queue = createScriptQueue({ connection: conn, name, connectTimeoutMs: 20_000 })
    const put = await queue.scripts.put('s', { language: 'lua', source: 'return 6 * 7' })
    expect(put.version).toBe(1)
    const other = createScriptQueue({ connection: conn, name, connectTimeoutMs: 20_000 })
    expect((await other.stats()).waiting).toBe(0)
    const worker = createScriptWorker({ connection: conn, name, host })
    await worker.ready()
    const job = await queue.enqueue({ script: { ref: 's' } })
    const third = createScriptQueue({ connection: conn, name, connectTimeoutMs: 20_000 })
    expect((await third.job(job.id).result({ timeoutMs: 20_000 })).value).toBe(42)
    await Promise.all([worker.close(), queue.close(), other.close(), third.close()])
  })

  it('a retryStrategy that throws stops reconnecting, and is no uncaught exception', async () => {
    const uncaught: unknown[] = []
    const onUncaught = (e: unknown) => uncaught.push(e)
    process.on('uncaughtException', onUncaught)
    try {
      const retryStrategy = () => {
        throw new Error('retry strategy broke')
      }
      const queue = createScriptQueue({ connection: unreachable({ retryStrategy }), name: uniqueName('careless'), connectTimeoutMs: 300 })
      queue.bull.on('error', () => undefined)
      const worker = createScriptWorker({ connection: unreachable({ retryStrategy }), name: uniqueName('careless'), host })
      worker.bull.on('error', () => undefined)
      await expect(queue.enqueue({ script: { language: 'lua', source: 'return 1' } })).rejects.toBeInstanceOf(QueueUnavailableError)
      await expect(worker.ready()).rejects.toThrow()
      await Promise.all([queue.close(), worker.close()])
      await sleep(200)
    } finally {
      process.off('uncaughtException', onUncaught)
    }
    expect(uncaught).toEqual([])
  })

  it('a retryStrategy answering NaN or a negative delay stops reconnecting instead of looping', async () => {
    for (const delay of [Number.NaN, -1]) {
      const queue = createScriptQueue({ connection: unreachable({ retryStrategy: () => delay }), name: uniqueName('careless') })
      let errors = 0
      queue.bull.on('error', () => {
        errors++
      })
      await sleep(1000)
      await queue.close()
      // one refused connection of each client (before: hundreds within the second)
      expect(errors).toBeLessThan(10)
    }
  })
})

describe('closing with Redis unreachable', () => {
  it('a worker closes at once and leaves no socket', async () => {
    const before = await settledSockets()
    const worker = createScriptWorker({ connection: unreachable(), name: uniqueName('careless'), host })
    worker.bull.on('error', () => undefined)
    await sleep(300)
    const started = performance.now()
    await worker.close()
    // before: about 10 s, waiting for ioredis to give up on the subscription
    expect(performance.now() - started).toBeLessThan(5000)
    await expect(worker.ready()).rejects.toThrow()
    await sleep(300)
    expect(sockets()).toBe(before)
  })

  it('a queue and a worker closed before Redis answered leave no socket behind', async () => {
    // a server (another process, so that its sockets are not counted here) that takes
    // connections and never answers nor closes them: ioredis waits for its ready check
    const silent = spawn(process.execPath, [
      '-e',
      "const s = require('node:net').createServer({ allowHalfOpen: true }, () => {}); s.listen(0, '127.0.0.1', () => console.log(s.address().port))",
    ])
    try {
      const port = Number(await new Promise<string>((r) => silent.stdout.once('data', (d: Buffer) => r(d.toString()))))
      const before = await settledSockets()
      const queue = createScriptQueue({ connection: { host: '127.0.0.1', port }, name: uniqueName('careless') })
      const worker = createScriptWorker({ connection: { host: '127.0.0.1', port }, name: uniqueName('careless'), host })
      await sleep(300)
      expect(sockets()).toBeGreaterThan(before)
      await Promise.all([queue.close(), worker.close()])
      // before: each half-closed socket stayed until ioredis' disconnectTimeout (2 s) destroyed it
      await sleep(300)
      expect(sockets()).toBe(before)
    } finally {
      silent.kill()
    }
  })

  it('a worker that is never awaited on an unreachable Redis causes no unhandled rejection', async () => {
    const unhandled: unknown[] = []
    const onUnhandled = (e: unknown) => unhandled.push(e)
    process.on('unhandledRejection', onUnhandled)
    const worker = createScriptWorker({ connection: unreachable({ maxRetriesPerRequest: 0 }), name: uniqueName('careless'), host })
    worker.bull.on('error', () => undefined)
    await sleep(1500)
    process.off('unhandledRejection', onUnhandled)
    await worker.close()
    expect(unhandled).toEqual([])
  })
})
