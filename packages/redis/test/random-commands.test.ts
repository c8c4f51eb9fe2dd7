import { writeFileSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ErrorReply, type RedisScripting, type Reply, StatusReply, textOrBytes } from '../src/index.js'
import { bothSides, type Sides } from './both-sides.js'
import type { Normal } from './differential.js'
import { type Resp, RespClient } from './resp-client.js'
import { PCALL_ALL, pcallArgs, randomSequences, type Step, type Summary } from './random-commands.js'
import { randomScripts } from './random-scripts.js'
import { hasRedisServer, type RealRedis } from './real-redis.js'

// Seeded random command sequences run on redis-server 7.0 and here, every reply compared:
// each sequence as plain commands, then (on a fresh keyspace) inside one EVAL through
// redis.pcall, then each command in an EVAL of its own through redis.call (script errors).

const SEQUENCES = Number(process.env.RFUZZ_SEQUENCES ?? 250)
const LENGTH = Number(process.env.RFUZZ_LENGTH ?? 14)
const SEED = Number(process.env.RFUZZ_SEED ?? 20261207)
const SCRIPTS = Number(process.env.RFUZZ_SCRIPTS ?? 400)
const LEX_UNDEFINED = `if redis.call('TYPE', KEYS[1]).ok ~= 'zset' or redis.call('OBJECT', 'ENCODING', KEYS[1]) ~= 'skiplist' then return 0 end
local lo, hi = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES'), redis.call('ZRANGE', KEYS[1], -1, -1, 'WITHSCORES')
return lo[2] == hi[2] and 0 or 1`
const CALL_ONE = 'return redis.call(unpack(ARGV))'

