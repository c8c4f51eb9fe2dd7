import { InvalidArgumentError } from '@polyhost/core'
import { describe, expect, it } from 'vitest'
import { createScriptQueue, MAX_PRIORITY, ScriptNotFoundError } from '../src/index.js'
import { connection, uniqueName, useQueueFixture } from './support.js'

// A careless producer's job options, job ids and script versions: a misspelled option, a value
// BullMQ would store as nonsense or refuse with a bare Error, a result timeout no timer can
// hold, a missing id, a version that is no version. Each is an InvalidArgumentError naming the
// field (not a "not found" for a version that cannot exist), and nothing reaches the queue.
// An empty context.tenant names no tenant, as in a host: the job runs (before, enqueue took it
// and every worker failed the job for its empty tenant). A job whose data a worker refuses
// still ends for good, and its tenant's pending count comes down with it.

const fx = useQueueFixture({ name: 'options', concurrency: 2 })
const script = { language: 'lua', source: 'return 1' }
const jobCount = async () => Object.values(await fx.queue.bull.getJobCounts()).reduce((a, b) => a + b, 0)

async function refused(p: Promise<unknown>, message: RegExp): Promise<void> {
  const e = await p.then(
    () => undefined,
    (x: unknown) => x,
  )
  expect(e).toBeInstanceOf(InvalidArgumentError)
  expect((e as Error).message).toMatch(message)
}

