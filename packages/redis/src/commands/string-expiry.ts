import { keyOf, LLONG_MAX, option, parseBigInt } from '../store/args.js'
import type { Keyspace } from '../store/keyspace.js'
import { ERR, fail, OK, type Reply } from '../store/replies.js'
import { arg, commands } from './command.js'
import { ownedBytes } from '../store/owned-bytes.js'

/** SETEX, PSETEX and GETEX: string commands that set or clear a key's expiry. */
export const STRING_EXPIRY_COMMANDS = commands([
  ['setex', 4, 'w', (ks, a) => setWithExpiry(ks, a, 'EX', 'setex')],
  ['psetex', 4, 'w', (ks, a) => setWithExpiry(ks, a, 'PX', 'psetex')],
  ['getex', -2, 'w', getex],
])

/**
 * Redis's `getExpireMillisecondsOrReply` for SET-style options (`EX`, `PX`, `EXAT`, `PXAT`):
 * positive, and no 64-bit overflow once in ms (and once now is added to a relative time).
 * `name` is the command its error names.
 */
export function expireTime(ks: Keyspace, unit: string, text: Buffer, name: string): bigint {
  const invalid = `ERR invalid expire time in '${name}' command`
  let ms = parseBigInt(text)
  if (ms <= 0n || (unit.startsWith('EX') && ms > LLONG_MAX / 1000n)) fail(invalid)
  if (unit.startsWith('EX')) ms *= 1000n
  if (unit === 'EX' || unit === 'PX') ms += ks.timeMs
  // in C the sum wraps to a negative number, which the same check refuses
  if (ms > LLONG_MAX) fail(invalid)
  return ms
}

// --- internal ---

function setWithExpiry(ks: Keyspace, a: Buffer[], unit: 'EX' | 'PX', name: string): Reply {
  const at = expireTime(ks, unit, arg(a, 1), name)
  const key = keyOf(arg(a, 0))
  ks.set(key, { type: 'string', value: ownedBytes(arg(a, 2)) })
  ks.setExpiry(key, at)
  return OK
}

const EXPIRY_OPTIONS = new Set(['EX', 'PX', 'EXAT', 'PXAT'])

/**
 * GETEX as Redis 7.0's `getexCommand`: the options (one expiry form, repeatable, or PERSIST)
 * first, then the key (a missing one answers nil before the time is checked), its type, the
 * time; an EXAT/PXAT time already past deletes the key after its value was read.
 */
function getex(ks: Keyspace, a: Buffer[]): Reply {
  let unit = ''
  let persist = false
  let expiry: Buffer | undefined
  for (let i = 1; i < a.length; i++) {
    const o = option(a[i])
    const next = a[i + 1]
    if (o === 'PERSIST' && !unit) persist = true
    else if (EXPIRY_OPTIONS.has(o) && (unit === '' || unit === o) && !persist && next !== undefined) {
      unit = o
      expiry = next
      i++
    } else fail(ERR.syntax)
  }
  const key = keyOf(arg(a, 0))
  const value = ks.read(key, 'string')
  if (value === undefined) return null
  const at = expiry === undefined ? undefined : expireTime(ks, unit, expiry, 'getex')
  const reply = Buffer.from(value)
  if (at !== undefined && (unit === 'EXAT' || unit === 'PXAT') && at <= ks.timeMs) ks.delete(key)
  else if (at !== undefined) {
    ks.setExpiry(key, at)
    // Redis signals the key even when the deadline is the one it had
    ks.signal(key)
  } else if (persist) ks.setExpiry(key, undefined)
  return reply
}
