import { keyBytes, keyOf, LLONG_MAX, LLONG_MIN, option, parseBigInt } from '../store/args.js'
import type { Keyspace } from '../store/keyspace.js'
import { ERR, errorTail, errorText, exactNumber, fail, OK, StatusReply, type Reply } from '../store/replies.js'
import { globMatcher } from '../store/glob.js'
import { cString } from '../store/c-numbers.js'
import { arg, commands } from './command.js'

/** Generic key commands: DEL, EXISTS, expiry, TYPE, KEYS, RENAME, and server basics. */
export const KEY_COMMANDS = commands([
  ['del', -2, 'w', del],
  ['unlink', -2, 'w', del],
  ['exists', -2, 'r', (ks, a) => a.filter((k) => ks.peek(keyOf(k)) !== undefined).length],
  ['expire', -3, 'w', (ks, a) => expire(ks, a, { seconds: true, relative: true, name: 'expire' })],
  ['pexpire', -3, 'w', (ks, a) => expire(ks, a, { seconds: false, relative: true, name: 'pexpire' })],
  ['expireat', -3, 'w', (ks, a) => expire(ks, a, { seconds: true, relative: false, name: 'expireat' })],
  ['pexpireat', -3, 'w', (ks, a) => expire(ks, a, { seconds: false, relative: false, name: 'pexpireat' })],
  ['ttl', 2, 'r', (ks, a) => ttl(ks, arg(a, 0), 's')],
  ['pttl', 2, 'r', (ks, a) => ttl(ks, arg(a, 0), 'ms')],
  ['expiretime', 2, 'r', (ks, a) => expiryTime(ks, arg(a, 0), 's')],
  ['pexpiretime', 2, 'r', (ks, a) => expiryTime(ks, arg(a, 0), 'ms')],
  ['touch', -2, 'r', (ks, a) => a.filter((k) => ks.get(keyOf(k)) !== undefined).length],
  [
    'persist',
    2,
    'w',
    (ks, a) => {
      const key = keyOf(arg(a, 0))
      if (!ks.get(key) || ks.expiresAt(key) === undefined) return 0
      ks.setExpiry(key, undefined)
      return 1
    },
  ],
  ['type', 2, 'r', (ks, a) => new StatusReply(ks.peek(keyOf(arg(a, 0)))?.type ?? 'none')],
  [
    'keys',
    2,
    'r',
    (ks, a) => {
      const match = globMatcher(keyOf(arg(a, 0)))
      return ks.keys().filter(match).map(keyBytes)
    },
  ],
  [
    'rename',
    3,
    'w',
    (ks, a) => {
      const from = keyOf(arg(a, 0))
      if (!ks.get(from)) fail(ERR.noSuchKey)
      ks.rename(from, keyOf(arg(a, 1)))
      return OK
    },
  ],
  [
    'renamenx',
    3,
    'w',
    (ks, a) => {
      const from = keyOf(arg(a, 0))
      const to = keyOf(arg(a, 1))
      if (!ks.get(from)) fail(ERR.noSuchKey)
      if (ks.get(to)) return 0
      ks.rename(from, to)
      return 1
    },
  ],
  ['dbsize', 1, 'r', (ks) => ks.keys().length],
  ['flushall', -1, 'w', (ks, a) => flush(a, ks.databases)],
  ['flushdb', -1, 'w', (ks, a) => flush(a, [ks])],
  ['randomkey', 1, 'r', (ks) => keyOrNil(ks.randomKey())],
  [
    'ping',
    -1,
    'r',
    (_ks, a) => {
      if (a.length > 1) fail("ERR wrong number of arguments for 'ping' command")
      return a.length ? Buffer.from(arg(a, 0)) : new StatusReply('PONG')
    },
  ],
  ['echo', 2, 'r', (_ks, a) => Buffer.from(arg(a, 0))],
  // no client subscribes here (SUBSCRIBE is not provided): no one receives it, as Redis
  // answers with no subscriber; `may-replicate` in Redis, so read-only scripts refuse it as a write
  ['publish', 3, 'w', () => 0],
  ['spublish', 3, 'w', () => 0],
  [
    'time',
    1,
    'r',
    (ks) => {
      const us = Math.floor(ks.time * 1000)
      return [Buffer.from(String(Math.floor(us / 1e6))), Buffer.from(String(us % 1e6))]
    },
  ],
])

