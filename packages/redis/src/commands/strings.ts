import { keyOf, LLONG_MAX, LLONG_MIN, option, parseBigInt } from '../store/args.js'
import type { Keyspace } from '../store/keyspace.js'
import { addLongDouble, formatLongDoubleHuman, LD_ZERO, parseLongDouble } from '../store/long-double.js'
import { CommandError, ERR, fail, exactNumber, OK, type Reply } from '../store/replies.js'
import { arg, commands } from './command.js'
import { expireTime } from './string-expiry.js'
import { ownedBytes, ownedText } from '../store/owned-bytes.js'
import { writeString } from '../store/string-room.js'

/** String commands: GET, SET and its options, counters (INCRBYFLOAT too), MGET/MSET, APPEND, STRLEN. */
export const STRING_COMMANDS = commands([
  ['get', 2, 'r', (ks, a) => getString(ks, keyOf(arg(a, 0))) ?? null],
  ['set', -3, 'w', set],
  [
    'setnx',
    3,
    'w',
    (ks, a) => {
      // Redis checks only that the key exists, whatever its type
      if (ks.get(keyOf(arg(a, 0))) !== undefined) return 0
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
      for (let i = 0; i < a.length; i += 2) ks.set(keyOf(arg(a, i)), { type: 'string', value: ownedBytes(arg(a, i + 1)) })
      return OK
    },
  ],
  ['incr', 2, 'w', (ks, a) => incrBy(ks, arg(a, 0), 1n)],
  ['decr', 2, 'w', (ks, a) => incrBy(ks, arg(a, 0), -1n)],
  ['incrby', 3, 'w', (ks, a) => incrBy(ks, arg(a, 0), parseBigInt(arg(a, 1)))],
  [
    'incrbyfloat',
    3,
    'w',
    (ks, a) => {
      const key = keyOf(arg(a, 0))
      const cur = getString(ks, key)
      const value = cur === undefined ? LD_ZERO : parseLongDouble(cur.toString('latin1'))
      const by = parseLongDouble(arg(a, 1).toString('latin1'))
      if (!value || !by) fail(ERR.notFloat)
      const sum = addLongDouble(value, by)
      if (sum.kind !== 'finite') fail(ERR.nanOrInfinity)
      const text = ownedText(formatLongDoubleHuman(sum))
      ks.set(key, { type: 'string', value: text, form: 'text' }, true)
      return Buffer.from(text)
    },
  ],
  [
    'decrby',
    3,
    'w',
    (ks, a) => {
      const n = parseBigInt(arg(a, 1))
      // Redis refuses to negate LLONG_MIN
      if (n === LLONG_MIN) fail('ERR decrement would overflow')
      return incrBy(ks, arg(a, 0), -n)
    },
  ],
  [
    'append',
    3,
    'w',
    (ks, a) => {
      const key = keyOf(arg(a, 0))
      const before = getString(ks, key)
      const add = arg(a, 1)
      // Redis's checkStringLength: no string value beyond proto-max-bulk-len (512 MB)
      if ((before?.length ?? 0) + add.length > PROTO_MAX_BULK_LEN) fail('ERR string exceeds maximum allowed size (proto-max-bulk-len)')
      // a new key holds the argument as it is; a grown one gets room for the next appends, as in Redis
      const value = before === undefined ? ownedBytes(add) : writeString(before, before.length, add)
      // a new key is encoded by its bytes, a grown one is raw (Redis's dbUnshareStringValue)
      ks.set(key, before === undefined ? { type: 'string', value } : { type: 'string', value, form: 'raw' }, true)
      return value.length
    },
  ],
  ['strlen', 2, 'r', (ks, a) => getString(ks, keyOf(arg(a, 0)))?.length ?? 0],
])

/** Redis 7.0's default `proto-max-bulk-len`: the longest string value APPEND may build. */
export const PROTO_MAX_BULK_LEN = 512 * 1024 * 1024

/** The bytes of a string key; WRONGTYPE for other types. */
export function getString(ks: Keyspace, key: string): Buffer | undefined {
  return ks.read(key, 'string')
}

// --- internal ---

function put(ks: Keyspace, a: Buffer[]): void {
  ks.set(keyOf(arg(a, 0)), { type: 'string', value: ownedBytes(arg(a, 1)) })
}

const EXPIRY_OPTIONS = new Set(['EX', 'PX', 'EXAT', 'PXAT'])

/**
 * SET as Redis's `parseExtendedStringArgumentsOrReply` reads its options: an option may
 * repeat (the last value wins) but not meet a conflicting one; the expiry value is parsed
 * and range-checked only once every option was read.
 */
function set(ks: Keyspace, a: Buffer[]): Reply {
  const key = keyOf(arg(a, 0))
  let nx = false
  let xx = false
  let get = false
  let keepTtl = false
  let unit = ''
  let expiry: Buffer | undefined
  for (let i = 2; i < a.length; i++) {
    const o = option(a[i])
    const next = a[i + 1]
    if (o === 'NX' && !xx) nx = true
    else if (o === 'XX' && !nx) xx = true
    else if (o === 'GET') get = true
    else if (o === 'KEEPTTL' && !unit) keepTtl = true
    else if (EXPIRY_OPTIONS.has(o) && (unit === '' || unit === o) && !keepTtl && next !== undefined) {
      unit = o
      expiry = next
      i++
    } else throw new CommandError(ERR.syntax)
  }
  const expireAt = expiry === undefined ? undefined : expireTime(ks, unit, expiry, 'set')
  const old = get ? (getString(ks, key) ?? null) : undefined
  const exists = ks.get(key) !== undefined
  if ((nx && exists) || (xx && !exists)) return get ? (old ?? null) : null
  ks.set(key, { type: 'string', value: ownedBytes(arg(a, 1)) }, keepTtl)
  if (expireAt !== undefined) ks.setExpiry(key, expireAt)
  return get ? (old ?? null) : OK
}

function incrBy(ks: Keyspace, keyArg: Buffer, by: bigint): Reply {
  const key = keyOf(keyArg)
  const cur = getString(ks, key)
  const n = cur === undefined ? 0n : parseBigInt(cur)
  const next = n + by
  if (next > LLONG_MAX || next < LLONG_MIN) fail(ERR.overflow)
  ks.set(key, { type: 'string', value: ownedText(next.toString()) }, true)
  return exactNumber(next)
}
