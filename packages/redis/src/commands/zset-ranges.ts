import { keyBytes, keyOf, option, parseInteger } from '../store/args.js'
import { cStringStrtod } from '../store/c-numbers.js'
import type { Keyspace } from '../store/keyspace.js'
import { doubleReply, ERR, fail, type Reply } from '../store/replies.js'
import type { SortedSet, ZEntry } from '../store/sorted-set.js'
import { clampRange } from './lists.js'
import { lexRange, lexWalk } from './zset-lex.js'

/** A score interval (`(1`, `-inf`, `+inf`). */
export interface ScoreRange {
  readonly min: number
  readonly max: number
  readonly minEx: boolean
  readonly maxEx: boolean
}

/** Parses `min max` of a score range; Redis's error when either is not a float. */
export function scoreRange(min: Buffer, max: Buffer): ScoreRange {
  const a = scoreBound(min)
  const b = scoreBound(max)
  return { min: a.v, max: b.v, minEx: a.ex, maxEx: b.ex }
}

/** Whether an entry lies in a score range. */
export function inScore(e: ZEntry, r: ScoreRange): boolean {
  return (r.minEx ? e.score > r.min : e.score >= r.min) && (r.maxEx ? e.score < r.max : e.score <= r.max)
}

/** The options after a range: `LIMIT offset count`, `WITHSCORES`, `REV`, `BYSCORE`, `BYLEX`. */
export interface RangeOptions {
  by: 'rank' | 'score' | 'lex'
  rev: boolean
  withScores: boolean
  offset: number
  count: number
}

/**
 * ZRANGE and the older ZRANGEBYSCORE/ZREVRANGE... forms, all over one implementation as in
 * Redis's `zrangeGenericCommand`. `a` is the arguments after the key's start/stop.
 */
export function zrange(ks: Keyspace, key: Buffer, start: Buffer, stop: Buffer, o: RangeOptions): Reply {
  return flatten(zrangeEntries(ks, key, start, stop, o), o.withScores)
}

/** The entries ZRANGE (and ZRANGESTORE) picks: the range parsed first, then the key's type checked. */
export function zrangeEntries(ks: Keyspace, key: Buffer, start: Buffer, stop: Buffer, o: RangeOptions): readonly ZEntry[] {
  let first = start
  let last = stop
  if (o.rev && o.by !== 'rank') [first, last] = [stop, start]
  if (o.by === 'rank') {
    const s0 = parseInteger(start)
    const e0 = parseInteger(stop)
    const z = ks.read(keyOf(key), 'zset')
    if (!z) return []
    const all = z.entries()
    const [s, e] = clampRange(s0, e0, all.length)
    if (s > e) return []
    return o.rev ? all.slice(all.length - 1 - e, all.length - s).reverse() : all.slice(s, e + 1)
  }
  if (o.by === 'score') {
    const r = scoreRange(first, last)
    const z = ks.read(keyOf(key), 'zset')
    return z ? select(z, (e) => inScore(e, r), o) : []
  }
  const r = lexRange(first, last)
  const z = ks.read(keyOf(key), 'zset')
  return z ? lexWalk(z.entries(), r, o.rev, o.offset, o.count) : []
}

/**
 * Parses trailing range options as Redis's `zrangeGenericCommand`: WITHSCORES and LIMIT in
 * every form; REV, BYSCORE and BYLEX only in ZRANGE (`unified`), once each, since the
 * older forms fix the direction and the range type. The conflicts are checked after:
 * LIMIT with a rank range (unless its count is -1, Redis's "no limit"), WITHSCORES with BYLEX.
 * ZRANGESTORE (`store`) takes no WITHSCORES.
 */
export function rangeOptions(a: Buffer[], from: number, base: RangeOptions, unified: boolean, store = false): RangeOptions {
  const o = { ...base }
  let directionSet = !unified
  let typeSet = !unified
  for (let i = from; i < a.length; i++) {
    const t = option(a[i])
    if (t === 'WITHSCORES' && !store) o.withScores = true
    else if (t === 'LIMIT' && i + 2 < a.length) {
      o.offset = parseInteger(a[i + 1] as Buffer)
      o.count = parseInteger(a[i + 2] as Buffer)
      i += 2
    } else if (t === 'REV' && !directionSet) {
      o.rev = true
      directionSet = true
    } else if ((t === 'BYSCORE' || t === 'BYLEX') && !typeSet) {
      o.by = t === 'BYSCORE' ? 'score' : 'lex'
      typeSet = true
    } else fail(ERR.syntax)
  }
  if (o.count !== -1 && o.by === 'rank') fail('ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX')
  if (o.withScores && o.by === 'lex') fail('ERR syntax error, WITHSCORES not supported in combination with BYLEX')
  return o
}

/** Entries as Redis replies them: members, or member/score pairs. */
export function flatten(entries: readonly ZEntry[], withScores: boolean): Buffer[] {
  const out: Buffer[] = []
  for (const e of entries) {
    out.push(keyBytes(e.member))
    if (withScores) out.push(doubleReply(e.score))
  }
  return out
}

// --- internal ---

function select(z: SortedSet, test: (e: ZEntry) => boolean, o: RangeOptions): ZEntry[] {
  const all = z.entries()
  const out: ZEntry[] = []
  if (o.offset < 0) return out
  let skip = o.offset
  const max = o.count < 0 ? Number.POSITIVE_INFINITY : o.count
  const n = all.length
  for (let step = 0; step < n && out.length < max; step++) {
    const e = all[o.rev ? n - 1 - step : step] as ZEntry
    if (!test(e)) continue
    if (skip > 0) skip--
    else out.push(e)
  }
  return out
}

/** A score bound as Redis's `zslParseRange` reads it: bare strtod over the C string after an optional `(`. */
function scoreBound(b: Buffer): { v: number; ex: boolean } {
  const s = b.toString('latin1')
  const ex = s.startsWith('(')
  const v = cStringStrtod(ex ? s.slice(1) : s)
  if (v === undefined) fail(ERR.minMaxFloat)
  return { v, ex }
}
