import { once } from 'node:events'
import {
  BridgeError,
  CancelledError,
  InvalidArgumentError,
  LimitExceededError,
  ScriptRuntimeError,
  ScriptSyntaxError,
} from '@polyhost/core'
import { describe, expect, it } from 'vitest'
import { createScriptQueue, createScriptWorker, QueueUnavailableError, ScriptNotFoundError } from '../src/index.js'
import { freePort } from './redis-global-setup.js'
import { bridgeEvents, connection, uniqueName, useQueueFixture } from './support.js'

const fx = useQueueFixture({ name: 'q', concurrency: 4 })

/** What an error looks like to a caller: class, code, message and the fields that place it. */
function shape(e: unknown) {
  const x = e as Record<string, unknown>
  // a timeout's measured time differs run to run; everything else must be equal
  const message = x.limit === 'timeout' ? String(x.message).replace(/\([\d.]+ >/, '(… >') : x.message
  return {
    class: (e as Error).constructor.name,
    code: x.code,
    message,
    limit: x.limit,
    scriptName: x.scriptName,
    line: x.line,
    column: x.column,
    path: x.path,
  }
}
async function settle(p: Promise<unknown>) {
  return p.then(
    (value) => ({ value }),
    (e) => ({ error: shape(e) }),
  )
}

describe('results cross the queue as inline', () => {
  it('values keep their types', async () => {
    const globals = { bytes: new Uint8Array([0, 255]), when: new Date(5), big: 12n, nested: { a: [1, null, 3] } }
    const source = '({ bytes, when, big: String(big), nested })'
    const inline = await fx.host.execute({ language: 'js', source, globals })
    const queued = await (await fx.queue.enqueue({ script: { language: 'js', source }, globals })).result()
    expect(queued.value).toEqual(inline.value)
    expect(queued.stats.engine).toBe(inline.stats.engine)
  })

  const failing = [
    { name: 'lua runtime error', script: { language: 'lua', source: 'local x = 1\nerror("boom")', name: 'r.lua' } },
    { name: 'js throw', script: { language: 'js', source: 'let a = 1\n\nthrow new Error("bad " + a)', name: 'r.js' } },
    { name: 'lua syntax', script: { language: 'lua', source: 'return (', name: 's.lua' } },
    { name: 'js syntax', script: { language: 'js', source: 'let = 3', name: 's.js' } },
    { name: 'lua instructions', script: { language: 'lua', source: 'while true do end' }, limits: { instructions: 100_000 } },
    { name: 'js timeout', script: { language: 'js', source: 'for (;;) {}' }, limits: { timeoutMs: 50 } },
    { name: 'bridge error escaping', script: { language: 'lua', source: 'return flaky.fail()' } },
    { name: 'bridge bad argument', script: { language: 'js', source: 'await flaky.call(1, 2)' } },
  ] as const
  for (const c of failing) {
    it(`${c.name}: same class, code, limit and position`, async () => {
      const request = { script: c.script, ...('limits' in c ? { limits: c.limits } : {}) }
      const inline = await settle(fx.host.execute({ ...c.script, ...('limits' in c ? { limits: c.limits } : {}) }))
      const queued = await settle((await fx.queue.enqueue(request, { attempts: 3 })).result())
      expect('error' in inline).toBe(true)
      expect(queued).toEqual(inline)
    })
  }

  it('a limit trip is a LimitExceededError naming the limit, and is not retried', async () => {
    const job = await fx.queue.enqueue(
      { script: { language: 'lua', source: 'while true do end' }, limits: { instructions: 10_000 } },
      { attempts: 3 },
    )
    const e = await job.result().catch((x) => x)
    expect(e).toBeInstanceOf(LimitExceededError)
    expect(e.limit).toBe('instructions')
    expect((await fx.queue.bull.getJob(job.id))?.attemptsMade).toBe(1)
  })
})

describe('retries', () => {
  it('a RetryableError from a bridge retries the job; the script sees success on attempt 3', async () => {
    const job = await fx.queue.enqueue(
      { script: { language: 'lua', source: 'return flaky.call(KEY, 2)' }, globals: { KEY: uniqueName('k') } },
      { attempts: 3 },
    )
    expect((await job.result()).value).toBe('ok after 3')
    expect((await fx.queue.bull.getJob(job.id))?.attemptsMade).toBe(3)
  })

  it('retries stop at attempts; the last error is the inline one', async () => {
    const job = await fx.queue.enqueue(
      { script: { language: 'js', source: 'await flaky.call(KEY, 5)' }, globals: { KEY: uniqueName('k') } },
      { attempts: 2 },
    )
    const e = await job.result().catch((x) => x)
    expect(e).toBeInstanceOf(BridgeError)
    expect(e.message).toContain('upstream unavailable (2)')
    expect((await fx.queue.bull.getJob(job.id))?.attemptsMade).toBe(2)
  })

  it('a script error is never retried', async () => {
    const job = await fx.queue.enqueue({ script: { language: 'lua', source: 'error("no")' } }, { attempts: 5 })
    await expect(job.result()).rejects.toBeInstanceOf(ScriptRuntimeError)
    expect((await fx.queue.bull.getJob(job.id))?.attemptsMade).toBe(1)
  })
})

describe('script registry', () => {
  it('put adds immutable versions; identical content keeps the latest', async () => {
    const id = uniqueName('s')
    const v1 = await fx.queue.scripts.put(id, { language: 'lua', source: 'return 1', author: 'ana' })
    const same = await fx.queue.scripts.put(id, { language: 'lua', source: 'return 1', author: 'bo' })
    const v2 = await fx.queue.scripts.put(id, { language: 'js', source: '2' })
    expect([v1.version, same.version, v2.version]).toEqual([1, 1, 2])
    expect(v1.hash).toMatch(/^[0-9a-f]{64}$/)
    expect((await fx.queue.scripts.get(id)).source).toBe('2')
    expect((await fx.queue.scripts.get(id, 1)).author).toBe('ana')
    expect((await fx.queue.scripts.history(id)).map((h) => [h.version, h.language])).toEqual([
      [1, 'lua'],
      [2, 'js'],
    ])
    expect(await fx.queue.scripts.list()).toContainEqual({ id, latest: 2 })
    expect(await fx.queue.scripts.remove(id)).toBe(true)
    await expect(fx.queue.scripts.get(id)).rejects.toBeInstanceOf(ScriptNotFoundError)
    // numbers are never reused for other content
    expect((await fx.queue.scripts.put(id, { language: 'lua', source: 'return 3' })).version).toBe(3)
  })

  it('a job pins the latest version at enqueue time', async () => {
    const id = uniqueName('s')
    await fx.queue.scripts.put(id, { language: 'lua', source: 'return "v1"' })
    const job = await fx.queue.enqueue({ script: { ref: id } }, { delay: 300 })
    await fx.queue.scripts.put(id, { language: 'lua', source: 'return "v2"' })
    expect((await job.result()).value).toBe('v1')
    expect((await (await fx.queue.enqueue({ script: { ref: id } })).result()).value).toBe('v2')
    expect((await (await fx.queue.enqueue({ script: { ref: id, version: 1 } })).result()).value).toBe('v1')
  })
})

describe('schedules', () => {
  it('a schedule naming a ref without version runs the latest version at each tick', async () => {
    const id = uniqueName('s')
    await fx.queue.scripts.put(id, { language: 'lua', source: 'return "first"' })
    const values: unknown[] = []
    const seen = new Promise<void>((resolve) =>
      fx.worker.bull.on('completed', (job) => {
        if (!String(job.id).startsWith(`repeat:${id}:`)) return
        values.push(job.returnvalue)
        if (values.length === 1) void fx.queue.scripts.put(id, { language: 'lua', source: 'return "second"' })
        if (values.length === 3) resolve()
      }),
    )
    await fx.queue.schedule(id, { every: 150 }, { script: { ref: id } })
    await seen
    await fx.queue.unschedule(id)
    const results = await fx.queue.bull.getJobs(['completed'])
    const ours = results.filter((j) => String(j.id).startsWith(`repeat:${id}:`)).sort((a, b) => a.timestamp - b.timestamp)
    const got = await Promise.all(
      ours.map((j) =>
        fx.queue
          .job(j.id as string)
          .result()
          .then((r) => r.value),
      ),
    )
    expect(got[0]).toBe('first')
    expect(got.at(-1)).toBe('second')
  })
})

describe('bad input', () => {
  it('unknown ref or version: ScriptNotFoundError at enqueue', async () => {
    await expect(fx.queue.enqueue({ script: { ref: 'nope' } })).rejects.toThrow(ScriptNotFoundError)
    const id = uniqueName('s')
    await fx.queue.scripts.put(id, { language: 'lua', source: 'return 1' })
    await expect(fx.queue.enqueue({ script: { ref: id, version: 9 } })).rejects.toMatchObject({
      code: 'E_SCRIPT_NOT_FOUND',
      ref: id,
      version: 9,
    })
  })

  it('a request that fails validation: InvalidArgumentError naming the field', async () => {
    // biome-ignore lint/suspicious/noExplicitAny: bad input on purpose
    const bad = (r: any) => fx.queue.enqueue(r)
    await expect(bad({ script: { source: 1 } })).rejects.toThrow(InvalidArgumentError)
    await expect(bad({ script: { ref: 'x' }, extra: 1 })).rejects.toThrow(/unknown field 'extra'/)
    await expect(bad({ script: { language: 'lua', source: '' }, globals: [1] })).rejects.toThrow(/globals: expected an object/)
    await expect(bad({ script: { language: 'lua', source: '' }, limits: { timeoutMs: -1 } })).rejects.toThrow(/limits.timeoutMs/)
    await expect(fx.queue.scripts.put('a b', { language: 'lua', source: '' })).rejects.toThrow(InvalidArgumentError)
  })

  it('a job added around the API with bad data fails with InvalidArgumentError, not retried', async () => {
    const raw = await fx.queue.bull.add('execute', { v: 1, script: { source: 42 } }, { attempts: 3 })
    await expect(fx.queue.job(raw.id as string).result()).rejects.toThrow(InvalidArgumentError)
  })

  for (const fairness of ['tenant', 'none'] as const) {
    it(`Redis unreachable at enqueue (fairness '${fairness}'): QueueUnavailableError within the connect timeout`, async () => {
      const down = createScriptQueue({
        connection: { host: '127.0.0.1', port: await freePort() },
        name: uniqueName('down'),
        fairness,
        connectTimeoutMs: 300,
      })
      down.bull.on('error', () => undefined)
      const t0 = performance.now()
      const e = await down.enqueue({ script: { language: 'lua', source: 'return 1' }, tenant: 't' }).catch((x) => x)
      const ms = performance.now() - t0
      expect(e).toBeInstanceOf(QueueUnavailableError)
      expect(e).toMatchObject({
        code: 'E_QUEUE_UNAVAILABLE',
        message: expect.stringMatching(/not reachable \(no connection within 300 ms\)/),
      })
      expect(ms).toBeLessThan(5000)
      await expect(down.schedule('s', { every: 1000 }, { script: { language: 'lua', source: 'return 1' } })).rejects.toBeInstanceOf(
        QueueUnavailableError,
      )
      await down.close()
    })
  }

  it('a script removed after enqueue: ScriptNotFoundError from the worker', async () => {
    const id = uniqueName('s')
    await fx.queue.scripts.put(id, { language: 'lua', source: 'return 1' })
    const job = await fx.queue.enqueue({ script: { ref: id } }, { delay: 200 })
    await fx.queue.scripts.remove(id)
    await expect(job.result()).rejects.toMatchObject({ name: 'ScriptNotFoundError', ref: id, version: 1 })
  })
})

describe('job options', () => {
  it('deduplication returns the first job while it exists', async () => {
    const dedup = { id: uniqueName('d'), ttl: 5000 }
    const a = await fx.queue.enqueue({ script: { language: 'lua', source: 'return 1' } }, { deduplication: dedup, delay: 200 })
    const b = await fx.queue.enqueue({ script: { language: 'lua', source: 'return 2' } }, { deduplication: dedup })
    expect(b.id).toBe(a.id)
    expect((await b.result()).value).toBe(1)
  })

  it('cancelling a delayed job removes it: result() rejects with CancelledError', async () => {
    const job = await fx.queue.enqueue({ script: { language: 'lua', source: 'return 1' } }, { delay: 10_000 })
    const r = job.result()
    await job.cancel()
    await expect(r).rejects.toBeInstanceOf(CancelledError)
    await expect(fx.queue.job(job.id).result()).rejects.toBeInstanceOf(CancelledError)
  })

  it('cancelling a running job aborts it: CancelledError, not retried', async () => {
    const hanging = once(bridgeEvents, 'hang')
    const job = await fx.queue.enqueue({ script: { language: 'lua', source: 'return flaky.hang()' } }, { attempts: 3 })
    await hanging
    const r = job.result()
    await job.cancel()
    await expect(r).rejects.toBeInstanceOf(CancelledError)
    // aborted where it ran (not removed): the job failed once, for good
    expect(await fx.queue.bull.getJobState(job.id)).toBe('failed')
    expect((await fx.queue.bull.getJob(job.id))?.attemptsMade).toBe(1)
  })

  it('cancelling a finished job changes nothing', async () => {
    const job = await fx.queue.enqueue({ script: { language: 'lua', source: 'return 7' } })
    expect((await job.result()).value).toBe(7)
    await job.cancel()
    expect((await job.result()).value).toBe(7)
  })

  it('worker.close() is graceful: a running job finishes before it resolves', async () => {
    const name = uniqueName('close')
    const q = createScriptQueue({ connection: connection(), name })
    const w = createScriptWorker({ connection: connection(), name, host: fx.host })
    try {
      const job = await q.enqueue({ script: { language: 'js', source: 'await flaky.sleep(300)' } })
      while ((await q.bull.getJobState(job.id)) !== 'active') await new Promise((r) => setTimeout(r, 10))
      await w.close()
      expect(await q.bull.getJobState(job.id)).toBe('completed')
      expect((await job.result()).value).toBe('slept')
    } finally {
      await q.close()
    }
  })

  it("a script's log lines are in the result and in BullMQ's job log", async () => {
    const job = await fx.queue.enqueue({ script: { language: 'lua', source: 'print("hello", 1)\nreturn 2' } })
    const r = await job.result()
    expect(r.logs.map((l) => l.message)).toEqual(['hello\t1'])
    expect((await fx.queue.bull.getJobLogs(job.id)).logs).toEqual(['[info] hello\t1'])
  })

  it('a syntax error reports its position', async () => {
    const e = await (await fx.queue.enqueue({ script: { language: 'lua', source: 'x = = 1', name: 'p.lua' } })).result().catch((x) => x)
    expect(e).toBeInstanceOf(ScriptSyntaxError)
    expect(e).toMatchObject({ scriptName: 'p.lua', line: 1 })
  })
})
