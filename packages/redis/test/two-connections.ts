import { describe, expect, it } from 'vitest'
import { Redis } from 'ioredis'
import type { RedisConnection, RedisScripting } from '../src/index.js'
import { bothSides } from './both-sides.js'
import { type Normal, normalise } from './differential.js'
import { hasRedisServer, type RealRedis } from './real-redis.js'

/** Two clients of one server: in the WATCH scenarios `a` watches and runs a transaction, `b` writes in between. */
export interface Pair {
  a(...argv: string[]): Promise<Normal>
  b(...argv: string[]): Promise<Normal>
}

export type Scenario = (p: Pair) => Promise<Normal[]>

/**
 * A `describe` block that plays each scenario on two ioredis connections to redis-server and on
 * two `connection()`s of in-process scripting (each side flushed first), and expects the same
 * replies; `check(name, want)` then asserts what the scenario was built to show on redis-server.
 */
export function twoConnectionScenarios(
  title: string,
  scenarios: Record<string, Scenario>,
  check: (name: string, want: Normal[]) => void,
): void {
  describe.skipIf(!hasRedisServer)(title, () => {
    let real: RealRedis
    let redis: RedisScripting

    bothSides((s) => {
      redis = s.redis
      real = s.real as RealRedis
    })

    for (const [name, scenario] of Object.entries(scenarios)) {
      it(name, async () => {
        await real.client.call('FLUSHALL')
        await redis.command(['FLUSHALL'])
        const [ra, rb] = [new Redis({ port: real.port, host: '127.0.0.1' }), new Redis({ port: real.port, host: '127.0.0.1' })]
        try {
          const want = await scenario({ a: onReal(ra), b: onReal(rb) })
          const got = await scenario({ a: onPolyhost(redis.connection()), b: onPolyhost(redis.connection()) })
          expect(got).toEqual(want)
          check(name, want)
        } finally {
          ra.disconnect()
          rb.disconnect()
        }
      })
    }
  })
}

async function settle(reply: () => Promise<unknown>): Promise<Normal> {
  try {
    return normalise(await reply())
  } catch (e) {
    return { error: (e as Error).message }
  }
}

const onReal =
  (c: Redis) =>
  (...argv: string[]): Promise<Normal> =>
    settle(() => c.call(argv[0] as string, ...argv.slice(1)))

const onPolyhost =
  (c: RedisConnection) =>
  (...argv: string[]): Promise<Normal> =>
    settle(() => c.command(argv))
