import { keyBytes, keyOf, LLONG_MAX, LLONG_MIN, parseBigInt } from '../store/args.js'
import type { Keyspace } from '../store/keyspace.js'
import { addLongDouble, formatLongDoubleHuman, LD_ZERO, parseLongDouble } from '../store/long-double.js'
import { ERR, fail, exactNumber, OK, type Reply } from '../store/replies.js'
import { arg, commands } from './command.js'
import { ownedBytes, ownedText } from '../store/owned-bytes.js'

/**
 * Hash commands. Fields keep insertion order, which is what Redis 7.0's listpack encoding
 * returns for small hashes (≤128 fields of ≤64 bytes); larger ones are unordered in Redis.
 */
export const HASH_COMMANDS = commands([
  ['hget', 3, 'r', (ks, a) => ks.read(keyOf(arg(a, 0)), 'hash')?.get(keyOf(arg(a, 1))) ?? null],
  ['hset', -4, 'w', (ks, a) => hset(ks, a, 'hset')],
  [
    'hmset',
    -4,
    'w',
    (ks, a) => {
      hset(ks, a, 'hmset')
      return OK
    },
  ],
  [
    'hsetnx',
    4,
    'w',
    (ks, a) => {
      const key = keyOf(arg(a, 0))
      const field = keyOf(arg(a, 1))
      if (ks.read(key, 'hash')?.has(field)) return 0
      ks.write(key, 'hash').set(field, ownedBytes(arg(a, 2)))
      return 1
    },
  ],
  [
    'hgetall',
    2,
    'r',
    (ks, a) => {
      const h = ks.read(keyOf(arg(a, 0)), 'hash')
      const out: Buffer[] = []
      if (h) for (const [f, v] of h) out.push(keyBytes(f), v)
      return out
    },
  ],
  ['hkeys', 2, 'r', (ks, a) => [...(ks.read(keyOf(arg(a, 0)), 'hash')?.keys() ?? [])].map(keyBytes)],
  ['hvals', 2, 'r', (ks, a) => [...(ks.read(keyOf(arg(a, 0)), 'hash')?.values() ?? [])]],
  [
    'hdel',
    -3,
    'w',
    (ks, a) => {
      const key = keyOf(arg(a, 0))
      const h = ks.read(key, 'hash')
      if (!h) return 0
      let n = 0
      for (const f of a.slice(1)) if (h.delete(keyOf(f))) n++
      ks.dropIfEmpty(key)
      return n
    },
  ],
  ['hexists', 3, 'r', (ks, a) => (ks.read(keyOf(arg(a, 0)), 'hash')?.has(keyOf(arg(a, 1))) ? 1 : 0)],
  ['hlen', 2, 'r', (ks, a) => ks.read(keyOf(arg(a, 0)), 'hash')?.size ?? 0],
  ['hstrlen', 3, 'r', (ks, a) => ks.read(keyOf(arg(a, 0)), 'hash')?.get(keyOf(arg(a, 1)))?.length ?? 0],
  [
    'hmget',
    -3,
    'r',
    (ks, a) => {
      const h = ks.read(keyOf(arg(a, 0)), 'hash')
      return a.slice(1).map((f) => h?.get(keyOf(f)) ?? null)
    },
  ],
  [
    'hincrby',
    4,
    'w',
    (ks, a) => {
      const by = parseBigInt(arg(a, 2))
      const key = keyOf(arg(a, 0))
      const field = keyOf(arg(a, 1))
      const cur = ks.read(key, 'hash')?.get(field)
      const n = cur === undefined ? 0n : parseBigInt(cur, ERR.hashNotInteger)
      const next = n + by
      if (next > LLONG_MAX || next < LLONG_MIN) fail(ERR.overflow)
      ks.write(key, 'hash').set(field, ownedText(next.toString()))
      return exactNumber(next)
    },
  ],
  [
    'hincrbyfloat',
    4,
    'w',
    (ks, a) => {
      const by = parseLongDouble(arg(a, 2).toString('latin1'))
      if (!by) fail(ERR.notFloat)
      if (by.kind !== 'finite') fail('ERR value is NaN or Infinity')
      const key = keyOf(arg(a, 0))
      const field = keyOf(arg(a, 1))
      const cur = ks.read(key, 'hash')?.get(field)
      const value = cur === undefined ? LD_ZERO : parseLongDouble(cur.toString('latin1'))
      if (!value) fail(ERR.hashNotFloat)
      const sum = addLongDouble(value, by)
      if (sum.kind !== 'finite') fail(ERR.nanOrInfinity)
      const text = ownedText(formatLongDoubleHuman(sum))
      ks.write(key, 'hash').set(field, text)
      return Buffer.from(text)
    },
  ],
])

// --- internal ---

function hset(ks: Keyspace, a: Buffer[], name: string): Reply {
  if (a.length % 2 !== 1) fail(`ERR wrong number of arguments for '${name}' command`)
  const h = ks.write(keyOf(arg(a, 0)), 'hash')
  let added = 0
  for (let i = 1; i < a.length; i += 2) {
    const f = keyOf(arg(a, i))
    if (!h.has(f)) added++
    h.set(f, ownedBytes(arg(a, i + 1)))
  }
  return added
}
