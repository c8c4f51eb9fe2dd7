import { ClosedError, ConversionError, createHost, defineBridge, type Host } from '@polyhost/core'
import { luaEngine } from '@polyhost/engine-lua'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createScriptQueue, createScriptWorker, DEFAULT_MAX_VALUE_BYTES } from '../src/index.js'
import { connection, refusedWithoutConnections, uniqueName } from './support.js'

// A careless host's options and calls. Before: BullMQ refused a bad option with a bare Error
// only after the queue or worker had opened its own Redis connections, which then stayed open
// (reconnecting for ever to a wrong address) and kept the process alive; a negative
// lockDuration and an unknown fairness were taken; a second worker.close() threw
// "Connection is closed."; enqueue after close() waited connectTimeoutMs (5 s) and then blamed
// an unreachable Redis, stats() and result() threw bare Errors. Now each bad option is an
// InvalidArgumentError naming it, thrown before any connection opens, and a closed queue
// answers ClosedError at once.

let host: Host

beforeAll(async () => {
  host = await createHost({ engines: [luaEngine()] })
})
afterAll(async () => {
  await host.close()
})

describe('createScriptWorker options', () => {
  it.each([
    ['concurrency 0', { concurrency: 0 }, /^createScriptWorker: concurrency must be an integer from 1 /],
    ['concurrency NaN', { concurrency: Number.NaN }, /^createScriptWorker: concurrency /],
    ['concurrency 1.5', { concurrency: 1.5 }, /^createScriptWorker: concurrency /],
    ['a negative lockDuration', { lockDuration: -5 }, /^createScriptWorker: lockDuration /],
    ['stalledInterval 0', { stalledInterval: 0 }, /^createScriptWorker: stalledInterval /],
    ['maxStalledCount -1', { maxStalledCount: -1 }, /^createScriptWorker: maxStalledCount /],
    ['scriptCacheSize 0', { scriptCacheSize: 0 }, /^createScriptWorker: scriptCacheSize /],
    ['an empty name', { name: '' }, /^createScriptWorker: name must be a non-empty string without ':'/],
    ['a name with a colon', { name: 'a:b' }, /^createScriptWorker: name /],
    ['no connection', { connection: null }, /^createScriptWorker: connection /],
    ['an empty prefix', { prefix: '' }, /^createScriptWorker: prefix /],
    ['no host', { host: undefined }, /^createScriptWorker: host must be a Host/],
    // before: a NaN maxBytes let objects of any size through, a NaN or over-long minIntervalMs
    // wrote every report after 1 ms, and anything but an object was taken as the defaults
    [
      'progress maxBytes NaN',
      { progress: { maxBytes: Number.NaN } },
      /^createScriptWorker: progress\.maxBytes must be an integer from 1 to 1048576, received NaN$/,
    ],
    ['progress maxBytes over 1 MiB', { progress: { maxBytes: 2 ** 21 } }, /^createScriptWorker: progress\.maxBytes /],
    [
      'progress minIntervalMs -1',
      { progress: { minIntervalMs: -1 } },
      /^createScriptWorker: progress\.minIntervalMs must be an integer from 0 to 2147483647/,
    ],
    ['progress minIntervalMs over a timer', { progress: { minIntervalMs: 1e12 } }, /^createScriptWorker: progress\.minIntervalMs /],
    ['progress minIntervalMs NaN', { progress: { minIntervalMs: Number.NaN } }, /^createScriptWorker: progress\.minIntervalMs /],
    ['progress true', { progress: true }, /^createScriptWorker: progress must be false or an object, received boolean$/],
    ['a misspelled progress option', { progress: { minInterval: 10 } }, /^createScriptWorker: progress: unknown field 'minInterval'$/],
  ])('refuses %s before opening a connection', async (_, bad, message) => {
    const options = { connection: connection(), name: uniqueName('careless'), host, ...bad }
    await refusedWithoutConnections(() => createScriptWorker(options as never), message)
  })

  it("refuses a host with its own 'job' bridge before opening a connection", async () => {
    const own = await createHost({ engines: [luaEngine()] })
    own.bridges.register(defineBridge({ name: 'job', methods: { x: { args: [], handler: () => 1 } } }))
    const options = { connection: connection(), name: uniqueName('careless'), host: own }
    await refusedWithoutConnections(() => createScriptWorker(options), /own bridge named 'job'/)
    await own.close()
  })

  it('closes twice without an error', async () => {
    const worker = createScriptWorker({ connection: connection(), name: uniqueName('careless'), host })
    await worker.ready()
    await Promise.all([worker.close(), worker.close({ force: true })])
    await expect(worker.close()).resolves.toBeUndefined()
  })
})

