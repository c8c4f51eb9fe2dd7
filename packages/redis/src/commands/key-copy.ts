import { keyOf, option, parseBigInt } from '../store/args.js'
import type { Keyspace, RedisValue } from '../store/keyspace.js'
import { ERR, fail } from '../store/replies.js'
import { arg, commands } from './command.js'
import { ownedBytes } from '../store/owned-bytes.js'

/**
 * COPY as Redis 7.0's `copyCommand`: options first (REPLACE, `DB n`), then the same-key
 * check, then the copy with the source's expiry. The store has one database (0): `DB 0` is
 * it, `DB 1` to `DB 15` (valid in Redis) answer an error of their own, others Redis's
 * out-of-range error.
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
          const db = parseBigInt(arg(a, ++j))
          // Redis's getIntFromObjectOrReply: a 64-bit integer beyond C's int
          if (db < -2147483648n || db > 2147483647n) fail('ERR value is out of range, value must between -2147483648 and 2147483647')
          if (db < 0n || db >= 16n) fail('ERR DB index is out of range')
          if (db !== 0n) fail('ERR COPY to another database is not supported by this store (it has database 0 only)')
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
])

// --- internal ---

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
