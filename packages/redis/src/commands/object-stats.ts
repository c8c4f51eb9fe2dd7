import { idleSeconds } from '../store/idle-times.js'
import type { Keyspace, RedisValue } from '../store/keyspace.js'
import { fail, type Reply } from '../store/replies.js'

/**
 * OBJECT REFCOUNT, IDLETIME and FREQ as Redis 7.0.15's object.c answers them for a key that
 * exists (a missing one is nil before these are reached), under the store's policy,
 * `noeviction` (INFO's `maxmemory_policy`):
 *
 * - REFCOUNT: 1, except a string Redis holds as one of its shared integers (`int` encoding,
 *   0 to 9999: OBJ_SHARED_INTEGERS, used while the policy is not LRU or LFU), whose count is
 *   OBJ_SHARED_REFCOUNT (INT_MAX). Every value here has one owner, the key, as a value of
 *   Redis's has outside a command.
 * - IDLETIME: whole seconds since the value was created or last looked up, by the store's
 *   clock (idle-times.ts); OBJECT's own lookups, as Redis's LOOKUP_NOTOUCH, leave it.
 * - FREQ: Redis's error for a policy that is not LFU, as no LFU policy is offered.
 */
export const OBJECT_STATS: ReadonlySet<string> = new Set(['refcount', 'idletime', 'freq'])

/** One of OBJECT_STATS for `v`, whose OBJECT ENCODING is `encoding`. */
export function objectStat(ks: Keyspace, name: string, v: RedisValue, encoding: string): Reply {
  switch (name) {
    case 'refcount':
      return sharedInteger(v, encoding) ? SHARED_REFCOUNT : 1
    case 'idletime':
      return idleSeconds(v, ks.time)
    default:
      return fail(NO_LFU)
  }
}

// --- internal ---

/** `OBJ_SHARED_REFCOUNT`. */
const SHARED_REFCOUNT = 2147483647
/** `OBJ_SHARED_INTEGERS`. */
const SHARED_INTEGERS = 10000
const NO_LFU =
  'ERR An LFU maxmemory policy is not selected, access frequency not tracked. Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust.'

function sharedInteger(v: RedisValue, encoding: string): boolean {
  if (v.type !== 'string' || encoding !== 'int') return false
  const n = Number(v.value.toString('latin1'))
  return n >= 0 && n < SHARED_INTEGERS
}