describe.runIf(hasRedisServer)('seeded random command sequences, against redis-server 7.0', () => {
  let sides: Sides
  // replies as the wire has them (ioredis's numbers lose an integer's digits past 2^53)
  let exact: RespClient
  bothSides((s) => {
    sides = s
  })
  beforeAll(async () => {
    exact = await RespClient.open((sides.real as RealRedis).port)
  })
  afterAll(() => exact?.close())
  /**
   * Whether Redis's answer to a lex range command is its skiplist's chance: on a sorted set of
   * different scores, a lex range is undefined, and a skiplist's walk follows its random levels.
   */
  const lexUndefined = async (argv: readonly string[]): Promise<boolean> => {
    const name = (argv[0] as string).toUpperCase()
    const lex = /LEX/.test(name) || argv.some((a) => a.toUpperCase() === 'BYLEX')
    if (!lex) return false
    const key = (name === 'ZRANGESTORE' ? argv[2] : argv[1]) as string
    const r = await exact.call(['EVAL', LEX_UNDEFINED, '1', key])
    return typeof r === 'object' && r !== null && 'int' in r && r.int === '1'
  }
  const onReal = async (_: unknown, argv: readonly string[]): Promise<Normal> => fromReal(await exact.call(argv))
  const onPolyhost = async (redis: RedisScripting, argv: readonly string[]): Promise<Normal> => {
    try {
      return fromPolyhost(await redis.reply(argv))
    } catch (e) {
      return { error: `thrown: ${(e as Error).message}` }
    }
  }

  it(`answers ${SEQUENCES} sequences of ${LENGTH} commands as redis-server does`, { timeout: 600_000 }, async () => {
    const real = (sides.real as RealRedis).client
    const redis = sides.redis
    const differences: string[] = []
    let compared = 0
    const gen = randomSequences(SEED)
    const flush = async () => {
      await real.call('FLUSHALL')
      await real.call('SELECT', '0')
      // the sequences' own connection too: a sequence may SELECT another database
      await exact.call(['SELECT', '0'])
      await redis.command(['SELECT', '0'])
      await redis.command(['FLUSHALL'])
    }
    const note = (mode: string, steps: readonly Step[], at: number, want: Normal, got: Normal) =>
      differences.push(
        `${mode} step ${at}: ${JSON.stringify(steps[at]?.argv)}\n   before: ${JSON.stringify(steps.slice(0, at).map((s) => s.argv))}\n   redis-server: ${JSON.stringify(want)}\n   polyhost:     ${JSON.stringify(got)}`,
      )
    for (let n = 0; n < SEQUENCES; n++) {
      let steps = gen.sequence(LENGTH)
      await flush()
      for (const [i, s] of steps.entries()) {
        if (await lexUndefined(s.argv)) {
          // the rest of the sequence could differ by chance: compared up to here only
          steps = steps.slice(0, i)
          break
        }
        const want = await onReal(real, s.argv)
        const got = await onPolyhost(redis, s.argv)
        compared++
        if (!same(want, got, s.random)) note('commands', steps, i, want, got)
      }
      // in one script, with RESP2 replies, then with RESP3's (maps, sets, doubles as Lua sees them)
      for (const [mode, source] of [
        ['pcall', PCALL_ALL],
        ['pcall resp3', `redis.setresp(3) ${PCALL_ALL}`],
      ] as const) {
        await flush()
        const script = ['EVAL', source, '0', ...pcallArgs(steps)]
        const want = await onReal(real, script)
        const got = await onPolyhost(redis, script)
        compared++
        if (!Array.isArray(want) || !Array.isArray(got) || want.length !== got.length) note(mode, steps, 0, want, got)
        else
          for (const [i, s] of steps.entries())
            if (!same(want[i] as Normal, got[i] as Normal, s.random, mode === 'pcall resp3' && isXinfo(s)))
              note(mode, steps, i, want[i] as Normal, got[i] as Normal)
      }
      await flush()
      for (const [i, s] of steps.entries()) {
        const argv = ['EVAL', CALL_ONE, '0', ...s.argv]
        const want = await onReal(real, argv)
        const got = await onPolyhost(redis, argv)
        compared++
        if (!same(want, got, s.random)) note('call', steps, i, want, got)
      }
    }
    console.log(`random commands: ${SEQUENCES} sequences, ${compared} replies compared, ${differences.length} differences`)
    // every difference, for a long run's triage
    if (process.env.RFUZZ_OUT) writeFileSync(process.env.RFUZZ_OUT, differences.join('\n'))
    expect(differences.slice(0, 30).join('\n')).toBe('')
  })

  it('answers integers past 2^53 from Lua numbers with their exact digits', async () => {
    // (long long) of the double: 2^63 - 1024 is 9223372036854774784, which a JS number prints as ...800
    const sources = [
      'return 2^63 - 1024',
      'return {-2^63, 2^63, 1e20, 0/0, 2^53 + 2, -(2^62 + 1024), 123456789012345678}',
      "return redis.call('INCRBY', 'n', '9223372036854775807')",
      "return {redis.call('INCRBY', 'm', '-9223372036854775807')}",
    ]
    for (const src of sources) {
      const argv = ['EVAL', src, '0']
      expect(await onPolyhost(sides.redis, argv), src).toEqual(await onReal(undefined, argv))
    }
  })

  it(`answers ${SCRIPTS} random scripts' values as redis-server does`, { timeout: 600_000 }, async () => {
    const real = (sides.real as RealRedis).client
    const gen = randomScripts(SEED)
    const differences: string[] = []
    for (let n = 0; n < SCRIPTS; n++) {
      const argv = ['EVAL', gen.script(), '0']
      const want = await onReal(real, argv)
      const got = await onPolyhost(sides.redis, argv)
      if (process.env.RFUZZ_SHOW && n < 40) console.log(argv[1], JSON.stringify(want))
      if (JSON.stringify(want) !== JSON.stringify(got))
        differences.push(`${argv[1]}\n   redis-server: ${JSON.stringify(want)}\n   polyhost:     ${JSON.stringify(got)}`)
    }
    console.log(`random scripts: ${SCRIPTS} compared, ${differences.length} differences`)
    expect(differences.slice(0, 30).join('\n')).toBe('')
  })
})

/** A wire reply: bulk as text (or hex), integers as `#digits`, status as `+text`. */
function fromReal(v: Resp): Normal {
  if (v === null) return null
  if (Buffer.isBuffer(v)) return bytes(v)
  if (Array.isArray(v)) return v.map(fromReal)
  if ('int' in v) return `#${v.int}`
  if ('status' in v) return `+${v.status}`
  return { error: v.error }
}

/** A reply of `reply()` in `fromReal`'s form. */
function fromPolyhost(v: Reply): Normal {
  if (v === null) return null
  if (typeof v === 'number' || typeof v === 'bigint') return `#${v}`
  if (Buffer.isBuffer(v)) return bytes(v)
  if (v instanceof StatusReply) return `+${v.status}`
  if (v instanceof ErrorReply) return { error: v.message }
  if (Array.isArray(v)) return v.map(fromPolyhost)
  return { error: `unexpected reply ${String(v)}` }
}

