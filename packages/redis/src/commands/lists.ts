import { keyOf, option, parseInteger } from '../store/args.js'
import type { Keyspace } from '../store/keyspace.js'
import { ERR, fail, OK, type Reply } from '../store/replies.js'
import { arg, commands } from './command.js'
import { ownedBytes } from '../store/owned-bytes.js'

/** List commands: pushes and pops (with counts), ranges, LREM/LSET/LTRIM/LPOS/LINSERT, moves. */
export const LIST_COMMANDS = commands([
  ['lpush', -3, 'w', (ks, a) => push(ks, a, true, false)],
  ['rpush', -3, 'w', (ks, a) => push(ks, a, false, false)],
  ['lpushx', -3, 'w', (ks, a) => push(ks, a, true, true)],
  ['rpushx', -3, 'w', (ks, a) => push(ks, a, false, true)],
  ['lpop', -2, 'w', (ks, a) => pop(ks, a, true)],
  ['rpop', -2, 'w', (ks, a) => pop(ks, a, false)],
  ['llen', 2, 'r', (ks, a) => ks.read(keyOf(arg(a, 0)), 'list')?.length ?? 0],
  [
    'lrange',
    4,
    'r',
    (ks, a) => {
      const start = parseInteger(arg(a, 1))
      const stop = parseInteger(arg(a, 2))
      const l = ks.read(keyOf(arg(a, 0)), 'list')
      if (!l) return []
      const [s, e] = clampRange(start, stop, l.length)
      return s > e ? [] : l.slice(s, e + 1)
    },
  ],
  [
    'lindex',
    3,
    'r',
    (ks, a) => {
      const l = ks.read(keyOf(arg(a, 0)), 'list')
      if (!l) return null
      const i = parseInteger(arg(a, 1))
      return l.at(i < 0 ? l.length + i : i) ?? null
    },
  ],
  [
    'lset',
    4,
    'w',
    (ks, a) => {
      const l = ks.read(keyOf(arg(a, 0)), 'list')
      if (!l) fail(ERR.noSuchKey)
      const i = parseInteger(arg(a, 1))
      const at = i < 0 ? l.length + i : i
      if (at < 0 || at >= l.length) fail(ERR.indexOutOfRange)
      l.set(at, ownedBytes(arg(a, 2)))
      return OK
    },
  ],
  [
    'ltrim',
    4,
    'w',
    (ks, a) => {
      const start = parseInteger(arg(a, 1))
      const stop = parseInteger(arg(a, 2))
      const key = keyOf(arg(a, 0))
      const l = ks.read(key, 'list')
      if (!l) return OK
      const [s, e] = clampRange(start, stop, l.length)
      if (s > e) l.keep(0, 0)
      else l.keep(s, e + 1)
      ks.dropIfEmpty(key)
      // Redis signals the key even when the range kept every element
      ks.signal(key)
      return OK
    },
  ],
  [
    'lrem',
    4,
    'w',
    (ks, a) => {
      const count = parseInteger(arg(a, 1))
      const key = keyOf(arg(a, 0))
      const l = ks.read(key, 'list')
      if (!l) return 0
      const limit = count === 0 ? Number.POSITIVE_INFINITY : Math.abs(count)
      const removed = l.removeEqual(arg(a, 2), limit, count < 0)
      ks.dropIfEmpty(key)
      return removed
    },
  ],
  ['rpoplpush', 3, 'w', (ks, a) => move(ks, arg(a, 0), arg(a, 1), false, true)],
  [
    'lmove',
    5,
    'w',
    (ks, a) => {
      const from = option(arg(a, 2))
      const to = option(arg(a, 3))
      if ((from !== 'LEFT' && from !== 'RIGHT') || (to !== 'LEFT' && to !== 'RIGHT')) fail(ERR.syntax)
      return move(ks, arg(a, 0), arg(a, 1), from === 'LEFT', to === 'LEFT')
    },
  ],
  ['lpos', -3, 'r', lpos],
  [
    'linsert',
    5,
    'w',
    (ks, a) => {
      const where = option(arg(a, 1))
      if (where !== 'BEFORE' && where !== 'AFTER') fail(ERR.syntax)
      const l = ks.read(keyOf(arg(a, 0)), 'list')
      if (!l) return 0
      const i = l.indexOf(arg(a, 2))
      if (i < 0) return -1
      l.splice(where === 'BEFORE' ? i : i + 1, 0, ownedBytes(arg(a, 3)))
      return l.length
    },
  ],
])

