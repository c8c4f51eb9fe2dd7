import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createRedisScripting, MEMORY_COMMANDS, memoryStore, type RedisScripting } from '../src/index.js'
import { Keyspace } from '../src/store/keyspace.js'
import { elementBytes, entryBytes, OVERHEAD } from '../src/store/store-usage.js'
import { GROUP_OVERHEAD } from '../src/store/stream-group.js'
import { onPolyhost, onReal } from './differential.js'
import { hasRedisServer, type RealRedis, startRedis } from './real-redis.js'

/** A small deterministic generator, so a failure replays. */
function rng(seed: number): () => number {
  let s = seed >>> 0
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0
    return s / 2 ** 32
  }
}

/** What the streams hold, groups, consumers and pending entries included, counted from their contents. */
function recount(ks: Keyspace): number {
  let n = 0
  for (const key of ks.keys()) {
    const v = ks.get(key)
    if (v?.type !== 'stream') throw new Error(`${key} is no stream`)
    let bytes = 0
    for (const e of v.value.entries) bytes += OVERHEAD.stream + e.fields.reduce((s, f) => s + elementBytes('field', f.length), 0)
    for (const g of v.value.groups?.values() ?? []) {
      bytes += GROUP_OVERHEAD.group + g.name.length + g.pel.size * GROUP_OVERHEAD.nack
      let pending = 0
      for (const c of g.consumers.values()) {
        bytes += GROUP_OVERHEAD.consumer + c.name.length
        pending += c.pel.size
        for (const [id, nack] of c.pel.from()) if (g.pel.get(id) !== nack || nack.consumer !== c) throw new Error('PELs disagree')
      }
      if (pending !== g.pel.size) throw new Error(`consumers hold ${pending} pending entries, the group ${g.pel.size}`)
    }
    n += entryBytes(key, bytes)
  }
  return n
}

function randomGroupCommand(next: () => number, step: number): string[] {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)] as T
  const k = pick(['s', 't', 'c'])
  const g = pick(['g', 'h', 'long-group-name'])
  const c = pick(['a', 'b', `c${Math.floor(next() * 20)}`])
  const id = `${1 + Math.floor(next() * step)}-0`
  return pick([
    ['XADD', k, '*', 'f', 'v'.repeat(Math.floor(next() * 30))],
    ['XADD', k, 'MAXLEN', '5', '*', 'f', 'v'],
    ['XGROUP', 'CREATE', k, g, pick(['0', '$']), 'MKSTREAM'],
    ['XGROUP', 'DESTROY', k, g],
    ['XGROUP', 'SETID', k, g, '0'],
    ['XGROUP', 'CREATECONSUMER', k, g, c],
    ['XGROUP', 'DELCONSUMER', k, g, c],
    ['XREADGROUP', 'GROUP', g, c, 'COUNT', '3', 'STREAMS', k, pick(['>', '0'])],
    ['XREADGROUP', 'GROUP', g, c, 'NOACK', 'STREAMS', k, '>'],
    ['XACK', k, g, id, `${step}-0`],
    ['XCLAIM', k, g, c, '0', id, pick(['FORCE', 'JUSTID'])],
    ['XAUTOCLAIM', k, g, c, '0', '0', 'COUNT', '4'],
    ['XDEL', k, id],
    ['XTRIM', k, 'MAXLEN', '2'],
    ['COPY', k, pick(['s', 't', 'c']), 'REPLACE'],
    ['RENAME', k, pick(['s', 't', 'c'])],
    ['DEL', k],
  ])
}

describe('what the store counts of consumer groups', () => {
  it('follows every change: the running count equals a recount after each of 4,000 random group commands', () => {
    for (const seed of [1, 2]) {
      const next = rng(seed)
      let now = 1_700_000_000_000
      const ks = new Keyspace(() => now)
      for (let step = 1; step <= 2000; step++) {
        const argv = randomGroupCommand(next, step)
        const spec = MEMORY_COMMANDS.get((argv[0] as string).toLowerCase())
        if (!spec) throw new Error(`no command ${argv[0]}`)
        now += 1
        ks.now = now
        ks.time = now
        try {
          spec.run(
            ks,
            argv.slice(1).map((x) => Buffer.from(x, 'latin1')),
          )
        } catch {
          // NOGROUP and argument errors: the count must hold after them too
        }
        ks.settle()
        const counted = ks.usedBytes
        const fresh = recount(ks)
        if (counted !== fresh) throw new Error(`seed ${seed} step ${step} ${argv.join(' ')}: counted ${counted}, holds ${fresh}`)
      }
    }
  })
})

describe('a script adding consumers without end', () => {
  let redis: RedisScripting
  beforeAll(async () => {
    redis = await createRedisScripting({ store: memoryStore({ maxBytes: 256 * 1024 }), limits: { timeoutMs: 60_000 } })
  })
  afterAll(() => redis?.close())

  it('is refused past maxBytes (XREADGROUP with a new consumer name each time)', async () => {
    await redis.command(['XADD', 's', '1-1', 'f', 'v'])
    await redis.command(['XGROUP', 'CREATE', 's', 'g', '0'])
    const grow =
      "for i = 1, 100000 do local r = redis.pcall('XREADGROUP', 'GROUP', 'g', 'consumer-' .. i, 'STREAMS', 's', '0') if r.err then return {i, r.err} end end return 'never refused'"
    const [i, err] = (await redis.command(['EVAL', grow, '0'])) as [number, string]
    expect(err).toMatch(/^OOM command not allowed when used memory > 'maxmemory'\./)
    // 256 KiB at ~400 bytes a consumer
    expect(i).toBeGreaterThan(500)
    expect(i).toBeLessThan(700)
    // what frees memory runs, and then the group grows again
    expect(await redis.command(['XGROUP', 'DESTROY', 's', 'g'])).toBe(1)
    expect(await redis.command(['XGROUP', 'CREATE', 's', 'g', '0'])).toBe('OK')
    expect(await redis.command(['XREADGROUP', 'GROUP', 'g', 'a', 'STREAMS', 's', '>'])).toEqual([['s', [['1-1', ['f', 'v']]]]])
  })
})

