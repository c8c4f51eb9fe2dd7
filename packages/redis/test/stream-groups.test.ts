import { describe, expect, it } from 'vitest'
import type { RedisScripting } from '../src/index.js'
import { consumerRows, pendingRows, STREAM_GROUP_CASES } from './corpus/stream-groups.js'
import { type Normal, onPolyhost, onReal } from './differential.js'
import { hasRedisServer, type RealRedis } from './real-redis.js'
import { bothSides } from './both-sides.js'

describe.skipIf(!hasRedisServer)('stream consumer groups, against redis-server 7.0', () => {
  let real: RealRedis
  let redis: RedisScripting
  // the describe block is skipped without a redis-server: real is there
  bothSides(
    (s) => {
      real = s.real as RealRedis
      redis = s.redis
    },
    { timeoutMs: 10_000 },
  )

  for (const c of STREAM_GROUP_CASES) {
    it(c.name, async () => {
      await real.client.call('FLUSHALL')
      await redis.command(['FLUSHALL'])
      const differences: string[] = []
      // step by step on both sides, so that idle times compare within a few milliseconds
      for (const [i, argv] of c.run.entries()) {
        const fix = c.summaries?.[i] ?? ((x: Normal) => x)
        const want = JSON.stringify(fix(await onReal(real.client, argv)))
        const got = JSON.stringify(fix(await onPolyhost(redis, argv)))
        if (want !== got) differences.push(`${JSON.stringify(argv)}\n   redis-server: ${want}\n   polyhost:     ${got}`)
      }
      expect(differences.join('\n')).toBe('')
    })
  }
})

/** A small deterministic generator, so a failure replays. */
function rng(seed: number): () => number {
  let s = seed >>> 0
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0
    return s / 2 ** 32
  }
}

/** A random group command over two streams, three groups and a few consumers (explicit entry IDs). */
function randomCommand(next: () => number, step: number): string[] {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)] as T
  const k = pick(['s', 's', 't'])
  const g = pick(['g', 'h', 'i'])
  const c = pick(['a', 'b', 'c', 'd'])
  const id = () => `${1 + Math.floor(next() * step)}-${Math.floor(next() * 2)}`
  const n = String(Math.floor(next() * 5))
  return pick([
    ['XADD', k, `${step}-1`, 'f', `v${step}`],
    ['XADD', k, `${step}-1`, 'f', `v${step}`],
    ['XADD', k, 'MAXLEN', n, `${step}-2`, 'f', 'v'],
    ['XGROUP', 'CREATE', k, g, pick(['0', '$', id()]), ...pick([[], ['MKSTREAM'], ['ENTRIESREAD', n]])],
    ['XGROUP', 'SETID', k, g, pick(['0', '$', id()]), ...pick([[], ['ENTRIESREAD', n]])],
    ['XGROUP', 'DESTROY', k, g],
    ['XGROUP', 'CREATECONSUMER', k, g, c],
    ['XGROUP', 'DELCONSUMER', k, g, c],
    ['XREADGROUP', 'GROUP', g, c, 'COUNT', n, 'STREAMS', k, '>'],
    ['XREADGROUP', 'GROUP', g, c, 'STREAMS', k, '>'],
    ['XREADGROUP', 'GROUP', g, c, 'NOACK', 'STREAMS', k, '>'],
    ['XREADGROUP', 'GROUP', g, c, 'COUNT', n, 'STREAMS', k, pick(['0', id()])],
    ['XACK', k, g, id(), id()],
    ['XPENDING', k, g],
    ['XPENDING', k, g, pick(['-', id()]), '+', n, ...pick([[], [c]])],
    ['XCLAIM', k, g, c, '0', id(), id(), ...pick([[], ['JUSTID'], ['FORCE'], ['RETRYCOUNT', n], ['LASTID', id()]])],
    ['XAUTOCLAIM', k, g, c, '0', pick(['0', id()]), 'COUNT', String(1 + Math.floor(next() * 3)), ...pick([[], ['JUSTID']])],
    ['XDEL', k, id(), id()],
    ['XTRIM', k, pick(['MAXLEN', 'MINID']), pick([n, id()])],
    ['XINFO', 'GROUPS', k],
    ['XINFO', 'CONSUMERS', k, g],
    ['XRANGE', k, '-', '+'],
  ])
}

describe.skipIf(!hasRedisServer)('random consumer-group commands, against redis-server 7.0', () => {
  let real: RealRedis
  let redis: RedisScripting
  // the describe block is skipped without a redis-server: real is there
  bothSides((s) => {
    real = s.real as RealRedis
    redis = s.redis
  })

  for (const seed of [11, 12, 13, 14]) {
    it(`seed ${seed}: 400 commands answer alike`, async () => {
      await real.client.call('FLUSHALL')
      await redis.command(['FLUSHALL'])
      const next = rng(seed)
      for (let step = 1; step <= 400; step++) {
        const argv = randomCommand(next, step)
        const fix = argv[0] === 'XPENDING' && argv.length > 3 ? pendingRows : argv[1] === 'CONSUMERS' ? consumerRows : (x: Normal) => x
        const want = fix(await onReal(real.client, argv))
        const got = fix(await onPolyhost(redis, argv))
        expect([step, argv, got]).toEqual([step, argv, want])
      }
    })
  }
})

describe.skipIf(!hasRedisServer)("XINFO STREAM's radix tree through random additions and deletions, against redis-server 7.0", () => {
  let real: RealRedis
  let redis: RedisScripting
  // the describe block is skipped without a redis-server: real is there
  bothSides((s) => {
    real = s.real as RealRedis
    redis = s.redis
  })

  for (const seed of [21, 22, 23]) {
    it(`seed ${seed}: one-entry nodes under IDs apart by 1 to 2^40, XDEL and MINID trims`, async () => {
      await real.client.call('FLUSHALL')
      await redis.command(['FLUSHALL'])
      const next = rng(seed)
      const big = 'x'.repeat(3000)
      const ids: string[] = []
      let ms = 0n
      for (let step = 1; step <= 150; step++) {
        const r = next()
        let argv: string[]
        if (r < 0.6 || ids.length === 0) {
          ms += [1n, 200n, 256n, 65_536n, 1n << 24n, 1n << 32n, 1n << 40n][Math.floor(next() * 7)] as bigint
          const id = `${ms}-${Math.floor(next() * 300)}`
          ids.push(id)
          argv = ['XADD', 's', id, 'f', big]
        } else if (r < 0.9) argv = ['XDEL', 's', ids[Math.floor(next() * ids.length)] as string]
        else argv = ['XTRIM', 's', 'MINID', ids[Math.floor(next() * ids.length)] as string]
        expect(await onPolyhost(redis, argv)).toEqual(await onReal(real.client, argv))
        const info = ['XINFO', 'STREAM', 's']
        expect([step, argv[0], await onPolyhost(redis, info)]).toEqual([step, argv[0], await onReal(real.client, info)])
      }
    })
  }
})
