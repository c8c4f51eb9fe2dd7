import { describe, expect, it } from 'vitest'
import { deferred } from '../test/fixtures/pool-recorder.js'
import { RunningWork } from './host-work.js'

describe('RunningWork', () => {
  it('counts work from its start until its promise settles, fulfilled or rejected', async () => {
    const work = new RunningWork()
    const a = deferred<number>()
    const b = deferred<number>()
    const ra = work.run(() => a.promise)
    const rb = work.run(() => b.promise)
    expect(work.size).toBe(2)
    a.resolve(1)
    await expect(ra).resolves.toBe(1)
    expect(work.size).toBe(1)
    b.reject(new Error('boom'))
    await expect(rb).rejects.toThrow('boom')
    expect(work.size).toBe(0)
  })

  it('a function that throws before returning a promise is counted out too', async () => {
    const work = new RunningWork()
    const r = work.run((): Promise<never> => {
      throw new TypeError('sync')
    })
    await expect(r).rejects.toBeInstanceOf(TypeError)
    expect(work.size).toBe(0)
  })

  it('settledWithin resolves when the last work ends, for every waiter', async () => {
    const work = new RunningWork()
    const d = deferred<void>()
    const run = work.run(() => d.promise)
    let woken = 0
    const waits = [work.settledWithin(60_000), work.settledWithin(60_000)].map((p) => p.then(() => woken++))
    await new Promise((r) => setTimeout(r, 20))
    expect(woken).toBe(0)
    d.resolve()
    await run
    await Promise.all(waits)
    expect(woken).toBe(2)
  })

  it('settledWithin gives up after its time while work is still under way', async () => {
    const work = new RunningWork()
    const stuck = deferred<void>()
    void work.run(() => stuck.promise)
    const t0 = performance.now()
    await work.settledWithin(50)
    expect(performance.now() - t0).toBeGreaterThanOrEqual(45)
    expect(work.size).toBe(1)
    stuck.resolve()
  })

  it('settledWithin with nothing under way resolves at once', async () => {
    const work = new RunningWork()
    let done = false
    void work.settledWithin(60_000).then(() => (done = true))
    await Promise.resolve()
    expect(done).toBe(true)
  })
})