// --- internal ---

/**
 * Redis's `getFlushCommandFlags`: no argument, or one SYNC or ASYNC (`strcasecmp`, so up to a
 * NUL byte); anything else is a syntax error and flushes nothing.
 */
function flush(a: Buffer[], databases: readonly Keyspace[]): Reply {
  const mode = a.length === 1 ? option(cString(a[0] as Buffer)) : ''
  if (a.length > 1 || (a.length === 1 && mode !== 'SYNC' && mode !== 'ASYNC')) fail(ERR.syntax)
  for (const db of databases) db.flush()
  return OK
}

function keyOrNil(key: string | undefined): Reply {
  return key === undefined ? null : keyBytes(key)
}

function del(ks: Keyspace, a: Buffer[]): Reply {
  let n = 0
  for (const k of a) if (ks.delete(keyOf(k))) n++
  return n
}

/**
 * Redis's `expireGenericCommand`: the options first, then the time, refused only when the
 * conversion to ms or the addition of now overflows 64 bits (a time in the past deletes).
 */
function expire(ks: Keyspace, a: Buffer[], unit: { seconds: boolean; relative: boolean; name: string }): Reply {
  const key = keyOf(arg(a, 0))
  let nx = false
  let xx = false
  let gt = false
  let lt = false
  for (const raw of a.slice(2)) {
    const o = option(raw)
    if (o === 'NX') nx = true
    else if (o === 'XX') xx = true
    else if (o === 'GT') gt = true
    else if (o === 'LT') lt = true
    else fail(errorText('ERR Unsupported option ', { arg: errorTail(raw) }))
  }
  if (nx && (xx || gt || lt)) fail('ERR NX and XX, GT or LT options at the same time are not compatible')
  if (gt && lt) fail('ERR GT and LT options at the same time are not compatible')
  let when = parseBigInt(arg(a, 1))
  const invalid = `ERR invalid expire time in '${unit.name}' command`
  if (unit.seconds) {
    if (when > LLONG_MAX / 1000n || when < LLONG_MIN / 1000n) fail(invalid)
    when *= 1000n
  }
  const base = unit.relative ? ks.timeMs : 0n
  if (when > LLONG_MAX - base) fail(invalid)
  when += base
  if (!ks.get(key)) return 0
  const cur = ks.expiresAt(key)
  if (nx && cur !== undefined) return 0
  if (xx && cur === undefined) return 0
  if (gt && (cur === undefined || when <= cur)) return 0
  if (lt && cur !== undefined && when >= cur) return 0
  // Redis's checkAlreadyExpired: by mstime(), not the script's frozen time
  if (when <= ks.time) {
    ks.delete(key)
    return 1
  }
  ks.setExpiry(key, when)
  // Redis signals the key even when the deadline is the one it had
  ks.signal(key)
  return 1
}

function ttl(ks: Keyspace, keyArg: Buffer, unit: 'ms' | 's'): Reply {
  const key = keyOf(keyArg)
  if (!ks.peek(key)) return -2
  const at = ks.expiresAt(key)
  if (at === undefined) return -1
  let left = BigInt(at) - ks.timeMs
  if (left < 0n) left = 0n
  return exactNumber(unit === 'ms' ? left : (left + 500n) / 1000n)
}

/**
 * EXPIRETIME / PEXPIRETIME (Redis's `ttlGenericCommand`): the absolute expiry, in seconds
 * rounded as `(ms + 500) / 1000` (redis-server answers 9223372036854776 for the largest
 * time: the sum does not wrap); -1 without one, -2 for no key.
 */
function expiryTime(ks: Keyspace, keyArg: Buffer, unit: 'ms' | 's'): Reply {
  const key = keyOf(keyArg)
  if (!ks.peek(key)) return -2
  const at = ks.expiresAt(key)
  if (at === undefined) return -1
  if (unit === 'ms') return exactNumber(BigInt(at))
  return exactNumber((BigInt(at) + 500n) / 1000n)
}
