import { ConversionError, InvalidArgumentError, PolicyError } from '@polyhost/core'
import { describe, expect, it } from 'vitest'
import { createScriptQueue } from '../src/index.js'
import { connection, uniqueName, useQueueFixture } from './support.js'

// What a job carries besides its script — globals, context, limits — is refused or fails as
// inline execution refuses it: the same class and message, never retried.

const fx = useQueueFixture({ name: 'values', concurrency: 2 })

/** `{ a: { a: ... {} } }`: `levels` objects, one inside the other. */
const nested = (levels: number): unknown => {
  let v: unknown = {}
  for (let i = 1; i < levels; i++) v = { a: v }
  return v
}
const script = { language: 'lua', source: 'return 1' }
const failure = (p: Promise<unknown>) =>
  p.then(
    () => undefined,
    (e: Error) => ({ class: e.constructor.name, message: e.message }),
  )
const jobCount = async () => Object.values(await fx.queue.bull.getJobCounts()).reduce((a, b) => a + b, 0)

describe('globals and context nested too deep', () => {
  for (const field of ['globals', 'context'] as const) {
    it(`${field}: refused at enqueue with the ConversionError host.execute gives, nothing stored`, async () => {
      const before = await jobCount()
      const values = { d: nested(65) }
      const queued = await failure(fx.queue.enqueue({ script, [field]: values }))
      expect(queued).toEqual({ class: 'ConversionError', message: `$.d${'.a'.repeat(64)}: nesting deeper than 64` })
      // Lua counts the context table itself as a level: inline, it names one level less
      const inline = await failure(fx.host.execute({ ...script, [field]: values }))
      expect(inline?.class).toBe(queued?.class)
      expect(queued?.message.startsWith(inline?.message.split(':')[0] as string)).toBe(true)
      expect(inline?.message).toMatch(/: nesting deeper than 64$/)
      // deep enough that V8 could not decode it on the worker
      const e = await fx.queue.enqueue({ script, [field]: { d: nested(2000) } }).catch((x) => x)
      expect(e).toBeInstanceOf(ConversionError)
      expect(e.message).toMatch(/: nesting deeper than 64$/)
      expect(await jobCount()).toBe(before)
    })
  }

  it("maxDepth follows the workers' hosts; the worker's own bound still applies", async () => {
    const queue = createScriptQueue({ connection: connection(), name: fx.queue.bull.name, maxDepth: 100 })
    try {
      const job = await queue.enqueue({ script, globals: { d: nested(80) } }, { attempts: 3 })
      // this fixture's host keeps the default 64
      await expect(job.result()).rejects.toThrow(/nesting deeper than 64/)
      expect((await fx.queue.bull.getJob(job.id))?.attemptsMade).toBe(1)
    } finally {
      await queue.close()
    }
    expect(() => createScriptQueue({ connection: connection(), name: uniqueName('q'), maxDepth: 0 })).toThrow(InvalidArgumentError)
  })
})

describe('class instances in globals and context', () => {
  class Money {
    constructor(
      readonly amount: number,
      readonly currency: string,
    ) {}
  }
  const inherited = Object.create({ inherited: 1 }) as object
  it.each([
    ['a class instance', { price: new Money(5, 'EUR') }, /^\$\.price: an instance of Money cannot be stored in a job: /],
    ['one inside an array', { list: [1, new Money(5, 'EUR')] }, /^\$\.list\[1\]: an instance of Money /],
    ['an object of a custom prototype', { o: inherited }, /^\$\.o: an instance of Object cannot be stored /],
  ])(
    '%s in globals: refused at enqueue as inline, where it reached the worker as a plain object and ran',
    async (_what, globals, message) => {
      const before = await jobCount()
      // before: the job ran, its script seeing { amount, currency }
      const queued = await fx.queue.enqueue({ script, globals }).catch((e: unknown) => e)
      expect(queued).toBeInstanceOf(ConversionError)
      expect((queued as Error).message).toMatch(message)
      expect(await jobCount()).toBe(before)
      await expect(fx.host.execute({ ...script, globals })).rejects.toThrow(ConversionError)
    },
  )

  it('in context: copied as data, as a host copies it inline', async () => {
    const reads = { language: 'js', source: 'JSON.stringify(context)' }
    const context = { price: new Money(5, 'EUR'), o: inherited }
    const inline = (await fx.host.execute({ ...reads, context })).value
    expect((await (await fx.queue.enqueue({ script: reads, context })).result({ timeoutMs: 20_000 })).value).toEqual(inline)
  })

  it('built-ins structured clone keeps still travel, and fail or run as inline', async () => {
    const sparse = [1]
    sparse[2] = 3
    const script = { language: 'js', source: 'typeof v' }
    for (const v of [new Date(0), new Uint8Array([1]), new Map([['k', 1]]), Object.assign(Object.create(null), { a: 1 }), sparse]) {
      const inline = await fx.host.execute({ ...script, globals: { v } }).then(
        (r) => r.value,
        (e: Error) => e.constructor.name,
      )
      const job = await fx.queue.enqueue({ script, globals: { v } })
      expect(
        await job.result({ timeoutMs: 20_000 }).then(
          (r) => r.value,
          (e: Error) => e.constructor.name,
        ),
      ).toEqual(inline)
    }
  })
})