describe('enqueue options', () => {
  it.each([
    ['a misspelled option', { attemps: 5 }, /^enqueue: options: unknown field 'attemps'$/],
    ['a negative delay', { delay: -5 }, /^enqueue: options\.delay: /],
    // its due time was past what a Date holds: BullMQ stored a job that could never run
    [
      'a delay of 2^53 − 1',
      { delay: Number.MAX_SAFE_INTEGER },
      /^enqueue: options\.delay: Too big: expected number to be <=10000000000000$/,
    ],
    ['a NaN priority', { priority: Number.NaN }, /^enqueue: options\.priority: /],
    ['a fractional priority', { priority: 1.5 }, /^enqueue: options\.priority: /],
    ['a priority over BullMQ’s limit', { priority: 2 ** 21 + 1 }, /^enqueue: options\.priority: /],
    // BullMQ's PRIORITY_LIMIT is 2^21 − 1: 2^21 was a bare Error "Priority should be between 0 and 2097151"
    ['a priority of 2^21', { priority: 2 ** 21 }, /^enqueue: options\.priority: Too big: expected number to be <=2097151$/],
    ['zero attempts', { attempts: 0 }, /^enqueue: options\.attempts: /],
    ['a jobId with a colon', { jobId: 'a:b' }, /^enqueue: options\.jobId: .*cannot contain ':'/],
    ['an integer jobId', { jobId: '42' }, /^enqueue: options\.jobId: .*cannot be an integer/],
    // BullMQ's own check (`${parseInt(id, 10)}` === id) refuses it too; the message said "an integer"
    ['the jobId NaN', { jobId: 'NaN' }, /^enqueue: options\.jobId: a custom job id cannot be 'NaN' \(BullMQ refuses it/],
    ['an empty jobId', { jobId: '' }, /^enqueue: options\.jobId: /],
    ['a backoff jitter over 1', { backoff: { type: 'fixed', delay: 10, jitter: 2 } }, /^enqueue: options\.backoff/],
    ['a deduplication without id', { deduplication: { ttl: 10 } }, /^enqueue: options\.deduplication/],
    ['removeOnComplete as text', { removeOnComplete: 'yes' }, /^enqueue: options\.removeOnComplete/],
    ['options that are not an object', 'fast', /^enqueue: options: /],
  ])('refuses %s, enqueuing nothing', async (_what, options, message) => {
    const before = await jobCount()
    await refused(fx.queue.enqueue({ script }, options as never), message)
    expect(await jobCount()).toBe(before)
  })

  it('names the item of enqueueMany', async () => {
    const items = [{ request: { script } }, { request: { script }, options: { dealy: 5 } as never }]
    await refused(fx.queue.enqueueMany(items), /^enqueueMany: item 1: options: unknown field 'dealy'$/)
    await refused(fx.queue.enqueueMany(undefined as never), /^enqueueMany: expected an array/)
  })

  it('refuses a request or options that cannot be read (a throwing getter, a Proxy), enqueuing nothing', async () => {
    const getter = (key: string) =>
      Object.defineProperty({}, key, {
        enumerable: true,
        get() {
          throw new Error('unreadable')
        },
      })
    const proxy = new Proxy(
      {},
      {
        get: () => {
          throw new Error('trap')
        },
        ownKeys: () => {
          throw new Error('trap')
        },
      },
    )
    const before = await jobCount()
    await refused(fx.queue.enqueue({ script }, getter('delay') as never), /^enqueue: options could not be read \(unreadable\)$/)
    await refused(fx.queue.enqueue({ script }, proxy as never), /^enqueue: options could not be read \(trap\)$/)
    await refused(fx.queue.enqueue(proxy as never), /^enqueue: the request could not be read \(trap\)$/)
    await refused(fx.queue.enqueue(getter('script') as never), /^enqueue: the request could not be read \(unreadable\)$/)
    await refused(
      fx.queue.enqueueMany([{ request: { script } }, proxy as never]),
      /^enqueueMany: item 1: the item could not be read \(trap\)$/,
    )
    expect(await jobCount()).toBe(before)
  })

  it('still takes every documented option', async () => {
    const job = await fx.queue.enqueue(
      { script },
      {
        jobId: uniqueName('ok'),
        delay: 0,
        priority: MAX_PRIORITY,
        attempts: 2,
        backoff: { type: 'exponential', delay: 10, jitter: 0.5 },
        deduplication: { id: uniqueName('d'), ttl: 1000 },
        removeOnComplete: { count: 10 },
        removeOnFail: { age: 60, count: 5 },
      },
    )
    expect((await job.result({ timeoutMs: 20_000 })).value).toBe(1)
  })

  it('refuses misspelled defaultJobOptions at createScriptQueue', () => {
    const make = () => createScriptQueue({ connection: connection(), name: uniqueName('bad'), defaultJobOptions: { atempts: 1 } as never })
    expect(make).toThrow(InvalidArgumentError)
    expect(make).toThrow("createScriptQueue: defaultJobOptions: unknown field 'atempts'")
  })

  it('refuses a misspelled schedule option', async () => {
    await refused(
      fx.queue.schedule(uniqueName('s'), { every: 60_000 }, { script }, { priorty: 1 } as never),
      /^schedule: options: unknown field 'priorty'$/,
    )
    expect(await fx.queue.bull.getJobSchedulersCount()).toBe(0)
  })
})

describe('enqueue requests', () => {
  const longName = 'a script name is at most 4096 characters'
  const version = 'must be a positive integer \\(a script version\\)'
  it.each([
    ['a version as text', { ref: 's', version: '1' }, `^enqueue: script\\.version: ${version}, received string$`],
    ['a fractional version', { ref: 's', version: 1.5 }, `^enqueue: script\\.version: ${version}, received 1\\.5$`],
    ['a NaN version', { ref: 's', version: Number.NaN }, `^enqueue: script\\.version: ${version}, received NaN$`],
    ['a zero version', { ref: 's', version: 0 }, `^enqueue: script\\.version: ${version}, received 0$`],
    ['a source that is no string', { language: 'lua', source: 1 }, '^enqueue: script\\.source: .*expected string, received number$'],
    ['an inline script without source', { language: 'lua' }, '^enqueue: script\\.source: '],
    ['a script that is text', 'return 1', '^enqueue: script: expected \\{ ref, version\\? \\} .* or \\{ language\\?, source, name\\? \\}$'],
    // before: the registry's message, without 'enqueue:', quoting all 100,000 characters
    ['a ref no script id matches', { ref: 'x'.repeat(100_000) }, '^enqueue: script\\.ref: a script id must match .{1,40}$'],
    ['a ref with a space', { ref: 'a b' }, '^enqueue: script\\.ref: a script id must match '],
    // before: enqueued, and the job failed on its worker (execute: name: a script name is at most 4096 characters)
    ['a name longer than a host takes', { source: 'return 1', name: 'n'.repeat(4097) }, `^enqueue: script\\.name: ${longName}$`],
  ])('refuses %s, naming the field and what it expects', async (_what, bad, message) => {
    const before = await jobCount()
    await refused(fx.queue.enqueue({ script: bad } as never), new RegExp(message))
    expect(await jobCount()).toBe(before)
  })

  it('refuses at scripts.put a name no host takes, storing nothing; the longest one a host takes runs', async () => {
    const id = uniqueName('named')
    // before: stored, and every job of the script failed on a worker
    await refused(
      fx.queue.scripts.put(id, { language: 'lua', source: 'return 1', name: 'n'.repeat(4097) }),
      new RegExp(`^scripts\\.put: name: ${longName}$`),
    )
    await expect(fx.queue.scripts.get(id)).rejects.toThrow(ScriptNotFoundError)
    await fx.queue.scripts.put(id, { language: 'lua', source: 'return 1', name: 'n'.repeat(4096) })
    const job = await fx.queue.enqueue({ script: { ref: id } })
    expect((await job.result({ timeoutMs: 20_000 })).value).toBe(1)
  })
})

describe('job handles', () => {
  it.each([
    ['a negative timeout', { timeoutMs: -1 }, /^job\.result: options\.timeoutMs: /],
    ['a NaN timeout', { timeoutMs: Number.NaN }, /^job\.result: options\.timeoutMs: /],
    ['a timeout no timer holds', { timeoutMs: 2 ** 31 }, /^job\.result: options\.timeoutMs: /],
    ['an infinite timeout', { timeoutMs: Number.POSITIVE_INFINITY }, /^job\.result: options\.timeoutMs: /],
    ['a fractional timeout', { timeoutMs: 0.5 }, /^job\.result: options\.timeoutMs: /],
    ['a misspelled option', { timeout: 5 }, /^job\.result: options: unknown field 'timeout'$/],
  ])('result() refuses %s', async (_what, options, message) => {
    const job = await fx.queue.enqueue({ script })
    await refused(job.result(options as never), message)
    expect((await job.result()).value).toBe(1)
  })

  it.each([
    ['undefined', undefined],
    ['an empty id', ''],
    ['a number', 7],
  ])('job() and cancel() refuse %s as the id', async (_what, id) => {
    expect(() => fx.queue.job(id as never)).toThrow(InvalidArgumentError)
    await refused(fx.queue.cancel(id as never), /^cancel: a job id must be a non-empty string/)
  })
})

describe('script ids', () => {
  it.each(['put', 'get', 'history', 'remove'] as const)('scripts.%s names itself and quotes a long id in part', async (method) => {
    const id = 'x'.repeat(100_000)
    const call = method === 'put' ? fx.queue.scripts.put(id, script) : fx.queue.scripts[method](id)
    const e = await call.then(
      () => undefined,
      (x: unknown) => x,
    )
    expect(e).toBeInstanceOf(InvalidArgumentError)
    expect((e as Error).message).toMatch(
      new RegExp(`^scripts\\.${method}: a script id must match .*, received "x{40}…" \\(100000 characters\\)$`),
    )
  })
})

describe('script versions', () => {
  it.each([
    ['NaN', Number.NaN],
    ['zero', 0],
    ['a negative number', -1],
    ['a fraction', 1.5],
    ['a string', '1'],
  ])('scripts.get refuses %s as a version', async (_what, version) => {
    const id = uniqueName('s')
    await fx.queue.scripts.put(id, { language: 'lua', source: 'return 1' })
    await refused(fx.queue.scripts.get(id, version as never), /^scripts\.get: version must be a positive integer/)
    expect((await fx.queue.scripts.get(id, 1)).version).toBe(1)
  })
})

const pending = async (tenant: string) => (await fx.queue.stats()).pendingByTenant[tenant] ?? 0

describe('an empty context.tenant', () => {
  it('runs the job as one without a tenant', async () => {
    const job = await fx.queue.enqueue({
      script: { language: 'lua', source: 'return "[" .. context.tenant .. "]"' },
      context: { tenant: '' },
    })
    expect((await job.result({ timeoutMs: 20_000 })).value).toBe('[]')
    expect(await pending('')).toBe(0)
  })
})

describe('a job whose data the worker refuses', () => {
  it('fails once with InvalidArgumentError and leaves no pending count behind', async () => {
    const tenant = uniqueName('t')
    const job = await fx.queue.enqueue({ script: { language: 'lua', source: 'return 1' }, tenant }, { delay: 60_000 })
    expect(await pending(tenant)).toBe(1)
    // data changed around this API: a tenant no enqueue would give
    const bull = await fx.queue.bull.getJob(job.id)
    await bull?.updateData({ ...bull.data, tenant: '' })
    await bull?.promote()
    const e = await job.result({ timeoutMs: 20_000 }).catch((x: unknown) => x)
    expect(e).toBeInstanceOf(InvalidArgumentError)
    expect((e as Error).message).toMatch(/tenant/)
    expect(await pending(tenant)).toBe(0)
  })
})
