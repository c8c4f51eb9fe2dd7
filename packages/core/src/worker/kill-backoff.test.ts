import { describe, expect, it } from 'vitest'
import { BACKOFF_BASE_MS, BACKOFF_MAX_MS, backoffKey, KillBackoff } from './kill-backoff.js'

describe('KillBackoff', () => {
  it('makes a key wait after a kill, doubling per kill up to the maximum; other keys are free', () => {
    const b = new KillBackoff()
    expect(b.delay('a')).toBe(0)
    b.killed('a')
    expect(b.delay('a')).toBeGreaterThan(BACKOFF_BASE_MS - 50)
    expect(b.delay('a')).toBeLessThanOrEqual(BACKOFF_BASE_MS)
    b.killed('a')
    expect(b.delay('a')).toBeGreaterThan(2 * BACKOFF_BASE_MS - 50)
    for (let i = 0; i < 20; i++) b.killed('a')
    expect(b.delay('a')).toBeLessThanOrEqual(BACKOFF_MAX_MS)
    expect(b.delay('a')).toBeGreaterThan(BACKOFF_MAX_MS - 50)
    expect(b.delay('b')).toBe(0)
  })

  it('keys a job by tenant, else by engine and script', () => {
    expect(backoffKey({ tenant: 't1', engine: 'lua', hash: 'h' })).toBe(backoffKey({ tenant: 't1', engine: 'js', hash: 'x' }))
    expect(backoffKey({ tenant: undefined, engine: 'lua', hash: 'h' })).not.toBe(
      backoffKey({ tenant: undefined, engine: 'lua', hash: 'x' }),
    )
    expect(backoffKey({ tenant: '', engine: 'lua', hash: 'h' })).not.toBe(backoffKey({ tenant: undefined, engine: 'lua', hash: 'h' }))
  })
})