describe.skipIf(!hasRedisServer)('consumer groups past maxmemory, against redis-server 7.0', () => {
  let real: RealRedis
  let redis: RedisScripting
  beforeAll(async () => {
    real = await startRedis()
    redis = await createRedisScripting({ store: memoryStore({ maxBytes: 8000 }) })
  })
  afterAll(async () => {
    await redis?.close()
    await real?.stop()
  })

  it('XGROUP CREATE and CREATECONSUMER are refused as Redis refuses denyoom commands; the others run', async () => {
    const setup = [
      ['XADD', 's', '1-1', 'f', 'v'],
      ['XADD', 's', '1-2', 'f', 'v'],
      ['XGROUP', 'CREATE', 's', 'g', '0'],
      ['XREADGROUP', 'GROUP', 'g', 'a', 'COUNT', '1', 'STREAMS', 's', '>'],
      // over the bound from here on, on both sides
      ['XADD', 's', '1-3', 'big', 'x'.repeat(10000)],
    ]
    for (const argv of setup) expect(await onPolyhost(redis, argv)).toEqual(await onReal(real.client, argv))
    await real.client.call('CONFIG', 'SET', 'maxmemory', '1')
    try {
      const cases = [
        ['XGROUP', 'CREATE', 's', 'g2', '0'],
        ['XGROUP', 'CREATE', 's', 'g2', '0', 'MKSTREAM'],
        ['XGROUP', 'CREATECONSUMER', 's', 'g', 'b'],
        ['EVAL', "return redis.pcall('XGROUP', 'CREATECONSUMER', KEYS[1], 'g', 'b')", '1', 's'],
        ['XGROUP', 'SETID', 's', 'g', '0'],
        ['XGROUP', 'HELP'],
        ['XPENDING', 's', 'g'],
        ['XINFO', 'GROUPS', 's'],
        ['XACK', 's', 'g', '1-1'],
        ['XGROUP', 'DELCONSUMER', 's', 'g', 'a'],
        ['XGROUP', 'DESTROY', 's', 'g'],
      ]
      for (const argv of cases) expect([argv, await onPolyhost(redis, argv)]).toEqual([argv, await onReal(real.client, argv)])
    } finally {
      await real.client.call('CONFIG', 'SET', 'maxmemory', '0')
    }
  })

  it('deviation: XREADGROUP, XCLAIM and XAUTOCLAIM are refused past the bound, where Redis runs them', async () => {
    await redis.command(['XGROUP', 'CREATE', 's', 'g', '0']).catch(() => undefined)
    await real.client.call('XGROUP', 'CREATE', 's', 'g', '0')
    await real.client.call('CONFIG', 'SET', 'maxmemory', '1')
    try {
      for (const argv of [
        ['XREADGROUP', 'GROUP', 'g', 'a', 'STREAMS', 's', '>'],
        ['XCLAIM', 's', 'g', 'b', '0', '1-1'],
        ['XAUTOCLAIM', 's', 'g', 'b', '0', '0'],
      ]) {
        expect(await onPolyhost(redis, argv)).toEqual({ error: "OOM command not allowed when used memory > 'maxmemory'." })
        expect(Array.isArray(await onReal(real.client, argv))).toBe(true)
      }
    } finally {
      await real.client.call('CONFIG', 'SET', 'maxmemory', '0')
    }
  })
})

describe('pending-entry indexes', () => {
  it('stay within twice their live entries through a consumer that reads and acknowledges without end', () => {
    let now = 1_700_000_000_000
    const ks = new Keyspace(() => now)
    const run = (...argv: string[]) => {
      now++
      ks.time = now
      ks.now = now
      const spec = MEMORY_COMMANDS.get((argv[0] as string).toLowerCase())
      spec?.run(
        ks,
        argv.slice(1).map((x) => Buffer.from(x)),
      )
      ks.settle()
    }
    run('XGROUP', 'CREATE', 's', 'g', '0', 'MKSTREAM')
    for (let i = 1; i <= 5000; i++) {
      run('XADD', 's', 'MAXLEN', '10', `${i}-1`, 'f', 'v')
      run('XREADGROUP', 'GROUP', 'g', 'c', 'STREAMS', 's', '>')
      if (i % 3 !== 0) run('XACK', 's', 'g', `${i}-1`)
    }
    const g = ks.read('s', 'stream')?.groups?.get('g')
    const held = (index: unknown) => (index as { ids: unknown[] }).ids.length
    const live = g?.pel.size ?? 0
    expect(live).toBe(1666)
    expect(held(g?.pel)).toBeLessThanOrEqual(2 * live + 17)
    expect(held(g?.consumers.get('c')?.pel)).toBeLessThanOrEqual(2 * live + 17)
  })
})
