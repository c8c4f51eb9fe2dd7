import { describe, expect, it } from 'vitest'
import { createRedisScripting, memoryStore } from '../src/index.js'

describe('connections', () => {
  it('a MULTI queue belongs to its connection; EXEC runs it with nothing in between', async () => {
    await using redis = await createRedisScripting({ store: memoryStore() })
    const a = redis.connection()
    const b = redis.connection()
    await a.command(['MULTI'])
    expect(await a.command(['INCR', 'n'])).toBe('QUEUED')
    expect(await b.command(['INCR', 'n'])).toBe(1)
    const exec = a.command(['EXEC'])
    const meanwhile = b.command(['SET', 'n', '100'])
    expect(await exec).toEqual([2])
    expect(await meanwhile).toBe('OK')
    expect(await redis.command(['GET', 'n'])).toBe('100')
  })

  it('names, ids and HELLO are per connection; QUIT closes only its connection', async () => {
    await using redis = await createRedisScripting({ store: memoryStore() })
    const a = redis.connection()
    const b = redis.connection()
    await a.command(['CLIENT', 'SETNAME', 'worker'])
    expect(await a.command(['CLIENT', 'GETNAME'])).toBe('worker')
    expect(await b.command(['CLIENT', 'GETNAME'])).toBeNull()
    expect(await a.command(['CLIENT', 'ID'])).not.toBe(await b.command(['CLIENT', 'ID']))
    const hello = (await a.command(['HELLO', '3', 'SETNAME', 'w2'])) as unknown[]
    expect(hello[hello.indexOf('proto') + 1]).toBe(3)
    expect(await a.command(['CLIENT', 'GETNAME'])).toBe('w2')
    expect(await a.command(['QUIT'])).toBe('OK')
    await expect(a.command(['PING'])).rejects.toThrow('Connection is closed.')
    expect(await b.command(['PING'])).toBe('PONG')
  })

  it('INFO carries the fields clients read', async () => {
    await using redis = await createRedisScripting({ store: memoryStore() })
    await redis.command(['SET', 'k', 'v'])
    const info = (await redis.command(['INFO'])) as string
    expect(info).toMatch(/^# Server\r\nredis_version:7\.0\.15\r\n/)
    expect(info).toContain('maxmemory_policy:noeviction\r\n')
    expect(info).toContain('db0:keys=1,')
    expect(await redis.command(['INFO', 'memory'])).not.toContain('redis_version')
  })
})