function bytes(b: Buffer): Normal {
  const t = textOrBytes(b)
  return typeof t === 'string' ? t : { hex: t.toString('hex') }
}

/** Whether two replies agree, through `summary` where Redis answers at random. */
function same(want: Normal, got: Normal, summary: Summary | undefined, maps = false): boolean {
  // a RESP3 map reaches Lua as a table: its pairs come back in Lua's table order (see README)
  if (maps) return same(mapsSorted(want), mapsSorted(got), summary)
  const [w, g] = [Number(String(want).slice(1)), Number(String(got).slice(1))]
  if (summary === 'time' && typeof want === 'string' && typeof got === 'string' && w >= 0 && g >= 0) {
    // TTL in seconds, PTTL in ms, EXPIRETIME in s or ms: the two sides ran at different times
    return Math.abs(w - g) <= (w > 1e6 ? 3000 : 3)
  }
  if (summary === 'idle') return near(want, got)
  if (summary === 'scan') return JSON.stringify(scanSummary(want)) === JSON.stringify(scanSummary(got))
  if (summary === 'dump') return JSON.stringify(dumpSummary(want)) === JSON.stringify(dumpSummary(got))
  return JSON.stringify(summarise(want, summary)) === JSON.stringify(summarise(got, summary))
}

/** Whether a step is XINFO, whose replies are maps in RESP3. */
function isXinfo(s: Step): boolean {
  return (s.argv[0] as string).toUpperCase() === 'XINFO'
}

/** XINFO's maps (flat arrays of lower-case names and values), their pairs sorted by name, at every depth. */
function mapsSorted(v: Normal): Normal {
  if (!Array.isArray(v)) return v
  const inner = v.map(mapsSorted)
  const isMap =
    inner.length > 0 && inner.length % 2 === 0 && inner.every((x, i) => i % 2 === 1 || (typeof x === 'string' && /^[a-z][a-z-]+$/.test(x)))
  if (!isMap) return inner
  const pairs: [string, Normal][] = []
  for (let i = 0; i < inner.length; i += 2) pairs.push([inner[i] as string, inner[i + 1] as Normal])
  return pairs.sort((a, b) => (a[0] < b[0] ? -1 : 1)).flat()
}

/** Equal, but for integers within 5 s of each other (idle and delivery times in ms). */
function near(want: Normal, got: Normal): boolean {
  if (Array.isArray(want) && Array.isArray(got)) return want.length === got.length && want.every((w, i) => near(w, got[i] as Normal))
  if (typeof want === 'string' && typeof got === 'string' && /^#-?\d+$/.test(want) && /^#-?\d+$/.test(got))
    return Math.abs(Number(want.slice(1)) - Number(got.slice(1))) <= 5000
  return JSON.stringify(want) === JSON.stringify(got)
}

/** A SCAN reply with its keys sorted. */
function scanSummary(v: Normal): Normal {
  return Array.isArray(v) && Array.isArray(v[1]) ? [v[0] as Normal, [...v[1]].sort()] : v
}

/** A DUMP payload, or its size where its order or times are the server's (see `Summary`). */
function dumpSummary(v: Normal): Normal {
  const b =
    typeof v === 'string' ? Buffer.from(v) : v !== null && typeof v === 'object' && 'hex' in v ? Buffer.from(v.hex, 'hex') : undefined
  // RDB types: 2 a hash table's set, 4 a hash table's hash, 15 and 19 streams
  return b !== undefined && [2, 4, 15, 19].includes(b[0] as number) ? b.length : v
}

function summarise(v: Normal, summary: Summary | undefined): Normal {
  if (summary === 'size') {
    if (Array.isArray(v)) return v.length
    if (v === null || (typeof v === 'object' && 'error' in v)) return v
    return String(v).startsWith('#') ? 'integer' : 'bulk'
  }
  if (!Array.isArray(v) || summary === undefined || summary === 'time') return v
  const key = (x: Normal) => JSON.stringify(x)
  if (summary === 'sorted') return [...v].sort((a, b) => (key(a) < key(b) ? -1 : 1))
  const pairs: Normal[] = []
  for (let i = 0; i < v.length; i += 2) pairs.push([v[i] as Normal, v[i + 1] as Normal])
  return pairs.sort((a, b) => (key(a) < key(b) ? -1 : 1))
}
