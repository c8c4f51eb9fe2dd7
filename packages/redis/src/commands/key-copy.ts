import { keyOf, option, parseBigInt } from '../store/args.js'
import type { Keyspace, RedisValue } from '../store/keyspace.js'
import { ERR, fail, OK } from '../store/replies.js'
import { arg, commands } from './command.js'
import { ownedBytes } from '../store/owned-bytes.js'

/**
 * COPY as Redis 7.0's `copyCommand`: options first (REPLACE, `DB n`), then the same-key
 * check, then the copy with the source's expiry; and SELECT (`selectCommand`). The store has
 * one database (0): `DB 0` and `SELECT 0` are it, `1` to `15` (valid in Redis) answer an
 * error of their own, others Redis's out-of-range errors.
 */
export const KEY_COPY_COMMANDS = commands([
  [
    'copy',
    -3,
    'w',
    (ks, a) => {
      let replace = false
      for (let j = 2; j < a.length; j++) {
        const o = option(a[j])
        if (o === 'REPLACE') replace = true
        else if (o === 'DB' && j + 1 < a.length) {
          databaseZero(arg(a, ++j), 'COPY')
        } else fail(ERR.syntax)
      }
      const src = keyOf(arg(a, 0))
      const dst = keyOf(arg(a, 1))
      if (src === dst) fail('ERR source and destination objects are the same')
      const value = ks.get(src)
      if (!value) return 0
      const expiry = ks.expiresAt(src)
      if (ks.get(dst)) {
        if (!replace) return 0
        ks.delete(dst)
      }
      copyValue(ks, dst, value)
      ks.setExpiry(dst, expiry)
      return 1
    },
  ],
  // Redis 7.0 allows SELECT in scripts, for the script's own run; with one database it is
  // always the database the caller has
  [
    'select',
    2,
    'r',
    (_ks, a) => {
      databaseZero(arg(a, 0), 'SELECT')
      return OK
    },
  ],
])

// --- internal ---

/** A database index read as Redis reads it (getIntFromObjectOrReply, then its range), which must be 0 here. */
function databaseZero(text: Buffer, command: string): void {
  const db = parseBigInt(text)
  // a 64-bit integer beyond C's int
  if (db < -2147483648n || db > 2147483647n) fail('ERR value is out of range, value must between -2147483648 and 2147483647')
  if (db < 0n || db >= 16n) fail('ERR DB index is out of range')
  if (db !== 0n) fail(`ERR ${command} to another database is not supported by this store (it has database 0 only)`)
}

function copyValue(ks: Keyspace, dst: string, v: RedisValue): void {
  switch (v.type) {
    case 'string':
      // a copy keeps the encoding (Redis's dupStringObject)
      ks.set(dst, { type: 'string', value: ownedBytes(v.value), form: v.form })
      break
    case 'hash': {
      const h = ks.write(dst, 'hash')
      for (const [f, x] of v.value) h.set(f, ownedBytes(x))
      // a copy keeps the encoding (Redis duplicates a hashtable as a hashtable)
      h.hashtable ||= v.value.hashtable
      break
    }
    case 'list': {
      const l = ks.write(dst, 'list')
      for (const x of v.value) l.push(ownedBytes(x))
      break
    }
    case 'set': {
      const s = ks.write(dst, 'set')
      for (const m of v.value) s.add(m)
      s.hashtable ||= v.value.hashtable
      s.intsetWidth = Math.max(s.intsetWidth, v.value.intsetWidth)
      break
    }
    case 'zset':
      ks.write(dst, 'zset').copyFrom(v.value)
      break
    case 'stream':
      ks.write(dst, 'stream').copyFrom(v.value)
      break
  }
}
