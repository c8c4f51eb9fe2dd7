import { afterAll, beforeAll } from 'vitest'
import { createRedisScripting, memoryStore, type RedisScripting, type RedisScriptingOptions } from '../src/index.js'
import { hasRedisServer, type RealRedis, startRedis } from './real-redis.js'

/** The two sides a differential test compares. */
export interface Sides {
  /** In-process scripting over a fresh memoryStore. */
  readonly redis: RedisScripting
  /** redis-server on a free loopback port, when it is installed. */
  readonly real: RealRedis | undefined
}

/**
 * Sets up both sides for the enclosing `describe` block: before its tests, in-process
 * scripting over a fresh store (with `limits`, if given) and (when installed) a redis-server,
 * handed to `use`; after them, both closed.
 */
export function bothSides(use: (sides: Sides) => void, limits?: RedisScriptingOptions['limits']): void {
  let sides: Sides | undefined
  beforeAll(async () => {
    const redis = await createRedisScripting({ store: memoryStore(), ...(limits ? { limits } : {}) })
    sides = { redis, real: hasRedisServer ? await startRedis() : undefined }
    use(sides)
  })
  afterAll(async () => {
    await sides?.redis.close()
    await sides?.real?.stop()
  })
}
