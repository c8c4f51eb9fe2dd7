import { randomBytes } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createRedisScripting, memoryStore, type RedisScripting } from '../src/index.js'
import { crc64 } from '../src/scripting/function-dump.js'
import { type CorpusArg, type Normal, onPolyhost, onReal, sorted } from './differential.js'
import { hasRedisServer, type RealRedis, startRedis } from './real-redis.js'

const fn = (name: string, extra = '') => `#!lua name=${name}\n${extra}redis.register_function("${name}_f", function() return "${name}" end)`
/** Libraries whose RDB strings take each path: plain, LZF, LZF refused (random bytes), 14- and 32-bit lengths. */
const LIBRARIES = [
  "#!lua name=t\nredis.register_function('t',load'')",
  fn('a'),
  fn('rep', `-- ${'abcabcabc'.repeat(40)}\n`),
  fn('noise', `--[[${randomBytes(300).toString('base64')}]]\n`),
  fn(
    'bin',
    `-- ${Buffer.from(randomBytes(64))
      .toString('latin1')
      .replace(/[\n\r\]]/g, 'x')}\n`,
  ),
  fn('long', `--[[${Array.from({ length: 3000 }, (_, i) => `${i % 97}:${randomBytes(2).toString('hex')}`).join(' ')}]]\n`),
  fn('huge', `-- ${'x'.repeat(70_000)}\n`),
  fn('wide', `--[[${randomBytes(20_000).toString('base64')}]]\n`),
  `#!lua name=many\n${Array.from({ length: 300 }, (_, i) => `redis.register_function("g${i}", function() return ${i} end)`).join('\n')}`,
]
const hex = (b: Buffer): CorpusArg => ({ hex: b.toString('hex') })
/** A payload with this body, RDB version and a right checksum. */
const withFooter = (body: Buffer, version = 10): Buffer => {
  const head = Buffer.concat([body, Buffer.of(version & 0xff, version >> 8)])
  const crc = Buffer.alloc(8)
  crc.writeBigUInt64LE(crc64(head))
  return Buffer.concat([head, crc])
}
const str = (s: string | Buffer) => Buffer.concat([Buffer.of(Buffer.byteLength(s)), Buffer.from(s)])

