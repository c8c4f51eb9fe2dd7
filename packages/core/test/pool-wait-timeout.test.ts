// A script's `timeoutMs` covers the script's own run: it starts when the script starts on its
// state. Waiting for a state (the pool at `max`, all busy) or for one to be made is bounded by
// the pool's `acquireTimeoutMs` (PoolExhaustedError) and the caller's signal (CancelledError),
// never reported as LimitExceededError('timeout') for a script that did not run — a queue
// retries neither, and the caller could not tell a slow script from a busy host.
import { afterEach, describe, expect, it } from 'vitest'
import { z } from 'zod'
import { defineBridge } from '../src/bridges.js'
import { CancelledError, LimitExceededError, PoolExhaustedError } from '../src/errors.js'
import { createHost, type Host } from '../src/index.js'
import { fakeEngine } from '../src/testing/index.js'

let host: Host | undefined
afterEach(async () => {
  await host?.close()
  host = undefined
})

/** A host of one state; `hold(ms)` keeps it busy that long. */
async function busyHost(acquireTimeoutMs: number): Promise<{ h: Host; hold: (ms: number) => Promise<unknown> }> {
  const h = await createHost({ engines: [fakeEngine()], pool: { max: 1, acquireTimeoutMs }, limits: { timeoutMs: 5_000 } })
  host = h
  h.bridges.register(
    defineBridge({ name: 'net', methods: { wait: { args: [z.number()], handler: (_, ms) => new Promise((r) => setTimeout(r, ms)) } } }),
  )
  const hold = (ms: number) => h.execute({ language: 'fake', source: `["do", ["call", ["get", "net", "wait"], ${ms}]]\n["return", "a"]` })
  return { h, hold }
}

describe('the time limit and the wait for a state', () => {
  it('a script that waited longer than its limit for a state still runs', async () => {
    const { h, hold } = await busyHost(10_000)
    const first = hold(400)
    await new Promise((r) => setTimeout(r, 20))
    const r = await h.execute({ language: 'fake', source: '["return", "b"]', limits: { timeoutMs: 100 } })
    expect(r.value).toBe('b')
    // its duration is its own run, not the wait
    expect(r.stats.durationMs).toBeLessThan(100)
    expect(((await first) as { value: unknown }).value).toBe('a')
  })

  it('the wait ends with the acquire timeout, as PoolExhaustedError', async () => {
    const { h, hold } = await busyHost(100)
    const first = hold(600)
    await new Promise((r) => setTimeout(r, 20))
    const e = await h.execute({ language: 'fake', source: '["return", "b"]', limits: { timeoutMs: 5_000 } }).catch((x: unknown) => x)
    expect(e).toBeInstanceOf(PoolExhaustedError)
    await first
  })

  it('the wait ends with the caller abort, as CancelledError', async () => {
    const { h, hold } = await busyHost(0)
    const first = hold(600)
    await new Promise((r) => setTimeout(r, 20))
    const signal = AbortSignal.timeout(50)
    const e = await h.execute({ language: 'fake', source: '["return", "b"]', signal, limits: { timeoutMs: 30 } }).catch((x: unknown) => x)
    expect(e).toBeInstanceOf(CancelledError)
    await first
  })

  it('the script that holds the state still times out on its own run', async () => {
    const { h } = await busyHost(0)
    const e = await h
      .execute({ language: 'fake', source: '["do", ["call", ["get", "net", "wait"], 400]]', limits: { timeoutMs: 50 } })
      .catch((x: unknown) => x)
    expect(e).toBeInstanceOf(LimitExceededError)
    expect(e).toMatchObject({ limit: 'timeout' })
  })
})
