import { afterEach, describe, expect, it } from 'vitest'
import { CancelledError, createHost, defineBridge, EngineCrashedError, type Host, LimitExceededError } from '../../src/index.js'
import { blockingEngine } from '../fixtures/blocking-engine.mjs'
import { slowBridge } from '../fixtures/kv-bridge.js'

// Hard limits of isolation 'worker'. Time bounds are generous (other test files load the
// machine): they check that a runaway stops, not how fast.

const LIMITS = { instructions: false, memoryBytes: false, stackDepth: false, timeoutMs: 5_000 } as const
let host: Host | undefined

async function start(workers = 2, heapMb?: number, memoryLimit = false): Promise<Host> {
  host = await createHost({
    engines: [blockingEngine({ memoryLimit })],
    isolation: 'worker',
    workers,
    limits: heapMb ? { ...LIMITS, timeoutMs: 30_000 } : LIMITS,
    ...(heapMb ? { worker: { resourceLimits: { maxOldGenerationSizeMb: heapMb } } } : {}),
  })
  return host
}
const run = (h: Host, source: string, extra: object = {}) => h.execute({ language: 'blk', source, ...extra })
const elapsed = async (p: Promise<unknown>) => {
  const t = performance.now()
  const error = await p.then(
    () => undefined,
    (e: unknown) => e,
  )
  return { error, ms: performance.now() - t }
}

afterEach(async () => {
  await host?.close()
  host = undefined
})

describe('isolation: worker, hard limits', () => {
  it('terminates a worker stuck in a builtin that ignores the deadline, then runs the next script', async () => {
    const h = await start()
    const { error, ms } = await elapsed(run(h, 'return api.spin(20_000)', { limits: { timeoutMs: 200 } }))
    expect(error).toBeInstanceOf(LimitExceededError)
    expect(error).toMatchObject({ limit: 'timeout', max: 200 })
    expect(ms).toBeLessThan(3_000)
    expect((await run(h, 'return 7')).value).toBe(7)
    expect(h.stats().limitTrips.timeout).toBe(1)
  })

  it('stops a script that checks its deadline without killing the worker', async () => {
    const h = await start(1)
    const before = (await run(h, 'return api.threadId()')).value
    await expect(run(h, 'api.loop()', { limits: { timeoutMs: 100 } })).rejects.toMatchObject({ limit: 'timeout' })
    expect((await run(h, 'return api.threadId()')).value).toBe(before)
  })

  it('cancels through the caller signal, even while the worker never yields', async () => {
    const h = await start()
    const ac = new AbortController()
    setTimeout(() => ac.abort(), 100)
    const { error, ms } = await elapsed(run(h, 'api.spin(20_000)', { signal: ac.signal }))
    expect(error).toBeInstanceOf(CancelledError)
    expect(ms).toBeLessThan(3_000)
    const ac2 = new AbortController()
    setTimeout(() => ac2.abort(), 100)
    await expect(run(h, 'api.loop()', { signal: ac2.signal })).rejects.toBeInstanceOf(CancelledError)
  })

  it('aborts the handler signal when the worker times out during an async bridge call', async () => {
    const h = await start()
    let signal: AbortSignal | undefined
    h.bridges.register(slowBridge((seen) => (signal = seen)))
    await expect(run(h, "await api.call('slow.wait', 5_000)", { limits: { timeoutMs: 150 } })).rejects.toMatchObject({ limit: 'timeout' })
    expect(signal?.aborted).toBe(true)
  })

  it('leaves executions on other workers alone', async () => {
    const h = await start()
    const runaway = run(h, 'api.spin(20_000)', { limits: { timeoutMs: 300 } })
    const other = run(h, 'api.spin(600); return api.threadId()')
    const [a, b] = await Promise.allSettled([runaway, other])
    expect(a).toMatchObject({ status: 'rejected', reason: { limit: 'timeout' } })
    expect(b).toMatchObject({ status: 'fulfilled' })
    expect(h.stats().engines.blk?.workerRestarts).toBe(1)
  })

  it('reruns a bystander of a killed worker only if it made no bridge call', async () => {
    const h = await start(1)
    h.bridges.register(defineBridge({ name: 'w', methods: { wait: { args: [], handler: () => new Promise((r) => setTimeout(r, 400)) } } }))
    const touched = run(h, "await api.call('w.wait'); return 'touched'")
    await new Promise((r) => setTimeout(r, 50))
    const runaway = run(h, 'api.spin(20_000)', { limits: { timeoutMs: 150 } })
    const pure = run(h, "return 'pure'")
    const [t, r, p] = await Promise.allSettled([touched, runaway, pure])
    expect(r).toMatchObject({ status: 'rejected', reason: { limit: 'timeout' } })
    expect(t).toMatchObject({ status: 'rejected', reason: expect.any(EngineCrashedError) })
    expect(p).toMatchObject({ status: 'fulfilled', value: { value: 'pure' } })
  })

  it('replaces a worker whose thread exits and fails its execution with EngineCrashedError', async () => {
    const h = await start(1)
    await expect(run(h, 'api.exit()')).rejects.toBeInstanceOf(EngineCrashedError)
    expect((await run(h, 'return 1 + 1')).value).toBe(2)
    await expect(run(h, 'api.crashLater(); await new Promise((r) => setTimeout(r, 500))')).rejects.toThrow(/worker crashed: engine bug/)
    expect((await run(h, 'return 3')).value).toBe(3)
  })

  it('fails an execution that exhausts its worker heap with LimitExceededError(memory); the host lives on', async () => {
    const h = await start(1, 48)
    const error = await run(h, 'api.grow()').catch((e: unknown) => e)
    expect(error).toBeInstanceOf(LimitExceededError)
    // memoryBytes is false here: the bound hit is the worker's heap, and the error says so
    expect(error).toMatchObject({ limit: 'memory', max: 48 * 1024 * 1024 })
    expect((error as Error).message).toContain('maxOldGenerationSizeMb 48')
    expect((await run(h, 'return "alive"')).value).toBe('alive')
    expect(h.stats().limitTrips.memory).toBe(1)
  })

  it('names the worker heap as the bound when memoryBytes is larger than it, and reports the heap as max', async () => {
    const h = await start(1, 48, true)
    const error = await run(h, 'api.grow()', { limits: { memoryBytes: 1e9 } }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(LimitExceededError)
    // "memory limit exceeded (50331648 > 1000000000)" read as if the script had not reached its limit
    expect(error).toMatchObject({ limit: 'memory', max: 48 * 1024 * 1024, bound: expect.stringContaining('heap') })
    expect((error as Error).message).toMatch(/^memory limit exceeded \(\d+ > 50331648: the worker's V8 heap limit/)
  })
})