describe.skipIf(!hasRedisServer)('FUNCTION DUMP and RESTORE, against redis-server 7.0', () => {
  let real: RealRedis
  let redis: RedisScripting
  const both = async (...argv: CorpusArg[]): Promise<[Normal, Normal]> => [await onReal(real.client, argv), await onPolyhost(redis, argv)]
  const same = async (...argv: CorpusArg[]): Promise<Normal> => {
    const [want, got] = await both(...argv)
    expect(got, JSON.stringify(argv).slice(0, 200)).toEqual(want)
    return got
  }
  const dumps = async (): Promise<[Buffer, Buffer]> => [
    (await real.client.callBuffer('FUNCTION', 'DUMP')) as Buffer,
    (await redis.reply(['FUNCTION', 'DUMP'])) as Buffer,
  ]
  const listed = async () => {
    const [want, got] = await both('FUNCTION', 'LIST', 'WITHCODE')
    // libraries and their functions in dictionary order on redis-server: compared as sets
    const norm = (v: Normal) => sorted(Array.isArray(v) ? v.map((lib) => (Array.isArray(lib) ? lib.map(sorted) : lib)) : v)
    expect(norm(got)).toEqual(norm(want))
  }

  beforeAll(async () => {
    real = await startRedis()
    redis = await createRedisScripting({ store: memoryStore(), limits: { timeoutMs: 20_000 } })
  })
  afterAll(async () => {
    await redis?.close()
    await real?.stop()
  })

  it('the CRC-64 is Jones as in crc64.c (its test vector)', () => {
    expect(crc64(Buffer.from('123456789')).toString(16)).toBe('e9c6d914c4b8d9ca')
  })

  it('dumps each library byte for byte as redis-server does, and each side restores the other', async () => {
    await same('FUNCTION', 'FLUSH')
    const [emptyReal, emptyHere] = await dumps()
    expect(emptyHere.toString('hex')).toBe(emptyReal.toString('hex'))
    const encodings = new Set<number>()
    for (const code of LIBRARIES) {
      await same('FUNCTION', 'FLUSH')
      await same('FUNCTION', 'LOAD', code)
      const [want, got] = await dumps()
      expect(got.toString('hex'), code.slice(0, 20)).toBe(want.toString('hex'))
      encodings.add((want[1] as number) & 0xc0)
      // each side restores the other's dump
      await same('FUNCTION', 'FLUSH')
      expect(await onReal(real.client, ['FUNCTION', 'RESTORE', hex(got)])).toBe('OK')
      expect(await onPolyhost(redis, ['FUNCTION', 'RESTORE', hex(want)])).toBe('OK')
      await listed()
    }
    // LZF (0xc3), 6-, 14- and 32-bit lengths of uncompressed code
    expect([...encodings].sort((x, y) => x - y)).toEqual([0x00, 0x40, 0x80, 0xc0])
  })

  it('dumps several libraries as redis-server does, in another order (compared as sets of libraries)', async () => {
    await same('FUNCTION', 'FLUSH')
    const records: Buffer[] = []
    for (const code of LIBRARIES) {
      await same('FUNCTION', 'LOAD', code)
      const one = (await redis.reply(['FUNCTION', 'DUMP'])) as Buffer
      records.push(
        one.subarray(
          records.reduce((n, r) => n + r.length, 0),
          one.length - 10,
        ),
      )
    }
    const [want, got] = await dumps()
    expect(got.length).toBe(want.length)
    for (const dump of [want, got]) {
      const left = [...records]
      let pos = 0
      while (pos < dump.length - 10) {
        const at = left.findIndex((r) => dump.subarray(pos, pos + r.length).equals(r))
        expect(at).toBeGreaterThanOrEqual(0)
        pos += (left.splice(at, 1)[0] as Buffer).length
      }
      expect(left).toEqual([])
      expect(dump.subarray(-10, -8).toString('hex')).toBe('0a00')
    }
    await same('FUNCTION', 'FLUSH')
    expect(await onReal(real.client, ['FUNCTION', 'RESTORE', hex(got)])).toBe('OK')
    expect(await onPolyhost(redis, ['FUNCTION', 'RESTORE', hex(want)])).toBe('OK')
    await listed()
    await same('FCALL', 'g299', '0')
  })

  it('restores with each policy, refusing collisions as redis-server does', async () => {
    await same('FUNCTION', 'FLUSH')
    await same('FUNCTION', 'LOAD', fn('x'))
    await same('FUNCTION', 'LOAD', '#!lua name=y\nredis.register_function("y_F", function() return 1 end)')
    const [payload] = await dumps()
    await same('FUNCTION', 'FLUSH')
    await same('FUNCTION', 'LOAD', '#!lua name=x\nredis.register_function("other", function() return 2 end)')
    await same('FUNCTION', 'RESTORE', hex(payload))
    await same('FUNCTION', 'RESTORE', hex(payload), 'append')
    await listed()
    await same('FUNCTION', 'RESTORE', hex(payload), 'REPLACE')
    await listed()
    await same('FCALL', 'x_f', '0')
    await same('FCALL', 'other', '0')
    // a function name another library has (in any case) refuses the whole restore
    await same('FUNCTION', 'FLUSH')
    await same('FUNCTION', 'LOAD', '#!lua name=z\nredis.register_function("Y_f", function() return 3 end)')
    await same('FUNCTION', 'RESTORE', hex(payload), 'replace')
    await listed()
    await same('FUNCTION', 'RESTORE', hex(payload), 'FLUSH')
    await listed()
    await same('FCALL', 'y_f', '0')
    await same('FUNCTION', 'RESTORE', hex(payload), 'bogus')
    await same('FUNCTION', 'RESTORE', hex(payload), 'flush', 'x')
    await same('FUNCTION', 'RESTORE')
    await same('FUNCTION', 'DUMP', 'x')
  })

  it('refuses corrupted payloads with redis-server errors, keeping the libraries', async () => {
    await same('FUNCTION', 'FLUSH')
    await same('FUNCTION', 'LOAD', fn('keep'))
    const [good] = await dumps()
    const flipped = Buffer.from(good)
    flipped[5] = (flipped[5] as number) ^ 1
    const lib = (code: string) => Buffer.concat([Buffer.of(245), str(code)])
    const payloads: Buffer[] = [
      Buffer.alloc(0),
      Buffer.from('short'),
      good.subarray(0, -1),
      flipped,
      withFooter(good.subarray(0, -10), 11),
      withFooter(good.subarray(0, -10), 9),
      withFooter(Buffer.of(1, 2, 3)),
      withFooter(Buffer.of(245)),
      withFooter(Buffer.of(245, 0x82, 0, 0)),
      withFooter(Buffer.of(245, 0xc4, 0, 0)),
      withFooter(Buffer.of(245, 0x40 | 63, 0xff)),
      withFooter(Buffer.of(245, 0xc0, 7)),
      withFooter(Buffer.of(245, 0xc1, 7, 0)),
      withFooter(Buffer.of(245, 0xc2, 7, 0, 0, 0)),
      withFooter(Buffer.of(245, 0xc3, 3, 40, 1, 0x23, 0x21, 0xe0)),
      withFooter(Buffer.of(245, 0xc3, 2, 0x80, 0, 0, 0, 0, 0x23)),
      withFooter(Buffer.concat([lib(fn('p1')), lib(fn('p1'))])),
      withFooter(Buffer.concat([lib(fn('p2')), lib('#!lua name=p3\nredis.register_function("p2_f", function() end)')])),
      withFooter(Buffer.concat([lib(fn('p4')), lib('#!lua name=p5\nreturn (')])),
      withFooter(Buffer.concat([lib('#!lua name=p6\nreturn ('), Buffer.of(7, 7, 7)])),
      withFooter(Buffer.concat([lib(fn('p7')), Buffer.of(7, 7, 7)])),
      withFooter(Buffer.concat([lib(fn('p8')), Buffer.of(245, 0x40, 0x20)])),
      withFooter(Buffer.concat([lib(fn('keep'))])),
      withFooter(Buffer.concat([lib('#!lua name=p9\nredis.register_function("keep_f", function() end)')])),
      withFooter(Buffer.concat([lib('#!js name=p10\nx'), lib(fn('p11'))])),
      // the 7.0 release candidates' record: name, engine, description flag (and description), code
      withFooter(
        Buffer.concat([
          Buffer.of(246),
          str('rc'),
          str('LUA'),
          Buffer.of(1),
          str('d'),
          str('redis.register_function("rc_f", function() return 5 end)'),
        ]),
      ),
      withFooter(
        Buffer.concat([
          Buffer.of(246),
          str('rc2'),
          str('lua'),
          Buffer.of(0),
          str('redis.register_function("rc2_f", function() return 6 end)'),
        ]),
      ),
      withFooter(Buffer.concat([Buffer.of(246), str('rc3'), str('lua')])),
      withFooter(
        Buffer.concat([
          Buffer.of(246),
          str('rc4\0x'),
          str('lua'),
          Buffer.of(0),
          str('redis.register_function("rc4_f", function() return 7 end)'),
        ]),
      ),
    ]
    for (const p of payloads) {
      await same('FUNCTION', 'RESTORE', hex(p))
      await listed()
    }
    await same('FCALL', 'rc_f', '0')
  })

  it('stops library code that never ends under the load budget (redis-server loads restored libraries without a time limit)', async () => {
    await redis.command(['FUNCTION', 'FLUSH'])
    await redis.command(['FUNCTION', 'LOAD', fn('stay')])
    const loop = withFooter(Buffer.concat([Buffer.of(245), str('#!lua name=loop\nwhile true do end')]))
    await expect(redis.command(['FUNCTION', 'RESTORE', loop, 'FLUSH'])).rejects.toThrow(
      'ERR Error registering functions: ERR FUNCTION LOAD timeout',
    )
    expect(await redis.command(['FCALL', 'stay_f', '0'])).toBe('stay')
  }, 60_000)

  it('is refused from scripts', async () => {
    await same('EVAL', 'return redis.call("FUNCTION", "DUMP")', '0')
    await same('EVAL', 'return redis.pcall("FUNCTION", "RESTORE", "x")', '0')
    await same('EVAL', 'return redis.pcall("FUNCTION", "RESTORE", "x", "y", "z")', '0')
  })
})
