import { describe, expect, it } from 'vitest'
import type { RedisScripting } from '../src/index.js'
import { bothSides } from './both-sides.js'
import { type CorpusCase, type Normal, onPolyhost, onReal } from './differential.js'
import { hasRedisServer, type RealRedis } from './real-redis.js'

/**
 * A `describe` block that runs each case's commands on redis-server 7.0 and on a fresh
 * in-process store (both flushed first) and expects the same replies, step by step; skipped
 * when redis-server is not installed. For test files that keep their own few cases.
 */
export function describeCases(title: string, cases: readonly CorpusCase[]): void {
  describe.skipIf(!hasRedisServer)(`${title}, against redis-server 7.0`, () => {
    let real: RealRedis
    let redis: RedisScripting
    bothSides((s) => {
      real = s.real as RealRedis
      redis = s.redis
    })

    for (const c of cases) {
      it(c.name, async () => {
        await real.client.call('FLUSHALL')
        await redis.command(['FLUSHALL'])
        const want: Normal[] = []
        const got: Normal[] = []
        // a case's summaries (where Redis's answer is not determined) apply to both sides
        const fix = (i: number, x: Normal) => c.summaries?.[i]?.(x) ?? x
        for (const [i, argv] of c.run.entries()) want.push(fix(i, await onReal(real.client, argv)))
        for (const [i, argv] of c.run.entries()) got.push(fix(i, await onPolyhost(redis, argv)))
        expect(got).toEqual(want)
      })
    }
  })
}
