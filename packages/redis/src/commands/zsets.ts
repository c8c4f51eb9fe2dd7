import { keyOf, option, parseDouble, parseInteger } from '../store/args.js'
import type { Keyspace } from '../store/keyspace.js'
import { doubleReply, ERR, fail, type Reply } from '../store/replies.js'
import { arg, commands } from './command.js'
import { blockingPop, popMany } from './zset-pops.js'
import { lexRange, lexWalk } from './zset-lex.js'
import { inScore, type RangeOptions, rangeOptions, scoreRange, zrange } from './zset-ranges.js'

const ZADD_OPTIONS = new Set(['NX', 'XX', 'GT', 'LT', 'CH', 'INCR'])

const BASE: RangeOptions = { by: 'rank', rev: false, withScores: false, offset: 0, count: -1 }

/** Sorted-set commands, including the lex ranges and non-blocking BZPOPMIN/BZPOPMAX. */
export const ZSET_COMMANDS = commands([
  ['zadd', -4, 'w', zadd],
  [
    'zincrby',
    4,
    'w',
    (ks, a) => {
      // Redis runs ZINCRBY through ZADD's option parser: an increment naming an option leaves no pair
      if (ZADD_OPTIONS.has(option(a[1]))) fail(ERR.syntax)
      const by = parseDouble(arg(a, 1))
      const z = ks.write(keyOf(arg(a, 0)), 'zset')
      const m = keyOf(arg(a, 2))
      const next = incremented(z.score(m), by)
      if (Number.isNaN(next)) fail(ERR.nan)
      z.add(m, next)
      return doubleReply(next)
    },
  ],
  [
    'zrem',
    -3,
    'w',
    (ks, a) => {
      const key = keyOf(arg(a, 0))
      const z = ks.read(key, 'zset')
      if (!z) return 0
      const n = z.removeMany(a.slice(1).map(keyOf))
      ks.dropIfEmpty(key)
      return n
    },
  ],
  [
    'zscore',
    3,
    'r',
    (ks, a) => {
      const s = ks.read(keyOf(arg(a, 0)), 'zset')?.score(keyOf(arg(a, 1)))
      return s === undefined ? null : doubleReply(s)
    },
  ],
  [
    'zmscore',
    -3,
    'r',
    (ks, a) => {
      const z = ks.read(keyOf(arg(a, 0)), 'zset')
      return a.slice(1).map((m) => {
        const s = z?.score(keyOf(m))
        return s === undefined ? null : doubleReply(s)
      })
    },
  ],
  ['zcard', 2, 'r', (ks, a) => ks.read(keyOf(arg(a, 0)), 'zset')?.size ?? 0],
  [
    'zcount',
    4,
    'r',
    (ks, a) => {
      const r = scoreRange(arg(a, 1), arg(a, 2))
      const z = ks.read(keyOf(arg(a, 0)), 'zset')
      return z ? z.entries().filter((e) => inScore(e, r)).length : 0
    },
  ],
  [
    'zlexcount',
    4,
    'r',
    (ks, a) => {
      const r = lexRange(arg(a, 1), arg(a, 2))
      const z = ks.read(keyOf(arg(a, 0)), 'zset')
      return z ? lexWalk(z.entries(), r, false).length : 0
    },
  ],
  ['zrank', 3, 'r', (ks, a) => ks.read(keyOf(arg(a, 0)), 'zset')?.rank(keyOf(arg(a, 1))) ?? null],
  [
    'zrevrank',
    3,
    'r',
    (ks, a) => {
      const z = ks.read(keyOf(arg(a, 0)), 'zset')
      const r = z?.rank(keyOf(arg(a, 1)))
      return z && r !== undefined ? z.size - 1 - r : null
    },
  ],
  ['zrange', -4, 'r', (ks, a) => zrange(ks, arg(a, 0), arg(a, 1), arg(a, 2), rangeOptions(a, 3, BASE, true))],
  ['zrevrange', -4, 'r', (ks, a) => zrange(ks, arg(a, 0), arg(a, 1), arg(a, 2), rangeOptions(a, 3, { ...BASE, rev: true }, false))],
  ['zrangebyscore', -4, 'r', (ks, a) => zrange(ks, arg(a, 0), arg(a, 1), arg(a, 2), rangeOptions(a, 3, { ...BASE, by: 'score' }, false))],
  [
    'zrevrangebyscore',
    -4,
    'r',
    (ks, a) => zrange(ks, arg(a, 0), arg(a, 1), arg(a, 2), rangeOptions(a, 3, { ...BASE, by: 'score', rev: true }, false)),
  ],
  ['zrangebylex', -4, 'r', (ks, a) => zrange(ks, arg(a, 0), arg(a, 1), arg(a, 2), rangeOptions(a, 3, { ...BASE, by: 'lex' }, false))],
  [
    'zrevrangebylex',
    -4,
    'r',
    (ks, a) => zrange(ks, arg(a, 0), arg(a, 1), arg(a, 2), rangeOptions(a, 3, { ...BASE, by: 'lex', rev: true }, false)),
  ],
  [
    'zremrangebyscore',
    4,
    'w',
    (ks, a) => {
      const r = scoreRange(arg(a, 1), arg(a, 2))
      return removeWhere(ks, arg(a, 0), (e) => inScore(e, r))
    },
  ],
  [
    'zremrangebylex',
    4,
    'w',
    (ks, a) => {
      const r = lexRange(arg(a, 1), arg(a, 2))
      const z = ks.read(keyOf(arg(a, 0)), 'zset')
      const doomed = new Set(z ? lexWalk(z.entries(), r, false) : [])
      return removeWhere(ks, arg(a, 0), (e) => doomed.has(e))
    },
  ],
  [
    'zremrangebyrank',
    4,
    'w',
    (ks, a) => {
      const start = parseInteger(arg(a, 1))
      const stop = parseInteger(arg(a, 2))
      const z = ks.read(keyOf(arg(a, 0)), 'zset')
      if (!z) return 0
      const len = z.size
      let s = start < 0 ? len + start : start
      let e = stop < 0 ? len + stop : stop
      if (s < 0) s = 0
      if (e >= len) e = len - 1
      if (s > e || s >= len) return 0
      const doomed = new Set(z.entries().slice(s, e + 1))
      return removeWhere(ks, arg(a, 0), (x) => doomed.has(x))
    },
  ],
  ['zpopmin', -2, 'w', (ks, a) => popMany(ks, a, false)],
  ['zpopmax', -2, 'w', (ks, a) => popMany(ks, a, true)],
  ['bzpopmin', -3, 'w', (ks, a) => blockingPop(ks, a, false)],
  ['bzpopmax', -3, 'w', (ks, a) => blockingPop(ks, a, true)],
])

