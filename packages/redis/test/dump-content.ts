import { crc64 } from '../src/scripting/function-dump.js'
import type { RedisScripting } from '../src/index.js'
import type { CorpusArg, Normal } from './differential.js'

// Helpers of the DUMP / RESTORE tests (dump-restore*.test.ts).

/** A payload with this body and a right footer. */
export const withFooter = (body: Buffer, version = 10): Buffer => {
  const head = Buffer.concat([body, Buffer.of(version & 0xff, version >> 8)])
  const crc = Buffer.alloc(8)
  crc.writeBigUInt64LE(crc64(head))
  return Buffer.concat([head, crc])
}

/** The key's content as a comparable form (members sorted where Redis has no order). */
export async function content(run: (argv: readonly CorpusArg[]) => Promise<Normal>, key: string): Promise<Normal> {
  const type = await run(['TYPE', key])
  const sortedFlat = (v: Normal) => (Array.isArray(v) ? [...v].map((x) => JSON.stringify(x)).sort() : v)
  switch (type) {
    case 'string':
      return [type, await run(['GET', key]), await run(['OBJECT', 'ENCODING', key])]
    case 'list':
      return [type, await run(['LRANGE', key, '0', '-1'])]
    case 'set':
      return [type, sortedFlat(await run(['SMEMBERS', key])), await run(['OBJECT', 'ENCODING', key])]
    case 'hash': {
      const flat = (await run(['HGETALL', key])) as Normal[]
      const pairs = Array.from({ length: flat.length / 2 }, (_, i) => JSON.stringify([flat[2 * i], flat[2 * i + 1]])).sort()
      return [type, pairs, await run(['OBJECT', 'ENCODING', key])]
    }
    case 'zset':
      return [type, await run(['ZRANGE', key, '0', '-1', 'WITHSCORES']), await run(['OBJECT', 'ENCODING', key])]
    default:
      return type
  }
}

/** Keys of each encoding, built by `redis`, and their DUMP payloads: the seeds of the damaged-payload tests. */
export async function seedPayloads(redis: RedisScripting): Promise<Buffer[]> {
  const build: string[][] = [
    ['SET', 's', 'abc'.repeat(30)],
    ['SET', 'i', '123456'],
    ['RPUSH', 'l', 'a', '1', '-5000', 'x'.repeat(70), '99999999999', ...Array.from({ length: 50 }, (_, i) => `e${i}`)],
    ['SADD', 'is', '1', '5', '70000', '-3'],
    ['SADD', 'hs', 'a', 'b', 'c'],
    ['HSET', 'h', 'f', 'v', 'g', '12', 'h', 'y'.repeat(30)],
    ['HSET', 'ht', 'f', 'z'.repeat(80)],
    ['ZADD', 'z', '1', 'a', '2.5', 'b', '-1', 'c'],
    ['ZADD', 'zs', '1', 'm'.repeat(70), '2', 'n'],
  ]
  for (const c of build) await redis.command(c)
  return Promise.all(['s', 'i', 'l', 'is', 'hs', 'h', 'ht', 'z', 'zs'].map(async (k) => (await redis.reply(['DUMP', k])) as Buffer))
}

/** One of `payloads` with 1–3 bytes flipped or set to an encoding byte, cut short one time in 5, with a right footer. */
export function damaged(payloads: readonly Buffer[], rnd: () => number): Buffer {
  const int = (n: number) => Math.floor(rnd() * n)
  const source = payloads[int(payloads.length)] as Buffer
  const body = Buffer.from(source.subarray(0, source.length - 10))
  const edits = 1 + int(3)
  for (let e = 0; e < edits; e++) {
    const at = int(body.length)
    if (int(4) === 0) body[at] = [0, 0xff, 0x7f, 0x80, 0xc0, 0xc3, 0xf0, 0xf4][int(8)] as number
    else body[at] = (body[at] as number) ^ (1 << int(8))
  }
  return withFooter(int(5) === 0 ? body.subarray(0, int(body.length)) : body)
}
