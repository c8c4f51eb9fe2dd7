import { afterEach, describe, expect, it, vi } from 'vitest'
import { ClosedError } from './errors.js'
import { pool, flush, deferred } from '../test/fixtures/pool-recorder.js'

afterEach(() => {
  vi.useRealTimers()
})

describe('close', () => {
  it('drains: waits for running work, rejects waiters, then destroys everything', async () => {
    const { pool: p, log } = pool({ min: 0, max: 1 })
    const held = await p.acquire()
    const waiting = p.acquire()
    let closed = false
    const closing = p.close().then(() => (closed = true))
    await expect(waiting).rejects.toBeInstanceOf(ClosedError)
    await flush()
    expect(closed).toBe(false)
    expect(log.destroyed).toEqual([])
    await p.release(held)
    await closing
    expect(log.destroyed).toEqual([held.state.id])
    expect(log.resets).toEqual([])
    await expect(p.acquire()).rejects.toBeInstanceOf(ClosedError)
    await expect(p.start()).rejects.toBeInstanceOf(ClosedError)
  })

  it('destroys busy states once drainTimeoutMs passes', async () => {
    vi.useFakeTimers()
    const { pool: p, log } = pool({ min: 0, drainTimeoutMs: 500 })
    const held = await p.acquire()
    let closed = false
    const closing = p.close().then(() => (closed = true))
    await vi.advanceTimersByTimeAsync(499)
    expect(closed).toBe(false)
    await vi.advanceTimersByTimeAsync(1)
    await closing
    expect(log.destroyed).toEqual([held.state.id])
    await p.release(held) // late release of a destroyed state is harmless
    expect(log.destroyed).toEqual([held.state.id])
  })

  it('a caller whose state is being created gets ClosedError and the state is destroyed', async () => {
    vi.useFakeTimers()
    const gate = deferred()
    const { pool: p, log } = pool(
      { min: 0, drainTimeoutMs: 60_000 },
      {
        create: async (partition) => {
          await gate.promise
          return { id: 7, partition }
        },
      },
    )
    const acquiring = p.acquire()
    await vi.advanceTimersByTimeAsync(0)
    const closing = p.close()
    await expect(acquiring).rejects.toBeInstanceOf(ClosedError)
    gate.resolve()
    await vi.advanceTimersByTimeAsync(0)
    await closing // without the drain timeout
    expect(log.destroyed).toEqual([7])
  })

  it('does not wait for the drain timeout while pre-warming', async () => {
    vi.useFakeTimers()
    const gate = deferred()
    const { pool: p, log } = pool(
      { min: 1, drainTimeoutMs: 60_000 },
      {
        create: async (partition) => {
          await gate.promise
          return { id: 3, partition }
        },
      },
    )
    const starting = p.start()
    const closing = p.close()
    gate.resolve()
    await vi.advanceTimersByTimeAsync(0)
    await starting
    await closing
    expect(log.destroyed).toEqual([3])
  })

  it('repeated close calls share one close', async () => {
    const { pool: p } = pool({ min: 0 })
    const held = await p.acquire()
    const first = p.close()
    const second = p.close()
    expect(second).toBe(first)
    await p.release(held)
    await Promise.all([first, second])
  })
})
