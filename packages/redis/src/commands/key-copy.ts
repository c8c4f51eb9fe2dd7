import { keyOf, option, parseBigInt } from '../store/args.js'
import type { Keyspace, RedisValue } from '../store/keyspace.js'
import { ERR, fail, OK } from '../store/replies.js'
import { arg, commands } from './command.js'
import { ownedBytes } from '../store/owned-bytes.js'

/**
 * COPY as Redis 7.0's `copyCommand`: options first (REPLACE, `DB n`), then the same-key
 * check (in the same database only), then the copy with the source's expiry; SELECT
 * (`selectCommand`: the database index checked here, the connection or script keeps it),
 * MOVE (`moveCommand`) and SWAPDB (`swapdbCommand`), over the store's databases.
 */
export const KEY_COPY_COMMANDS = commands([
  [
    'copy',
    -3,
    'w',
    (ks, a) => {
      let replace = false
      let target = ks
      for (let j = 2; j < a.length; j++) {
        const o = option(a[j])
        if (o === 'REPLACE') replace = true
        else if (o === 'DB' && j + 1 < a.length) {
          target = databaseOf(ks, arg(a, ++j))
        } else fail(ERR.syntax)
      }
      const src = keyOf(arg(a, 0))
      const dst = keyOf(arg(a, 1))
      if (target === ks && src === dst) fail(SAME_OBJECT)
      const value = ks.get(src)
      if (!value) return 0
      const expiry = ks.expiresAt(src)
      if (target.get(dst)) {
        if (!replace) return 0
        target.delete(dst)
      }
      copyValue(target, dst, value)
      target.setExpiry(dst, expiry)
      return 1
    },
  ],
  // Redis 7.0 allows SELECT in scripts, for the script's own run (the caller's database is
  // restored after it); the connection or the script records the index once this answers OK
  [
    'select',
    2,
    'r',
    (ks, a) => {
      databaseOf(ks, arg(a, 0))
      return OK
    },
  ],
  [
    'move',
    3,
    'w',
    (ks, a) => {
      const target = databaseOf(ks, arg(a, 1))
      if (target === ks) fail(SAME_OBJECT)
      const key = keyOf(arg(a, 0))
      if (!ks.get(key)) return 0
      if (target.get(key)) return 0
      ks.moveTo(key, target)
      return 1
    },
  ],
  [
    'swapdb',
    3,
    'w',
    (ks, a) => {
      const first = indexOr(arg(a, 0), 'ERR invalid first DB index')
      const second = indexOr(arg(a, 1), 'ERR invalid second DB index')
      const one = ks.database(first)
      const two = ks.database(second)
      if (!one || !two) fail(OUT_OF_RANGE)
      if (one !== two) one.swapWith(two)
      return OK
    },
  ],
])

// --- internal ---

const SAME_OBJECT = 'ERR source and destination objects are the same'
const OUT_OF_RANGE = 'ERR DB index is out of range'

/**
 * A database index read as Redis reads it (getIntFromObjectOrReply, then `selectDb`): the
 * store's database, or Redis's errors.
 */
function databaseOf(ks: Keyspace, text: Buffer): Keyspace {
  const db = parseBigInt(text)
  // a 64-bit integer beyond C's int
  if (db < -2147483648n || db > 2147483647n) fail('ERR value is out of range, value must between -2147483648 and 2147483647')
  if (db < 0n || db >= 16n) fail(OUT_OF_RANGE)
  const found = ks.database(Number(db))
  // a keyspace made on its own has database 0 only, as a server with `databases 1`
  if (!found) fail(OUT_OF_RANGE)
  return found
}

/** SWAPDB's index: any failure to read a C int answers `message` (getIntFromObjectOrReply with a message). */
function indexOr(text: Buffer, message: string): number {
  const db = parseBigInt(text, message)
  if (db < -2147483648n || db > 2147483647n) fail(message)
  return Number(db)
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
