import { footerValid, PAYLOAD_WRONG, withFooter } from '../scripting/function-dump.js'
import { keyOf, parseBigInt } from '../store/args.js'
import { setIdle } from '../store/idle-times.js'
import type { Keyspace } from '../store/keyspace.js'
import { ERR, fail, OK, type Reply } from '../store/replies.js'
import { arg, commands } from './command.js'
import { loadObject } from './rdb-load.js'
import { saveObject } from './rdb-save.js'

/**
 * DUMP and RESTORE as Redis 7.0.15's cluster.c `dumpCommand` / `restoreCommand`: the payload
 * is the value's RDB record (rdb-save.ts), RDB version 10 and a CRC-64 (function-dump.ts,
 * shared with FUNCTION DUMP). RESTORE reads its options first (REPLACE, ABSTTL, IDLETIME,
 * FREQ: one of the last two), then refuses an existing key (BUSYKEY), then reads the TTL,
 * checks the footer and reads the record (rdb-load.ts); a TTL already past deletes the key
 * it replaces and creates none, as Redis does. FREQ is read and checked, then ignored, as
 * under Redis's default (not LFU) policy.
 */
export const DUMP_RESTORE_COMMANDS = commands([
  ['dump', 2, 'r', dump],
  ['restore', -4, 'w', restore],
])

// --- internal ---

const BAD_FORMAT = 'ERR Bad data format'

function dump(ks: Keyspace, a: Buffer[]): Reply {
  const v = ks.get(keyOf(arg(a, 0)))
  if (!v) return null
  return withFooter(saveObject(v))
}

function restore(ks: Keyspace, a: Buffer[]): Reply {
  let replace = false
  let absTtl = false
  let idle: bigint | undefined
  let freq: bigint | undefined
  for (let j = 3; j < a.length; j++) {
    const opt = arg(a, j).toString('latin1').toLowerCase()
    const more = j + 1 < a.length
    if (opt === 'replace') replace = true
    else if (opt === 'absttl') absTtl = true
    else if (opt === 'idletime' && more && freq === undefined) {
      idle = parseBigInt(arg(a, ++j))
      if (idle < 0n) fail('ERR Invalid IDLETIME value, must be >= 0')
    } else if (opt === 'freq' && more && idle === undefined) {
      freq = parseBigInt(arg(a, ++j))
      if (freq < 0n || freq > 255n) fail('ERR Invalid FREQ value, must be >= 0 and <= 255')
    } else fail(ERR.syntax)
  }
  const key = keyOf(arg(a, 0))
  if (!replace && ks.get(key)) fail('BUSYKEY Target key name already exists.')
  let ttl = parseBigInt(arg(a, 1))
  if (ttl < 0n) fail('ERR Invalid TTL value, must be >= 0')
  const payload = arg(a, 2)
  if (!footerValid(payload)) fail(PAYLOAD_WRONG)
  const value = loadObject(payload, (bytes) => ks.admit(bytes))
  if (!value) fail(BAD_FORMAT)
  const deleted = replace && ks.delete(key)
  // C's 64-bit sum: a TTL near LLONG_MAX wraps to a time already past
  if (ttl !== 0n && !absTtl) ttl = BigInt.asIntN(64, ttl + ks.timeMs)
  if (ttl !== 0n && ttl <= ks.timeMs) {
    if (deleted) ks.signal(key)
    return OK
  }
  ks.set(key, value)
  if (ttl !== 0n) ks.setExpiry(key, ttl)
  if (idle !== undefined) setIdle(value, ks.time, idle)
  ks.signal(key)
  return OK
}
