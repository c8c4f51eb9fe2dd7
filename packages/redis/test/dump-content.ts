import { crc64 } from '../src/scripting/function-dump.js'
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