describe('createScriptQueue options', () => {
  it.each([
    ['an unknown fairness', { fairness: 'fifo' }, /^createScriptQueue: fairness must be 'tenant' or 'none'/],
    ['a negative connectTimeoutMs', { connectTimeoutMs: -1 }, /^createScriptQueue: connectTimeoutMs /],
    ['a connectTimeoutMs as text', { connectTimeoutMs: '100' }, /^createScriptQueue: connectTimeoutMs /],
    ['maxDepth 0', { maxDepth: 0 }, /^createScriptQueue: maxDepth /],
    ['maxValueBytes 0', { maxValueBytes: 0 }, /^createScriptQueue: maxValueBytes /],
    ['an empty name', { name: '' }, /^createScriptQueue: name /],
    ['no connection', { connection: undefined }, /^createScriptQueue: connection /],
    // before: a negative connectTimeout was an uncaught exception that ended the process
    [
      'a negative connectTimeout',
      { connection: { port: 1, connectTimeout: -5 } },
      /^createScriptQueue: connection\.connectTimeout must be an integer from 0 /,
    ],
    // before: "Redis at localhost:99999 is not reachable" after connectTimeoutMs
    [
      'a port that is no port',
      { connection: { port: 99999 } },
      /^createScriptQueue: connection\.port must be an integer from 0 to 65535, received 99999$/,
    ],
    ['a port as text', { connection: { port: 'abc' } }, /^createScriptQueue: connection\.port /],
    ['a db that is no db', { connection: { db: -1 } }, /^createScriptQueue: connection\.db /],
    ['a host that is no string', { connection: { host: 5 } }, /^createScriptQueue: connection\.host must be a string, received 5$/],
  ])('refuses %s before opening a connection', async (_, bad, message) => {
    const options = { connection: connection(), name: uniqueName('careless'), ...bad }
    await refusedWithoutConnections(() => createScriptQueue(options as never), message)
  })
})

describe('a closed queue', () => {
  it('answers ClosedError at once, and closes twice without an error', async () => {
    const queue = createScriptQueue({ connection: connection(), name: uniqueName('careless') })
    const job = await queue.enqueue({ script: { language: 'lua', source: 'return 1' } })
    await Promise.all([queue.close(), queue.close()])
    await expect(queue.close()).resolves.toBeUndefined()
    const started = performance.now()
    const calls: [string, () => Promise<unknown>][] = [
      ['enqueue', () => queue.enqueue({ script: { language: 'lua', source: 'return 1' } })],
      ['schedule', () => queue.schedule('s', { every: 1000 }, { script: { language: 'lua', source: 'return 1' } })],
      ['unschedule', () => queue.unschedule('s')],
      ['stats', () => queue.stats()],
      ['cancel', () => queue.cancel(job.id)],
      ['job.result', () => job.result()],
      ['job.progress', () => job.progress()],
      ['job.on', () => job.on('progress', () => undefined)],
      ['scripts.put', () => queue.scripts.put('a', { language: 'lua', source: 'return 1' })],
      ['scripts.list', () => queue.scripts.list()],
    ]
    for (const [what, call] of calls) {
      const e = await call().then(
        () => undefined,
        (x: unknown) => x,
      )
      expect(e, what).toBeInstanceOf(ClosedError)
      expect((e as Error).message, what).toMatch(new RegExp(`^${what.replace('.', '\\.')}: `))
    }
    // not after connectTimeoutMs (5 s): at once
    expect(performance.now() - started).toBeLessThan(4000)
  })
})

// Before: enqueue stored globals of any size (a 50 MB string took 12 s to add, and every worker
// that took the job decoded it again); now the queue's maxValueBytes bounds them.
describe('globals and context size', () => {
  it('refuses globals and context over maxValueBytes at enqueue, nothing stored', async () => {
    expect(DEFAULT_MAX_VALUE_BYTES).toBe(1024 * 1024)
    const queue = createScriptQueue({ connection: connection(), name: uniqueName('careless'), maxValueBytes: 1000 })
    const script = { language: 'lua', source: 'return #s' }
    const refused = async (request: object, size: RegExp) => {
      const e = await queue.enqueue({ script, ...request }).then(
        () => undefined,
        (x: unknown) => x,
      )
      expect(e).toBeInstanceOf(ConversionError)
      expect((e as Error).message).toMatch(/enqueue: globals and context are \d+ bytes as stored, over the queue's maxValueBytes \(1000\)$/)
      expect((e as Error).message).toMatch(size)
    }
    await refused({ globals: { s: 'x'.repeat(2000) } }, /are 20\d\d bytes/)
    // UTF-8 bytes, not characters: 600 × 'é' is 1,200 bytes
    await refused({ globals: { s: 'é'.repeat(600) } }, /are 12\d\d bytes/)
    // together: each half fits
    await refused({ globals: { s: 'x'.repeat(600) }, context: { t: 'x'.repeat(600) } }, /are 12\d\d bytes/)
    // the V8 form (a Uint8Array) is counted too
    await refused({ globals: { b: new Uint8Array(2000) } }, /bytes/)
    expect(Object.values(await queue.bull.getJobCounts()).reduce((a, b) => a + b, 0)).toBe(0)
    const ok = await queue.enqueue({ script, globals: { s: 'x'.repeat(900) } })
    expect(await queue.bull.getJobState(ok.id)).toBe('prioritized')
    await queue.bull.obliterate({ force: true })
    await queue.close()
  })

  it('refuses 2 MiB of globals by default', async () => {
    const queue = createScriptQueue({ connection: connection(), name: uniqueName('careless') })
    const e = await queue.enqueue({ script: { language: 'lua', source: 'return 1' }, globals: { s: 'x'.repeat(2 * 1024 * 1024) } }).then(
      () => undefined,
      (x: unknown) => x,
    )
    expect(e).toBeInstanceOf(ConversionError)
    await queue.close()
  })
})
