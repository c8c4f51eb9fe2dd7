import { ConversionError, InvalidArgumentError } from '@polyhost/core'
import { Redis } from 'ioredis'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createScriptWorker } from '../src/index.js'
import { connection, uniqueName, useQueueFixture } from './support.js'

// A hostile script's huge result or error, within its host's memory limit, must not be copied
// through Redis: each copy holds redis-server's single thread, and every tenant with it (a
// 60 MiB Lua string once made a 128 MiB job hash and blocked Redis for 6.9 s). Over the
// worker's maxResultBytes / maxErrorBytes the job fails for good with a small ConversionError,
// and a result is stored once, not as both `value` and `values`.

const fx = useQueueFixture({ name: 'stored-size', concurrency: 1 })
let redis: Redis
beforeAll(() => {
  redis = new Redis(connection())
})
afterAll(async () => {
  await redis.quit()
})

const jobKey = (id: string) => `bull:${fx.queue.bull.name}:${id}`
const lua = (source: string) => ({ script: { language: 'lua', source } })

/** The bytes BullMQ and this package keep for a job: its hash, its stack traces. */
async function footprint(id: string) {
  const key = jobKey(id)
  const [returnvalue, failedReason, polyhostError, stacktrace] = await Promise.all(
    ['returnvalue', 'failedReason', 'polyhostError', 'stacktrace'].map((f) => redis.hstrlen(key, f)),
  )
  return { memory: Number(await redis.memory('USAGE', key)), returnvalue, failedReason, polyhostError, stacktrace }
}

describe('stored results and errors', () => {
  it('stores a result once: value is not stored again beside values', async () => {
    const job = await fx.queue.enqueue(lua('return string.rep("x", 600 * 1024)'))
    const r = await job.result({ timeoutMs: 30_000 })
    expect(r.value).toBe('x'.repeat(600 * 1024))
    expect(r.values).toEqual([r.value])
    const f = await footprint(job.id)
    expect(f.returnvalue).toBeGreaterThan(600 * 1024)
    expect(f.returnvalue).toBeLessThan(700 * 1024)
  })

  it('gives value and values as inline execution does: multiple returns, none, non-JSON values', async () => {
    for (const script of [
      { language: 'lua', source: 'return "a", 2, nil' },
      { language: 'lua', source: 'return' },
      { language: 'lua', source: 'return nil, 1' },
      { language: 'js', source: 'new Uint8Array([1, 2])' },
    ]) {
      const queued = await (await fx.queue.enqueue({ script })).result()
      const inline = await fx.host.execute(script)
      expect([queued.value, queued.values]).toEqual([inline.value, inline.values])
    }
  })

  it('fails a result over maxResultBytes for good with ConversionError, storing none of it', async () => {
    const job = await fx.queue.enqueue(lua('return string.rep("x", 8 * 1024 * 1024)'), { attempts: 3 })
    const e = await job.result({ timeoutMs: 30_000 }).catch((x: unknown) => x)
    expect(e).toBeInstanceOf(ConversionError)
    expect((e as Error).message).toMatch(
      /^\$: the result is \d+ bytes \(8\.0 MiB\) as stored, over the worker's maxResultBytes \(1048576\)$/,
    )
    expect((await fx.queue.bull.getJob(job.id))?.attemptsMade).toBe(1)
    const f = await footprint(job.id)
    expect(f.returnvalue).toBe(0)
    expect(f.memory).toBeLessThan(16 * 1024)
  })

  it('replaces an error over maxErrorBytes by a small ConversionError naming its size, never retried', async () => {
    const job = await fx.queue.enqueue(lua('error(string.rep("x", 4 * 1024 * 1024), 0)'), { attempts: 3 })
    const e = await job.result({ timeoutMs: 30_000 }).catch((x: unknown) => x)
    expect(e).toBeInstanceOf(ConversionError)
    expect((e as Error).message).toMatch(
      /^\$: the job's error is \d+ bytes \(\d+\.\d MiB\) as stored, over the worker's maxErrorBytes \(65536\); it was ScriptRuntimeError: x{200}… \(\d+ characters\)$/,
    )
    expect((await fx.queue.bull.getJob(job.id))?.attemptsMade).toBe(1)
    const f = await footprint(job.id)
    expect(f.polyhostError).toBeLessThan(4096)
    expect(f.failedReason).toBeLessThan(1024)
    expect(f.stacktrace).toBeLessThan(4096)
    expect(f.memory).toBeLessThan(16 * 1024)
    // the events stream's failed entry carries the small reason
    const events = await redis.xrange(`bull:${fx.queue.bull.name}:events`, '-', '+')
    const failed = events.map(([, f]) => f).filter((f) => f.includes('failed') && f.includes(job.id))
    expect(failed).toHaveLength(1)
    expect(failed[0]?.join('').length).toBeLessThan(4096)
  })

  it('keeps an error within maxErrorBytes as it was', async () => {
    const job = await fx.queue.enqueue(lua('error(string.rep("y", 1000), 0)'))
    const e = await job.result().catch((x: unknown) => x)
    expect((e as Error).constructor.name).toBe('ScriptRuntimeError')
    expect((e as Error).message).toContain('y'.repeat(1000))
  })

  it('goes on serving: the next job completes', async () => {
    const job = await fx.queue.enqueue(lua('return 1 + 1'))
    expect((await job.result({ timeoutMs: 10_000 })).value).toBe(2)
  })

  it.each([
    [{ maxResultBytes: 0 }, /maxResultBytes must be an integer of at least 1, received 0/],
    [{ maxResultBytes: 1.5 }, /maxResultBytes must be an integer/],
    [{ maxErrorBytes: 100 }, /maxErrorBytes must be an integer of at least 4096, received 100/],
  ])('refuses %o', (option, message) => {
    const make = () => createScriptWorker({ connection: connection(), name: uniqueName('w'), host: fx.host, ...option })
    expect(make).toThrow(InvalidArgumentError)
    expect(make).toThrow(message)
  })
})