// --- internal ---

function zadd(ks: Keyspace, a: Buffer[]): Reply {
  let nx = false
  let xx = false
  let gt = false
  let lt = false
  let ch = false
  let incr = false
  let i = 1
  for (; i < a.length; i++) {
    const o = option(a[i])
    if (o === 'NX') nx = true
    else if (o === 'XX') xx = true
    else if (o === 'GT') gt = true
    else if (o === 'LT') lt = true
    else if (o === 'CH') ch = true
    else if (o === 'INCR') incr = true
    else break
  }
  const rest = a.length - i
  if (rest % 2 !== 0 || rest === 0) fail(ERR.syntax)
  if (nx && xx) fail('ERR XX and NX options at the same time are not compatible')
  if ((gt && nx) || (lt && nx) || (gt && lt)) fail('ERR GT, LT, and/or NX options at the same time are not compatible')
  if (incr && rest > 2) fail('ERR INCR option supports a single increment-element pair')
  const pairs: [number, string][] = []
  for (let j = i; j < a.length; j += 2) pairs.push([parseDouble(arg(a, j)), keyOf(arg(a, j + 1))])
  const key = keyOf(arg(a, 0))
  ks.read(key, 'zset')
  if (xx && !ks.get(key)) return incr ? null : 0
  const z = ks.write(key, 'zset')
  let added = 0
  let changed = 0
  let last: number | null = null
  const each = () => {
    for (const [score, m] of pairs) {
      const cur = z.score(m)
      if ((nx && cur !== undefined) || (xx && cur === undefined)) {
        if (incr) last = null
        continue
      }
      let next = score
      if (incr) {
        next = incremented(cur, score)
        if (Number.isNaN(next)) fail(ERR.nan)
      }
      if (cur !== undefined && ((gt && next <= cur) || (lt && next >= cur))) {
        if (incr) last = null
        continue
      }
      if (z.add(m, next)) added++
      else if (cur !== next) changed++
      last = next
    }
  }
  // many members: one merge into the order instead of an array insertion each
  if (pairs.length >= 16) z.batch(each)
  else each()
  ks.dropIfEmpty(key)
  if (incr) return last === null ? null : doubleReply(last)
  return ch ? added + changed : added
}

/** A score after an increment; a new member takes the increment itself (so -0 replies "-0"). */
function incremented(cur: number | undefined, by: number): number {
  return cur === undefined ? by : cur + by
}

function removeWhere(ks: Keyspace, keyArg: Buffer, test: (e: { member: string; score: number }) => boolean): number {
  const key = keyOf(keyArg)
  const z = ks.read(key, 'zset')
  if (!z) return 0
  const n = z.removeMany(
    z
      .entries()
      .filter(test)
      .map((e) => e.member),
  )
  ks.dropIfEmpty(key)
  return n
}
