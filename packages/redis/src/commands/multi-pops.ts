import { keyBytes, keyOf, option, parseBigInt } from '../store/args.js'
import type { Keyspace } from '../store/keyspace.js'
import { doubleReply, ERR, fail } from '../store/replies.js'
import { arg, commands } from './command.js'

/**
 * LMPOP and ZMPOP (`numkeys key... LEFT|RIGHT` or `MIN|MAX`, `[COUNT n]`) as Redis 7.0's
 * `lmpopGenericCommand`/`zmpopGenericCommand` in their non-blocking form: the first key that
 * exists (its type checked, the later keys' not) gives up to `count` elements, answered as
 * `[key, elements]`; nil when no key exists.
 */
export const MULTI_POP_COMMANDS = commands([
  [
    'lmpop',
    -4,
    'w',
    (ks, a) => {
      const { keys, where, count } = parse(a, ['LEFT', 'RIGHT'])
      const key = firstExisting(ks, keys)
      const list = key === undefined ? undefined : ks.read(key, 'list')
      if (key === undefined || !list) return null
      const out: Buffer[] = []
      while (out.length < count && list.length > 0) out.push((where === 'LEFT' ? list.shift() : list.pop()) as Buffer)
      ks.dropIfEmpty(key)
      return [keyBytes(key), out]
    },
  ],
  [
    'zmpop',
    -4,
    'w',
    (ks, a) => {
      const { keys, where, count } = parse(a, ['MIN', 'MAX'])
      const key = firstExisting(ks, keys)
      const z = key === undefined ? undefined : ks.read(key, 'zset')
      if (key === undefined || !z) return null
      const all = z.entries()
      const picked = where === 'MAX' ? all.slice(Math.max(0, all.length - count)).reverse() : all.slice(0, count)
      z.removeMany(picked.map((e) => e.member))
      ks.dropIfEmpty(key)
      return [keyBytes(key), picked.map((e) => [keyBytes(e.member), doubleReply(e.score)])]
    },
  ],
])

// --- internal ---

/** `numkeys key... <where> [COUNT n]`, checked in Redis's order (BLMPOP and BZMPOP check them before their timeout). */
export function parse(a: Buffer[], wheres: readonly [string, string]): { keys: Buffer[]; where: string; count: number } {
  const numkeys = parseBigInt(arg(a, 0), 'ERR numkeys should be greater than 0')
  if (numkeys < 1n) fail('ERR numkeys should be greater than 0')
  if (numkeys + 1n >= BigInt(a.length)) fail(ERR.syntax)
  const n = Number(numkeys)
  const where = option(a[n + 1])
  if (!wheres.includes(where)) fail(ERR.syntax)
  let count = -1n
  for (let j = n + 2; j < a.length; j++) {
    if (count === -1n && option(a[j]) === 'COUNT' && j + 1 < a.length) {
      count = parseBigInt(arg(a, ++j), 'ERR count should be greater than 0')
      if (count < 1n) fail('ERR count should be greater than 0')
    } else fail(ERR.syntax)
  }
  return { keys: a.slice(1, n + 1), where, count: count === -1n ? 1 : Number(count) }
}

/** The first of `keys` that exists: Redis checks its type and stops there. */
function firstExisting(ks: Keyspace, keys: readonly Buffer[]): string | undefined {
  return keys.map(keyOf).find((key) => ks.get(key) !== undefined)
}
