import { keyBytes, keyOf, option, parseInteger } from '../store/args.js'
import type { Keyspace } from '../store/keyspace.js'
import { doubleReply, ERR, fail, type Reply } from '../store/replies.js'
import type { SortedSet, ZEntry } from '../store/sorted-set.js'
import { clampRange } from './lists.js'

/** A score interval (`(1`, `-inf`, `+inf`). */
export interface ScoreRange {
  readonly min: number
  readonly max: number
  readonly minEx: boolean
  readonly maxEx: boolean
}

/** A lex interval (`[a`, `(a`, `-`, `+`), bounds as latin1 strings; null = unbounded. */
export interface LexRange {
  readonly min: string | null
  readonly max: string | null
  readonly minEx: boolean
  readonly maxEx: boolean
  readonly minInf: boolean
  readonly maxInf: boolean
}

/** Parses `min max` of a score range; Redis's error when either is not a float. */
export function scoreRange(min: Buffer, max: Buffer): ScoreRange {
  const a = scoreBound(min)
  const b = scoreBound(max)
  return { min: a.v, max: b.v, minEx: a.ex, maxEx: b.ex }
}

/** Parses `min max` of a lex range. */
export function lexRange(min: Buffer, max: Buffer): LexRange {
  const a = lexBound(min)
  const b = lexBound(max)
  return { min: a.v, max: b.v, minEx: a.ex, maxEx: b.ex, minInf: a.inf < 0 ? false : a.inf > 0, maxInf: b.inf > 0 ? false : b.inf < 0 }
}

/** Whether an entry lies in a score range. */
export function inScore(e: ZEntry, r: ScoreRange): boolean {
  return (r.minEx ? e.score > r.min : e.score >= r.min) && (r.maxEx ? e.score < r.max : e.score <= r.max)
}

/** Whether a member lies in a lex range. */
export function inLex(m: string, r: LexRange): boolean {
  if (r.minInf || r.maxInf) return false
  if (r.min !== null && (r.minEx ? m <= r.min : m < r.min)) return false
  if (r.max !== null && (r.maxEx ? m >= r.max : m > r.max)) return false
  return true
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
    const picked = o.rev ? all.slice(all.length - 1 - e, all.length - s).reverse() : all.slice(s, e + 1)
    return flatten(picked, o.withScores)
  }
  const test: (e: ZEntry) => boolean =
    o.by === 'score'
      ? (
          (r) => (e: ZEntry) =>
            inScore(e, r)
        )(scoreRange(first, last))
      : (
          (r) => (e: ZEntry) =>
            inLex(e.member, r)
        )(lexRange(first, last))
  const z = ks.read(keyOf(key), 'zset')
  if (!z) return []
  return flatten(select(z, test, o), o.withScores)
}

/** Parses trailing range options; `allowed` names what this command form accepts. */
export function rangeOptions(
  a: Buffer[],
  from: number,
  base: RangeOptions,
  allowed: { by: boolean; rev: boolean; scores: boolean },
): RangeOptions {
  const o = { ...base }
  let limit = false
  for (let i = from; i < a.length; i++) {
    const t = option(a[i])
    if (t === 'WITHSCORES' && allowed.scores) o.withScores = true
    else if (t === 'LIMIT' && i + 2 < a.length) {
      o.offset = parseInteger(a[i + 1] as Buffer)
      o.count = parseInteger(a[i + 2] as Buffer)
      limit = true
      i += 2
    } else if (t === 'BYSCORE' && allowed.by && o.by === 'rank') o.by = 'score'
    else if (t === 'BYLEX' && allowed.by && o.by === 'rank') o.by = 'lex'
    else if (t === 'REV' && allowed.rev) o.rev = true
    else fail(ERR.syntax)
  }
  if (limit && o.by === 'rank') fail('ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX')
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

function scoreBound(b: Buffer): { v: number; ex: boolean } {
  const s = b.toString('latin1')
  const ex = s.startsWith('(')
  const text = ex ? s.slice(1) : s
  const lower = text.toLowerCase()
  let v: number
  if (lower === 'inf' || lower === '+inf') v = Number.POSITIVE_INFINITY
  else if (lower === '-inf') v = Number.NEGATIVE_INFINITY
  else if (/^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(text)) v = Number(text)
  else fail(ERR.minMaxFloat)
  return { v, ex }
}

function lexBound(b: Buffer): { v: string | null; ex: boolean; inf: number } {
  const s = b.toString('latin1')
  if (s === '+') return { v: null, ex: false, inf: 1 }
  if (s === '-') return { v: null, ex: false, inf: -1 }
  if (s.startsWith('(')) return { v: s.slice(1), ex: true, inf: 0 }
  if (s.startsWith('[')) return { v: s.slice(1), ex: false, inf: 0 }
  return fail(ERR.minMaxLex)
}
