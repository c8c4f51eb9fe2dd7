import { afterEach, describe, expect, it } from 'vitest'
import { createHost, defineBridge, type Host } from '../../src/index.js'
import { blockingEngine } from '../fixtures/blocking-engine.mjs'

// A job sent to a worker whose thread another script holds waits there: that wait is not its
// time. Its limit runs from when the worker takes it up; if the other script is killed, it is a
// bystander (run again, or InterruptedError), never a timeout of a script that did not run.
// Loads dist/: `pnpm run build` first. Generous time bounds.

const LIMITS = { instructions: false, memoryBytes: false, stackDepth: false, timeoutMs: 3_000 } as const
let host: Host | undefined
let marks = 0
const VICTIM = "api.call('s.mark'); return 'V'"

async function start(): Promise<Host> {
  marks = 0
  host = await createHost({ engines: [blockingEngine()], isolation: 'worker', workers: 1, limits: LIMITS })
  host.bridges.register(defineBridge({ name: 's', methods: { mark: { args: [], handler: () => ++marks } } }))
  // compiled beforehand: a compile would wait for the thread too, before the job is sent
  await run(host, VICTIM)
  marks = 0
  return host
}
const run = (h: Host, source: string, extra: object = {}) => h.execute({ language: 'blk', source, ...extra })
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

afterEach(async () => {
  await host?.close()
  host = undefined
})

describe('worker isolation: the time limit starts when the job reaches the thread', () => {
  it('a short-limit job queued behind a long script runs once the thread is free', async () => {
    const h = await start()
    const holder = run(h, "api.spin(700); return 'A'", { tenant: 'a' })
    await sleep(30)
    // its 200 ms would be over long before the holder lets the thread go
    const victim = run(h, VICTIM, { tenant: 'v', limits: { timeoutMs: 200 } })
    const [a, v] = await Promise.allSettled([holder, victim])
    expect(a).toMatchObject({ status: 'fulfilled', value: { value: 'A' } })
    expect(v).toMatchObject({ status: 'fulfilled', value: { value: 'V' } })
    expect(marks).toBe(1)
  })

  it('a job queued behind a script the watchdog kills is run again, not timed out', async () => {
    const h = await start()
    const runaway = run(h, 'api.spin(20_000)', { tenant: 'evil', limits: { timeoutMs: 300 } })
    await sleep(30)
    const victim = run(h, VICTIM, { tenant: 'v', limits: { timeoutMs: 100 } })
    const [r, v] = await Promise.allSettled([runaway, victim])
    expect(r).toMatchObject({ status: 'rejected', reason: { limit: 'timeout' } })
    expect(v).toMatchObject({ status: 'fulfilled', value: { value: 'V' } })
    expect(marks).toBe(1)
    expect(h.stats().engines.blk?.workerKills).toBe(1)
  })

  it('a job taken up after it was sent gets its whole limit from there, not from the send', async () => {
    const h = await start()
    const LATE = "api.call('s.mark'); for (let i = 0; i < 10; i++) { api.spin(50); api.check() } return 'L'"
    // compiled beforehand, so its job is sent at once (and waits on the worker)
    await h.compile({ language: 'blk', source: LATE })
    const holder = run(h, "api.spin(400); return 'A'", { tenant: 'a' })
    await sleep(30)
    // sent ~30 ms in, taken up at ~400 ms: its 500 ms run ends past the send + 800 ms
    const late = run(h, LATE, { tenant: 'l', limits: { timeoutMs: 800 } })
    const [a, l] = await Promise.allSettled([holder, late])
    expect(a).toMatchObject({ status: 'fulfilled', value: { value: 'A' } })
    expect(l).toMatchObject({ status: 'fulfilled', value: { value: 'L' } })
    expect(marks).toBe(1)
  })
})
