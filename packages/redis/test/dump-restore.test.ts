import { randomBytes } from 'node:crypto'
import { seededRandom } from '@polyhost/core/engine'
import { describe, expect, it } from 'vitest'
import { bothSides, type Sides } from './both-sides.js'
import { content, damaged, seedPayloads, withFooter } from './dump-content.js'
import { type CorpusArg, onPolyhost, onReal } from './differential.js'
import { hasRedisServer } from './real-redis.js'

// DUMP and RESTORE against redis-server 7.0: the same commands build a key on both sides, whose
// DUMP payloads must be the same bytes; where Redis's bytes follow its hash table's order
// (table-encoded sets and hashes) each side RESTOREs the other's payload and the contents are
// compared. RESTORE's errors and options are compared reply by reply.

type Cmd = readonly CorpusArg[]
const hex = (b: Buffer): CorpusArg => ({ hex: b.toString('hex') })
const n = (count: number, f: (i: number) => string): string[] => Array.from({ length: count }, (_, i) => f(i))
const pairs = (count: number, f: (i: number) => [string, string]): string[] => Array.from({ length: count }, (_, i) => f(i)).flat()
/** Keys built the same way on both sides whose DUMP must be byte-identical. */
const EXACT: readonly (readonly [string, readonly Cmd[]])[] = [
  ...[
    '0',
    '1',
    '-1',
    '127',
    '128',
    '-128',
    '-129',
    '32767',
    '32768',
    '-32769',
    '2147483647',
    '2147483648',
    '-2147483648',
    '12345678901',
    '123456789012',
    '9223372036854775807',
    '007',
    '+1',
    ' 1',
    '1.5',
    'abc',
    '',
  ].map((v) => [`string ${JSON.stringify(v)}`, [['SET', 'k', v]]] as const),
  ['string compressible', [['SET', 'k', 'abc'.repeat(40)]]],
  ['string 21 bytes', [['SET', 'k', 'a'.repeat(21)]]],
  ['string random bytes', [['SET', 'k', hex(randomBytes(200))]]],
  ['string long', [['SET', 'k', n(3000, (i) => String(i % 97)).join(',')]]],
  [
    'string INCR',
    [
      ['SET', 'k', '5'],
      ['INCRBY', 'k', '100000'],
    ],
  ],
  [
    'string APPEND',
    [
      ['SET', 'k', '12'],
      ['APPEND', 'k', '3'],
    ],
  ],
  [
    'string INCRBYFLOAT',
    [
      ['SET', 'k', '1.5'],
      ['INCRBYFLOAT', 'k', '0.25'],
    ],
  ],
  [
    'list small',
    [
      [
        'RPUSH',
        'k',
        'a',
        '1',
        '-1',
        '127',
        '128',
        '-4096',
        '4095',
        '4096',
        '-4097',
        '32767',
        '-32768',
        '32768',
        '8388607',
        '8388608',
        '-8388609',
        '2147483647',
        '2147483648',
        '9223372036854775807',
        '-9223372036854775808',
        '9223372036854775808',
        '',
        '01',
      ],
    ],
  ],
  [
    'list LPUSH small',
    [
      ['LPUSH', 'k', 'a', 'b', 'c'],
      ['RPUSH', 'k', 'd'],
    ],
  ],
  [
    'list element lengths',
    [['RPUSH', 'k', 'x'.repeat(63), 'x'.repeat(64), 'y'.repeat(127), 'y'.repeat(128), 'z'.repeat(300), 'w'.repeat(4095), 'v'.repeat(4096)]],
  ],
  ['list many nodes', [['RPUSH', 'k', ...n(3000, (i) => `element-${i}`)]]],
  ['list large elements', [['RPUSH', 'k', ...n(6, (i) => String(i).repeat(5000))]]],
  [
    'list after pops',
    [
      ['RPUSH', 'k', ...n(20, String)],
      ['LPOP', 'k', '3'],
      ['RPOP', 'k'],
      ['LSET', 'k', '2', 'hello'],
    ],
  ],
  ['set intset 16', [['SADD', 'k', '5', '-3', '100', '32767', '-32768']]],
  ['set intset 32', [['SADD', 'k', '5', '70000', '-2']]],
  ['set intset 64', [['SADD', 'k', '1', '-9223372036854775808', '9223372036854775807', '4294967296']]],
  // an intset stays as wide as its widest member ever needed
  [
    'set intset shrunk',
    [
      ['SADD', 'k', '1', '70000', '-3'],
      ['SREM', 'k', '70000'],
    ],
  ],
  [
    'set intset shrunk from 64 bits',
    [
      ['SADD', 'k', '1', '4294967296'],
      ['SREM', 'k', '4294967296'],
      ['SADD', 'k', '5'],
    ],
  ],
  [
    'set intset shrunk, then copied',
    [
      ['SADD', 't', '1', '70000'],
      ['SMOVE', 't', 'u', '70000'],
      ['COPY', 't', 'k'],
    ],
  ],
  [
    'hash listpack',
    [
      ['HSET', 'k', 'f', 'v', 'n', '12', 'neg', '-5000', 'big', '12345678901234'],
      ['HSET', 'k', 'f', 'v2'],
      ['HDEL', 'k', 'n'],
      ['HSET', 'k', 'n', '1'],
    ],
  ],
  [
    'zset listpack',
    [
      [
        'ZADD',
        'k',
        '1',
        'a',
        '2.5',
        'b',
        '-3',
        'c',
        'inf',
        'd',
        '-inf',
        'e',
        '0.1',
        'f',
        '1e300',
        'g',
        '-0',
        'h',
        '4503599627370496',
        'i',
        '12',
        '13',
      ],
    ],
  ],
  // d2string writes an integral score within ±2^62 as an integer (double2ll), which the
  // listpack then stores as one: 1e17 is an int64 entry, not the text 1e+17
  [
    'zset listpack integral scores past 2^52',
    [
      [
        'ZADD',
        'k',
        '1e17',
        'a',
        '4e18',
        'b',
        '-4e18',
        'c',
        '4611686018427387904',
        'd',
        '-4611686018427387904',
        'e',
        '4611686018427387392',
        'f',
        '5e18',
        'g',
        '9007199254740993',
        'h',
        '1e16',
        'i',
      ],
    ],
  ],
  ['zset skiplist', [['ZADD', 'k', ...pairs(150, (i) => [String(i / 7), `m${i % 3}-${i}`])]]],
  ['zset skiplist long member', [['ZADD', 'k', '1', 'x'.repeat(70), '2', 'b', '-0', 'z']]],
]