/** Redis's start/stop clamping for LRANGE/LTRIM/ZRANGE: returns inclusive [start, end]. */
export function clampRange(start: number, stop: number, len: number): [number, number] {
  let s = start < 0 ? len + start : start
  let e = stop < 0 ? len + stop : stop
  if (s < 0) s = 0
  if (e >= len) e = len - 1
  return [s, e]
}

// --- internal ---

const LONG_MIN = -(2 ** 63)

function push(ks: Keyspace, a: Buffer[], left: boolean, onlyExisting: boolean): Reply {
  const key = keyOf(arg(a, 0))
  if (onlyExisting && !ks.read(key, 'list')) return 0
  const l = ks.write(key, 'list')
  for (const v of a.slice(1)) {
    if (left) l.unshift(ownedBytes(v))
    else l.push(ownedBytes(v))
  }
  return l.length
}

function pop(ks: Keyspace, a: Buffer[], left: boolean): Reply {
  if (a.length > 2) fail(`ERR wrong number of arguments for '${left ? 'lpop' : 'rpop'}' command`)
  const key = keyOf(arg(a, 0))
  let count: number | undefined
  if (a.length === 2) {
    count = parseInteger(arg(a, 1), ERR.notPositive)
    if (count < 0) fail(ERR.notPositive)
  }
  const l = ks.read(key, 'list')
  if (!l) return null
  if (count === undefined) {
    const v = (left ? l.shift() : l.pop()) as Buffer
    ks.dropIfEmpty(key)
    return v
  }
  const from = Math.max(0, l.length - count)
  const out = left ? l.splice(0, count) : l.splice(from, l.length - from).reverse()
  ks.dropIfEmpty(key)
  return out
}

function move(ks: Keyspace, srcArg: Buffer, dstArg: Buffer, fromLeft: boolean, toLeft: boolean): Reply {
  const src = keyOf(srcArg)
  const dst = keyOf(dstArg)
  const l = ks.read(src, 'list')
  if (!l) return null
  ks.read(dst, 'list')
  const v = (fromLeft ? l.shift() : l.pop()) as Buffer
  ks.dropIfEmpty(src)
  const d = ks.write(dst, 'list')
  if (toLeft) d.unshift(v)
  else d.push(v)
  // Redis signals both keys, even when a list moved onto itself ends as it was
  ks.signal(src)
  ks.signal(dst)
  return v
}

function lpos(ks: Keyspace, a: Buffer[]): Reply {
  let rank = 1
  let count: number | undefined
  let maxlen = 0
  for (let i = 2; i < a.length; i++) {
    const o = option(a[i])
    const next = a[i + 1]
    if (next === undefined) fail(ERR.syntax)
    if (o === 'RANK') {
      rank = parseInteger(next)
      if (rank === 0)
        fail(
          "ERR RANK can't be zero: use 1 to start from the first match, 2 from the second ... or use negative to start from the end of the list",
        )
    } else if (o === 'COUNT') {
      // Redis's getPositiveLongFromObjectOrReply: one message for text and negatives
      count = parseInteger(next, "ERR COUNT can't be negative")
      if (count < 0) fail("ERR COUNT can't be negative")
    } else if (o === 'MAXLEN') {
      maxlen = parseInteger(next, "ERR MAXLEN can't be negative")
      if (maxlen < 0) fail("ERR MAXLEN can't be negative")
    } else fail(ERR.syntax)
    i++
  }
  const l = ks.read(keyOf(arg(a, 0)), 'list')
  if (!l) return count === undefined ? null : []
  const want = arg(a, 1)
  const found: number[] = []
  // Redis negates a negative rank in a long: LONG_MIN stays negative, so every match from
  // the tail counts as past the rank and COUNT's end test overflows and never stops it
  const minRank = rank === LONG_MIN
  const limit = count === undefined ? 1 : count === 0 || minRank ? Number.POSITIVE_INFINITY : count
  let skip = minRank ? 0 : Math.abs(rank) - 1
  const n = l.length
  for (let step = 0; step < n && (maxlen === 0 || step < maxlen) && found.length < limit; step++) {
    const i = rank > 0 ? step : n - 1 - step
    if (!(l.at(i) as Buffer).equals(want)) continue
    if (skip > 0) skip--
    else found.push(i)
  }
  if (count === undefined) return found[0] ?? null
  return found
}
