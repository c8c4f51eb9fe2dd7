import { afterEach, describe, expect, it, vi } from 'vitest'
import { PoolExhaustedError } from './errors.js'
import { pool, deferred } from '../test/fixtures/pool-recorder.js'

afterEach(() => {
  vi.useRealTimers()
})

describe('acquire timeouts and failing creates', () => {
  it('times out with PoolExhaustedError and counts it', async () => {
    vi.useFakeTimers()
    const { pool: p } = pool({ min: 0, max: 1, acquireTimeoutMs: 100 })
    const held = await p.acquire()
    const waiting = p.acquire()
    const rejected = expect(waiting).rejects.toBeInstanceOf(PoolExhaustedError)
    await vi.advanceTimersByTimeAsync(99)
    expect(p.stats().waiting).toBe(1)
    await vi.advanceTimersByTimeAsync(1)
    await rejected
    await expect(waiting).rejects.toThrow('no state free within 100 ms (max 1)')
    expect(p.stats()).toMatchObject({ waiting: 0, acquireTimeouts: 1 })
    await p.release(held)
    const overridden = await p.acquire({ timeoutMs: 5 })
    expect(overridden.state).toBe(held.state)
    await p.release(overridden)
    await p.close()
  })

  it('a state created for a caller who timed out meanwhile goes idle for the next one', async () => {
    vi.useFakeTimers()
    const gate = deferred()
    const { pool: p, log } = pool(
      { min: 0, max: 1, acquireTimeoutMs: 50 },
      {
        create: async (partition) => {
          await gate.promise
          return { id: 99, partition }
        },
      },
    )
    const first = p.acquire()
    const rejected = expect(first).rejects.toBeInstanceOf(PoolExhaustedError)
    await vi.advanceTimersByTimeAsync(50)
    await rejected
    gate.resolve()
    await vi.advanceTimersByTimeAsync(0)
    expect(p.stats()).toMatchObject({ size: 1, idle: 1, active: 0 })
    const second = await p.acquire()
    expect(second.state.id).toBe(99)
    expect(log.destroyed).toEqual([])
    await p.release(second)
    await p.close()
  })

  it('a failing create rejects that caller with the error and frees the slot', async () => {
    let fail = true
    const { pool: p } = pool(
      { min: 0, max: 1 },
      {
        create: (partition) => {
          if (fail) throw new Error('no memory')
          return { id: 1, partition }
        },
      },
    )
    await expect(p.acquire()).rejects.toThrow('no memory')
    fail = false
    const l = await p.acquire()
    expect(l.state.id).toBe(1)
    await p.release(l)
    await p.close()
  })

  it('start() propagates a failing create', async () => {
    const { pool: p } = pool(
      { min: 1 },
      {
        create: () => {
          throw new Error('broken engine')
        },
      },
    )
    await expect(p.start()).rejects.toThrow('broken engine')
    await p.close()
  })
})
