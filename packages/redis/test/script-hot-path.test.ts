import { afterEach, describe, expect, it, vi } from 'vitest'
import { createRedisScripting, memoryStore } from '../src/index.js'

/** What the scripts' hot path takes shortcuts on. */
describe('the store after a write', () => {
  afterEach(() => {
    vi.restoreAllMocks()
  })

  it('leaves the WATCH signal set alone when the write signalled no key (Set.clear allocates a new table)', async () => {
    const clear = vi.spyOn(Set.prototype, 'clear')
    await using redis = await createRedisScripting({ store: memoryStore() })
    await redis.command(['SET', 'k', 'v'])
    clear.mockClear()
    for (let i = 0; i < 20; i++) await redis.command(['HSET', 'h', `f${i}`, 'v'])
    await redis.command(['EVAL', "for i = 1, 20 do redis.call('INCR', KEYS[1]) end", '1', 'n'])
    expect(clear).not.toHaveBeenCalled()
  })

  it('still clears the signals of a write that signalled a key', async () => {
    await using redis = await createRedisScripting({ store: memoryStore() })
    const c = redis.connection()
    await redis.command(['RPUSH', 'l', 'a'])
    await c.command(['WATCH', 'l'])
    // LTRIM that keeps every element still signals the key (Redis does): the watch fails
    await redis.command(['LTRIM', 'l', '0', '-1'])
    await c.command(['MULTI'])
    await c.command(['LLEN', 'l'])
    expect(await c.command(['EXEC'])).toBeNull()
    // the signal is gone after that write: a new watch holds across another write
    await c.command(['WATCH', 'l'])
    await redis.command(['SET', 'other', '1'])
    await c.command(['MULTI'])
    await c.command(['LLEN', 'l'])
    expect(await c.command(['EXEC'])).toEqual([1])
  })
})
