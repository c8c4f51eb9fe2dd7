import { containerCallError } from '../scripting/script-commands.js'
import { keyOf, tryInteger } from '../store/args.js'
import type { Keyspace, RedisValue, StringForm } from '../store/keyspace.js'
import { errorText, fail, type Reply } from '../store/replies.js'
import { isListpackHash } from './collection-scans.js'
import { arg, commands } from './command.js'
import { OBJECT_STATS, objectStat } from './object-stats.js'
import { isIntset } from './sets.js'

/** Redis's `OBJ_ENCODING_EMBSTR_SIZE_LIMIT`: the longest string held in one allocation with its object. */
const EMBSTR_MAX = 44

/**
 * OBJECT ENCODING: the name of the encoding redis-server 7.0 would hold the key's value in,
 * from what this store tracks of it (the string's bytes and how it was made, a hash's or
 * set's sticky hashtable flag, a sorted set's listpack flag); nil for a missing key. OBJECT
 * HELP is answered with the other containers' help (help-replies.ts) before the store is
 * reached, and the container's unknown subcommands and arities are refused by the command
 * table (script-commands.ts). REFCOUNT, IDLETIME and FREQ: object-stats.ts.
 */
export const OBJECT_COMMANDS = commands([['object', -2, 'r', object]])

/** The encoding OBJECT ENCODING names for a value, as Redis 7.0's `strEncoding`. */
export function encodingOf(v: RedisValue): string {
  switch (v.type) {
    case 'string':
      return stringEncoding(v.value, v.form)
    case 'list':
      // Redis 7.0 holds every list as a quicklist (7.2 added small listpack lists)
      return 'quicklist'
    case 'hash':
      return isListpackHash(v.value) ? 'listpack' : 'hashtable'
    case 'set':
      // 7.0 has no listpack sets (7.2 added them)
      return isIntset(v.value) ? 'intset' : 'hashtable'
    case 'zset':
      return v.value.listpack ? 'listpack' : 'skiplist'
    case 'stream':
      return 'stream'
  }
}

// --- internal ---

function object(ks: Keyspace, a: Buffer[]): Reply {
  // called as the connection and scripts call it, these were refused already
  const refused = containerCallError('object', [Buffer.from('object'), ...a])
  if (refused) fail(refused)
  const sub = arg(a, 0)
  const name = sub.toString('latin1').toLowerCase()
  if (name !== 'encoding' && !OBJECT_STATS.has(name)) {
    fail(errorText("ERR unknown subcommand '", { arg: sub, max: 128 }, "'. Try OBJECT HELP."))
  }
  // a lookup that leaves the key as it is (Redis's LOOKUP_NOTOUCH), an expired key missing
  const v = ks.peek(keyOf(arg(a, 1)))
  if (!v) return null
  return name === 'encoding' ? Buffer.from(encodingOf(v)) : objectStat(ks, name, v, encodingOf(v))
}

/**
 * `tryObjectEncoding` for a value set from an argument: int for the text of a 64-bit integer
 * of at most 20 bytes (no sign but `-`, no leading zero, no space), embstr up to 44 bytes,
 * else raw; what APPEND or SETRANGE grew is raw, what INCRBYFLOAT wrote never int.
 */
function stringEncoding(value: Buffer, form: StringForm | undefined): string {
  if (form === 'raw') return 'raw'
  if (form === undefined && tryInteger(value) !== undefined) return 'int'
  return value.length <= EMBSTR_MAX ? 'embstr' : 'raw'
}
