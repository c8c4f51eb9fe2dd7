import { afterEach, describe, expect, it } from 'vitest'
import { z } from 'zod'
import { CancelledError, createHost, defineBridge, EngineCrashedError, type Host, type HostOptions, PolicyError } from '../src/index.js'
import { blockingEngine } from './fixtures/blocking-engine.mjs'

// close() ends within its drain timeout in both modes, whatever the running scripts do.
// Worker mode loads dist/: `pnpm run build` first. Bounds are generous (a loaded machine).

const LIMITS = { instructions: false, memoryBytes: false, stackDepth: false, timeoutMs: 20_000 } as const
let host: Host | undefined

async function start(options: Partial<HostOptions> = {}): Promise<Host> {
  host = await createHost({ engines: [blockingEngine()], limits: LIMITS, pool: { drainTimeoutMs: 500 }, ...options })
  host.bridges.register(
    defineBridge({
      name: 'kv',
      methods: { hang: { args: [], handler: () => new Promise(() => {}) }, n: { args: [z.number()], handler: (_c, n) => n } },
    }),
  )
  return host
}
const run = (h: Host, source: string, extra: object = {}) => h.execute({ language: 'blk', source, ...extra })
const settle = (p: Promise<unknown>) =>
  p.then(
    () => undefined,
    (e: unknown) => e,
  )
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

async function timedClose(h: Host): Promise<number> {
  const t = performance.now()
  const timeout = sleep(8_000).then(() => 'close did not resolve within 8 s')
  const r = await Promise.race([h.close().then(() => 'closed'), timeout])
  expect(r).toBe('closed')
  return performance.now() - t
}

afterEach(async () => {
  const h = host
  host = undefined
  await Promise.race([h?.close(), sleep(2_000)])
})

for (const isolation of ['inline', 'worker'] as const) {
  describe(`close() with isolation '${isolation}'`, () => {
    const opts = isolation === 'worker' ? ({ isolation, workers: 1 } as const) : {}
    // inline, a script that never yields holds the host's thread (close() cannot even run):
    // it checks its deadline between slices of async work instead
    const busy = isolation === 'worker' ? 'api.loop()' : 'for (;;) { await new Promise((r) => setTimeout(r, 5)); api.check() }'

    it('ends a script that keeps running (checking its deadline) with CancelledError within the drain timeout', async () => {
      const h = await start(opts)
      const running = settle(run(h, busy))
      await sleep(100)
      const ms = await timedClose(h)
      expect(await running).toBeInstanceOf(CancelledError)
      expect(ms).toBeLessThan(3_000)
    })

    it('ends a script awaiting a bridge that never settles with CancelledError', async () => {
      const h = await start(opts)
      const running = settle(run(h, "await api.call('kv.hang')"))
      await sleep(100)
      const ms = await timedClose(h)
      expect(await running).toBeInstanceOf(CancelledError)
      expect(ms).toBeLessThan(3_000)
    })

    it('lets running work finish within the drain timeout, and a second close() is safe', async () => {
      const h = await start({ ...opts, pool: { drainTimeoutMs: 5_000 } })
      const running = run(h, "await new Promise((r) => setTimeout(r, 200)); return api.call('kv.n', 7)")
      await sleep(50)
      const [a, b] = [h.close(), h.close()]
      expect((await running).value).toBe(7)
      await Promise.all([a, b])
      await h.close()
    })
  })
}

describe('close() with isolation worker and no time limit at all', () => {
  it('terminates a worker stuck in a builtin (no deadline, no instruction limit) within the drain timeout', async () => {
    const h = await start({ isolation: 'worker', workers: 1, limits: { ...LIMITS, timeoutMs: false }, pool: { drainTimeoutMs: 1_000 } })
    const running = settle(run(h, 'api.spin(60_000)'))
    await sleep(200)
    const ms = await timedClose(h)
    expect(await running).toBeInstanceOf(CancelledError)
    expect(ms).toBeLessThan(4_000)
    // the worker thread is gone: this process no longer burns a core spinning
    const cpu = process.cpuUsage()
    await sleep(600)
    const used = process.cpuUsage(cpu)
    expect((used.user + used.system) / 1000).toBeLessThan(350)
  })
})

describe('close() and a pending compile with isolation worker', () => {
  it('cancels a compile waiting behind a busy worker with CancelledError, not a crash to retry', async () => {
    const h = await start({ isolation: 'worker', workers: 1, pool: { drainTimeoutMs: 100 } })
    // it sees the cancellation but holds the thread while it unwinds: close() has to terminate the worker
    const running = settle(run(h, 'api.unwindSlowly(5_000)'))
    await sleep(200)
    const compiling = settle(h.compile({ language: 'blk', source: 'return 2' }))
    await sleep(20)
    await timedClose(h)
    expect(await running).toBeInstanceOf(CancelledError)
    const error = await compiling
    expect(error).toBeInstanceOf(CancelledError)
    expect(error).not.toBeInstanceOf(EngineCrashedError)
  })
})

describe('inline hosts refuse what they cannot stop', () => {
  it('rejects unlimited time (timeoutMs and instructions both false) inline with PolicyError', async () => {
    const error = await createHost({ engines: [blockingEngine()], limits: { ...LIMITS, timeoutMs: false } }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(PolicyError)
    expect((error as PolicyError).message).toMatch(/limits\.timeoutMs.*inline/)
  })

  it('accepts it with isolation worker, where the watchdog can still terminate the thread', async () => {
    const h = await start({ isolation: 'worker', workers: 1, limits: { ...LIMITS, timeoutMs: false } })
    expect((await run(h, 'return 1')).value).toBe(1)
  })
})
