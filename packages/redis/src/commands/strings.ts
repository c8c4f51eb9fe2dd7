import { keyOf, option, parseBigInt, parseInteger } from '../store/args.js'
import type { Keyspace } from '../store/keyspace.js'
import { CommandError, ERR, fail, OK, type Reply } from '../store/replies.js'
import { arg, commands } from './command.js'

/** String commands: GET, SET and its options, counters, MGET/MSET, APPEND, STRLEN. */
export const STRING_COMMANDS = commands([
  ['get', 2, 'r', (ks, a) => getString(ks, keyOf(arg(a, 0))) ?? null],
  ['set', -3, 'w', set],
  [
    'setnx',
    3,
    'w',
    (ks, a) => {
      if (getString(ks, keyOf(arg(a, 0))) !== undefined) return 0
      put(ks, a)
      return 1
    },
  ],
  [
    'getset',
    3,
    'w',
    (ks, a) => {
      const old = getString(ks, keyOf(arg(a, 0))) ?? null
      put(ks, a)
      return old
    },
  ],
  [
    'getdel',
    2,
    'w',
    (ks, a) => {
      const key = keyOf(arg(a, 0))
      const old = getString(ks, key)
      if (old === undefined) return null
      ks.delete(key)
      return old
    },
  ],
  [
    'mget',
    -2,
    'r',
    (ks, a) =>
      a.map((k) => {
        const v = ks.get(keyOf(k))
        return v?.type === 'string' ? v.value : null
      }),
  ],
  [
    'mset',
    -3,
    'w',
    (ks, a) => {
      if (a.length % 2 !== 0) fail("ERR wrong number of arguments for 'mset' command")
      for (let i = 0; i < a.length; i += 2) ks.set(keyOf(arg(a, i)), { type: 'string', value: Buffer.from(arg(a, i + 1)) })
      return OK
    },
  ],
  ['incr', 2, 'w', (ks, a) => incrBy(ks, arg(a, 0), 1n)],
  ['decr', 2, 'w', (ks, a) => incrBy(ks, arg(a, 0), -1n)],
  ['incrby', 3, 'w', (ks, a) => incrBy(ks, arg(a, 0), parseBigInt(arg(a, 1)))],
  [
    'decrby',
    3,
    'w',
    (ks, a) => {
      const n = parseBigInt(arg(a, 1))
      // Redis refuses to negate LLONG_MIN
      if (n === -9223372036854775808n) fail('ERR decrement would overflow')
      return incrBy(ks, arg(a, 0), -n)
    },
  ],
  [
    'append',
    3,
    'w',
    (ks, a) => {
      const key = keyOf(arg(a, 0))
      const value = Buffer.concat([getString(ks, key) ?? Buffer.alloc(0), arg(a, 1)])
      ks.set(key, { type: 'string', value }, true)
      return value.length
    },
  ],
  ['strlen', 2, 'r', (ks, a) => getString(ks, keyOf(arg(a, 0)))?.length ?? 0],
])

/** The bytes of a string key; WRONGTYPE for other types. */
export function getString(ks: Keyspace, key: string): Buffer | undefined {
  return ks.read(key, 'string')
}

// --- internal ---

function put(ks: Keyspace, a: Buffer[]): void {
  ks.set(keyOf(arg(a, 0)), { type: 'string', value: Buffer.from(arg(a, 1)) })
}

function set(ks: Keyspace, a: Buffer[]): Reply {
  const key = keyOf(arg(a, 0))
  let nx = false
  let xx = false
  let get = false
  let keepTtl = false
  let expireAt: number | undefined
  let unit = ''
  for (let i = 2; i < a.length; i++) {
    const o = option(a[i])
    const next = a[i + 1]
    if (o === 'NX' && !xx) nx = true
    else if (o === 'XX' && !nx) xx = true
    else if (o === 'GET') get = true
    else if (o === 'KEEPTTL' && !unit) keepTtl = true
    else if ((o === 'EX' || o === 'PX' || o === 'EXAT' || o === 'PXAT') && !unit && !keepTtl && next !== undefined) {
      unit = o
      const n = parseInteger(next)
      if (n <= 0) fail("ERR invalid expire time in 'set' command")
      expireAt = o === 'EX' ? ks.now + n * 1000 : o === 'PX' ? ks.now + n : o === 'EXAT' ? n * 1000 : n
      i++
    } else throw new CommandError(ERR.syntax)
  }
  const old = get ? (getString(ks, key) ?? null) : undefined
  const exists = ks.get(key) !== undefined
  if ((nx && exists) || (xx && !exists)) return get ? (old ?? null) : null
  ks.set(key, { type: 'string', value: Buffer.from(arg(a, 1)) }, keepTtl)
  if (expireAt !== undefined) ks.setExpiry(key, expireAt)
  return get ? (old ?? null) : OK
}

function incrBy(ks: Keyspace, keyArg: Buffer, by: bigint): number {
  const key = keyOf(keyArg)
  const cur = getString(ks, key)
  const n = cur === undefined ? 0n : parseBigInt(cur)
  const next = n + by
  if (next > 9223372036854775807n || next < -9223372036854775808n) fail(ERR.overflow)
  ks.set(key, { type: 'string', value: Buffer.from(next.toString()) }, true)
  return Number(next)
}
