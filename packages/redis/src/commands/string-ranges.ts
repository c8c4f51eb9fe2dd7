import { keyOf, parseBigInt } from '../store/args.js'
import { fail, type Reply } from '../store/replies.js'
import type { Keyspace } from '../store/keyspace.js'
import { arg, commands } from './command.js'
import { getString, PROTO_MAX_BULK_LEN } from './strings.js'
import { ownedBytes } from '../store/owned-bytes.js'
import { writeString } from '../store/string-room.js'
import { readBits } from './bit-string.js'

/** GETRANGE (and its old name SUBSTR), SETRANGE and MSETNX, as Redis 7.0's t_string.c has them. */
export const STRING_RANGE_COMMANDS = commands([
  ['getrange', 4, 'r', getrange],
  ['substr', 4, 'r', getrange],
  [
    'setrange',
    4,
    'w',
    (ks, a) => {
      const offset = parseBigInt(arg(a, 1))
      if (offset < 0n) fail('ERR offset is out of range')
      const key = keyOf(arg(a, 0))
      const value = arg(a, 2)
      const before = readBits(ks, key)
      // setting nothing answers the length and writes nothing (no key is created)
      if (value.length === 0) return before?.length ?? 0
      if (offset + BigInt(value.length) > BigInt(PROTO_MAX_BULK_LEN)) {
        fail('ERR string exceeds maximum allowed size (proto-max-bulk-len)')
      }
      ks.admit(Number(offset) + value.length - (before?.length ?? 0))
      const exclusive = before !== undefined && ks.isExclusive(before)
      const next = writeString(before, Number(offset), value, exclusive)
      // raw, the key new or not (Redis builds or unshares it as a raw sds)
      ks.set(key, { type: 'string', value: next, form: 'raw' }, true)
      // bytes made here or written in place where only the store held them: the next write may go in place
      if (exclusive || next.buffer !== before?.buffer) ks.markExclusive(next)
      return next.length
    },
  ],
  [
    'msetnx',
    -3,
    'w',
    (ks, a) => {
      if (a.length % 2 !== 0) fail("ERR wrong number of arguments for 'msetnx' command")
      // any existing key, whatever its type, sets none
      for (let i = 0; i < a.length; i += 2) if (ks.get(keyOf(arg(a, i))) !== undefined) return 0
      for (let i = 0; i < a.length; i += 2) ks.set(keyOf(arg(a, i)), { type: 'string', value: ownedBytes(arg(a, i + 1)) })
      return 1
    },
  ],
])

// --- internal ---

function getrange(ks: Keyspace, a: Buffer[]): Reply {
  // the indexes are read before the key's type is checked
  const [from, to] = [parseBigInt(arg(a, 1)), parseBigInt(arg(a, 2))]
  return getRange(getString(ks, keyOf(arg(a, 0))), from, to)
}

/** Redis's getrangeCommand: negative indexes from the end, clamped, inclusive. */
function getRange(s: Buffer | undefined, from: bigint, to: bigint): Reply {
  const empty = Buffer.alloc(0)
  if (!s) return empty
  if (from < 0n && to < 0n && from > to) return empty
  const len = BigInt(s.length)
  let start = from < 0n ? len + from : from
  let end = to < 0n ? len + to : to
  if (start < 0n) start = 0n
  if (end < 0n) end = 0n
  if (end >= len) end = len - 1n
  if (start > end || len === 0n) return empty
  // a view, not a copy: the lookup counts as a hand-out, so a later write copies the value first (keyspace.ts)
  return s.subarray(Number(start), Number(end) + 1)
}