describe('a job whose values the worker cannot decode', () => {
  it('fails once with ConversionError, not retried as a Redis failure', async () => {
    // V8's encoding of 50,000 nested objects, written by hand (`serialize` overflows first):
    // what another producer could store; decoding it overflows the worker's stack
    const levels = 50_000
    const body = `${'o"\x01a'.repeat(levels)}o{\x00${'{\x01'.repeat(levels)}`
    const globals = Buffer.concat([Buffer.from([0xff, 0x0f]), Buffer.from(body, 'latin1')]).toString('base64')
    const raw = await fx.queue.bull.add('execute', { v: 1, script, globals }, { attempts: 3 })
    const e = await fx.queue
      .job(raw.id as string)
      .result()
      .catch((x) => x)
    expect(e).toBeInstanceOf(ConversionError)
    expect(e.message).toMatch(/^\$: cannot be read from a job: Maximum call stack size exceeded/)
    expect((await fx.queue.bull.getJob(raw.id as string))?.attemptsMade).toBe(1)
  })
})

describe('limits', () => {
  it("an unknown limit named '__proto__' is refused as any unknown limit is, as inline", async () => {
    for (const text of ['{"__proto__": 5}', '{"constructor": 5}']) {
      const limits = JSON.parse(text) as Record<string, number>
      const inline = await failure(fx.host.execute({ ...script, limits }))
      expect(inline?.class).toBe(PolicyError.name)
      expect(inline?.message).toContain(`unknown limit '${Object.keys(limits)[0]}'`)
      const job = await fx.queue.enqueue({ script, limits }, { attempts: 3 })
      expect(await failure(job.result())).toEqual(inline)
    }
  })

  it('a value no host takes is refused at enqueue by the host rule; false, which a host takes, is enqueued', async () => {
    const before = await jobCount()
    for (const [limits, text] of [
      [{ timeoutMs: 0 }, 'enqueue: limits.timeoutMs: expected a positive integer or false, received 0'],
      [{ instructions: 1.5 }, 'enqueue: limits.instructions: expected a positive integer or false, received 1.5'],
      [{ memoryBytes: '5' }, 'enqueue: limits.memoryBytes: expected a positive integer or false, received "5"'],
      [{ timeoutMs: 2 ** 32 }, `enqueue: limits.timeoutMs: at most ${2 ** 31 - 1} ms (a longer timer overflows), received ${2 ** 32}`],
    ] as const) {
      const e = await fx.queue.enqueue({ script, limits: limits as never }).catch((x: unknown) => x)
      expect(e).toBeInstanceOf(InvalidArgumentError)
      expect((e as Error).message).toBe(text)
      // the same value inline: a PolicyError naming the same field
      const inline = await failure(fx.host.execute({ ...script, limits: limits as never }))
      expect(inline?.class).toBe(PolicyError.name)
      expect(inline?.message).toBe(text.replace('enqueue: ', ''))
    }
    expect(await jobCount()).toBe(before)
    // false is a host's to allow: enqueued, then judged by the worker's host as inline
    const limits = { instructions: false as const }
    const job = await fx.queue.enqueue({ script, limits }, { attempts: 3 })
    expect(await failure(job.result())).toEqual(await failure(fx.host.execute({ ...script, limits })))
  })
})