/** Keys whose payload follows Redis's hash table: compared by content after RESTORE. */
const BY_CONTENT: readonly (readonly [string, readonly Cmd[]])[] = [
  ['set hashtable', [['SADD', 'k', 'a', 'b', '1', 'ccc'.repeat(30)]]],
  ['set past intset', [['SADD', 'k', ...n(600, String)]]],
  ['hash hashtable', [['HSET', 'k', 'f', 'x'.repeat(65), 'g', '1']]],
  ['hash many fields', [['HSET', 'k', ...pairs(600, (i) => [`f${i}`, String(i * 3)])]]],
]

describe.runIf(hasRedisServer)('DUMP and RESTORE of keys, against redis-server 7.0', () => {
  let sides: Sides
  bothSides((s) => {
    sides = s
  })
  const real = (argv: Cmd) => onReal(sides.real!.client, argv)
  const poly = (argv: Cmd) => onPolyhost(sides.redis, argv)
  const build = async (cmds: readonly Cmd[]) => {
    for (const argv of [['FLUSHALL'], ...cmds] as Cmd[])
      expect(await poly(argv), JSON.stringify(argv).slice(0, 100)).toEqual(await real(argv))
  }
  const dumps = async (key: string): Promise<[Buffer, Buffer]> => [
    (await sides.real!.client.callBuffer('DUMP', key)) as Buffer,
    (await sides.redis.reply(['DUMP', key])) as Buffer,
  ]

  it.each(EXACT)('DUMP of %s is redis-server’s bytes, and each side restores the other’s', async (_, cmds) => {
    await build(cmds)
    const [want, got] = await dumps('k')
    expect(got.toString('hex')).toBe(want.toString('hex'))
    expect(await poly(['RESTORE', 'r', '0', hex(want)])).toBe('OK')
    expect(await real(['RESTORE', 'r', '0', hex(want)])).toBe('OK')
    expect(await content(poly, 'r')).toEqual(await content(real, 'r'))
  })

  it('an intset restored wider than its members need stays that wide, as in redis-server', async () => {
    await build([])
    const wide = Buffer.alloc(8 + 2 * 8)
    wide.writeUInt32LE(8, 0)
    wide.writeUInt32LE(2, 4)
    wide.writeBigInt64LE(-5n, 8)
    wide.writeBigInt64LE(7n, 16)
    const payload = withFooter(Buffer.concat([Buffer.of(11, wide.length), wide]))
    expect(await poly(['RESTORE', 'k', '0', hex(payload)])).toBe(await real(['RESTORE', 'k', '0', hex(payload)]))
    expect(await poly(['SADD', 'k', '9'])).toBe(await real(['SADD', 'k', '9']))
    const [want, got] = await dumps('k')
    expect(got.toString('hex')).toBe(want.toString('hex'))
  })

  it.each(BY_CONTENT)('DUMP of %s restores as redis-server’s does, both ways', async (_, cmds) => {
    await build(cmds)
    const [want, got] = await dumps('k')
    expect(await poly(['RESTORE', 'r', '0', hex(want)])).toBe('OK')
    expect(await real(['RESTORE', 'r', '0', hex(got)])).toBe('OK')
    const expected = await content(real, 'k')
    expect(await content(poly, 'r')).toEqual(expected)
    expect(await content(real, 'r')).toEqual(expected)
    expect(got.length).toBe(want.length)
  })

  it('answers DUMP of a missing key with nil, and RESTORE’s errors in Redis’s order', async () => {
    const start = Date.now()
    await build([
      ['SET', 'k', 'v'],
      ['RPUSH', 'l', 'a'],
    ])
    const [payload] = await dumps('k')
    const bad = Buffer.from(payload)
    bad[1] = (bad[1] as number) ^ 1
    const future = Buffer.from(payload)
    future[future.length - 10] = 11
    const cases: Cmd[] = [
      ['DUMP', 'missing'],
      ['RESTORE', 'k', '0', hex(payload)],
      ['RESTORE', 'k', '-1', hex(payload)],
      ['RESTORE', 'n', '-1', hex(payload)],
      ['RESTORE', 'n', 'x', hex(payload)],
      ['RESTORE', 'n', '0', hex(bad)],
      ['RESTORE', 'n', '0', hex(future)],
      ['RESTORE', 'n', '0', 'short'],
      ['RESTORE', 'n', '0', hex(withFooter(Buffer.of(0, 5, 0x61)))],
      ['RESTORE', 'n', '0', hex(withFooter(Buffer.of(8, 1, 0x61)))],
      ['RESTORE', 'n', '0', hex(withFooter(Buffer.of(2, 0)))],
      ['RESTORE', 'n', '0', hex(withFooter(Buffer.of(2, 2, 1, 0x61, 1, 0x61)))],
      ['RESTORE', 'n', '0', hex(withFooter(Buffer.of(18, 1, 3, 1, 0x61)))],
      ['RESTORE', 'n', '0', hex(payload), 'BOGUS'],
      ['RESTORE', 'n', '0', hex(payload), 'IDLETIME'],
      ['RESTORE', 'n', '0', hex(payload), 'IDLETIME', '-1'],
      ['RESTORE', 'n', '0', hex(payload), 'IDLETIME', 'x'],
      ['RESTORE', 'n', '0', hex(payload), 'FREQ', '256'],
      ['RESTORE', 'n', '0', hex(payload), 'FREQ', '-1'],
      ['RESTORE', 'n', '0', hex(payload), 'FREQ', '5', 'IDLETIME', '5'],
      ['RESTORE', 'n', '0', hex(payload), 'IDLETIME', '5', 'FREQ', '5'],
      ['RESTORE', 'k', '-1', 'junk', 'REPLACE', 'BOGUS'],
      ['RESTORE', 'k', '-5', hex(bad), 'REPLACE'],
      ['RESTORE', 'k', '0', hex(bad), 'REPLACE'],
      ['RESTORE', 'k', '0', hex(payload), 'REPLACE', 'ABSTTL', 'FREQ', '200'],
      ['GET', 'k'],
      ['RESTORE', 'k', '1', hex(payload), 'REPLACE', 'ABSTTL'],
      ['EXISTS', 'k'],
      ['RESTORE', 'l', '100000', hex(payload), 'replace', 'idletime', '100'],
      ['TYPE', 'l'],
      ['EXISTS', 'l'],
      ['RESTORE', 'p', '4102444800000', hex(payload), 'ABSTTL'],
      ['PEXPIRETIME', 'p'],
      ['OBJECT', 'REFCOUNT', 'p'],
      ['EVAL', "return redis.call('RESTORE', 'q', 0, ARGV[1])", '0', hex(payload)],
      ['EVAL', "return redis.pcall('RESTORE', 'q', 0, ARGV[1])", '0', hex(payload)],
      ['EVAL', "return redis.call('DUMP', 'q') == ARGV[1]", '0', hex(payload)],
      ['EVAL_RO', "return redis.pcall('RESTORE', 'z', 0, ARGV[1])", '0', hex(payload)],
      ['DUMP'],
      ['RESTORE', 'a', '0'],
    ]
    for (const argv of cases) expect(await poly(argv), JSON.stringify(argv).slice(0, 120)).toEqual(await real(argv))
    expect(await poly(['PTTL', 'l'])).toBeGreaterThan(90_000)
    // the LRU clock ticks each second on both sides: within one tick of redis-server's
    // an LRU clock of seconds on each side: 100 plus at most the seconds this test has taken
    const taken = Math.ceil((Date.now() - start) / 1000) + 1
    for (const side of [real, poly]) {
      const idle = (await side(['OBJECT', 'IDLETIME', 'l'])) as number
      expect(idle).toBeGreaterThanOrEqual(100)
      expect(idle).toBeLessThanOrEqual(100 + taken)
    }
  })

  it('answers OBJECT REFCOUNT, IDLETIME, FREQ and HELP as redis-server', async () => {
    const start = Date.now()
    await build([
      ['SET', 'i0', '0'],
      ['SET', 'i9999', '9999'],
      ['SET', 'i10000', '10000'],
      ['SET', 'neg', '-1'],
      ['SET', 's', 'text'],
      ['INCR', 'ctr'],
      ['INCRBY', 'big', '20000'],
      ['SET', 'ap', '1'],
      ['APPEND', 'ap', '2'],
      ['SET', 'fl', '1'],
      ['INCRBYFLOAT', 'fl', '1'],
      ['RPUSH', 'l', '1'],
      ['SADD', 'set', '1'],
      ['HSET', 'h', 'f', '1'],
      ['ZADD', 'z', '1', 'm'],
      ['XADD', 'x', '1-1', 'f', 'v'],
    ])
    const keys = ['i0', 'i9999', 'i10000', 'neg', 's', 'ctr', 'big', 'ap', 'fl', 'l', 'set', 'h', 'z', 'x', 'missing']
    const cases: Cmd[] = [
      ...keys.flatMap((k): Cmd[] => [
        ['OBJECT', 'REFCOUNT', k],
        ['OBJECT', 'FREQ', k],
      ]),
      ['OBJECT', 'refcount'],
      ['OBJECT', 'IDLETIME', 'a', 'b'],
      ['OBJECT', 'FREQ'],
      ['OBJECT', 'HELP'],
      ['OBJECT', 'NOPE', 'k'],
      ['EVAL', "return {redis.call('OBJECT', 'REFCOUNT', 'i0'), redis.call('OBJECT', 'ENCODING', 's')}", '0'],
      ['EVAL', "return redis.pcall('OBJECT', 'FREQ', 's')", '0'],
    ]
    for (const argv of cases) expect(await poly(argv), JSON.stringify(argv)).toEqual(await real(argv))
    for (const k of keys) {
      const [want, got] = [await real(['OBJECT', 'IDLETIME', k]), await poly(['OBJECT', 'IDLETIME', k])]
      // seconds since the key was built, on either side's clock: at most what this test has taken
      const taken = Math.ceil((Date.now() - start) / 1000) + 1
      if (want === null) expect(got).toBeNull()
      else for (const idle of [want, got] as number[]) expect(idle, k).toBeLessThanOrEqual(taken)
    }
  })

  it('accepts and refuses the same 2,000 damaged payloads as redis-server with sanitize-dump-payload yes', async () => {
    await build([])
    const payloads = await seedPayloads(sides.redis)
    await sides.real!.client.call('CONFIG', 'SET', 'sanitize-dump-payload', 'yes')
    try {
      const rnd = seededRandom(7122026)
      let accepted = 0
      for (let i = 0; i < 2000; i++) {
        const argv: Cmd = ['RESTORE', 'fuzz', '0', hex(damaged(payloads, rnd)), 'REPLACE']
        const want = await real(argv)
        expect(await poly(argv), `${i}: ${JSON.stringify(argv[3])}`).toEqual(want)
        if (want === 'OK') accepted++
      }
      expect(accepted).toBeGreaterThan(100)
    } finally {
      await sides.real!.client.call('CONFIG', 'SET', 'sanitize-dump-payload', 'no')
    }
  })
})
