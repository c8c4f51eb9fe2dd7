import { ERR, fail } from '../store/replies.js'
import type { ZEntry } from '../store/sorted-set.js'

/**
 * One end of a lex range: `[a` / `(a` (a member text, inclusive or exclusive), or Redis's
 * shared min/max strings for `-` and `+`, which sort before and after every member.
 */
export interface LexBound {
  /** -1 for `-`, 1 for `+`, 0 for a member text. */
  readonly edge: -1 | 0 | 1
  readonly text: string
  readonly ex: boolean
}

/** A lex interval (`ZRANGEBYLEX key min max`). */
export interface LexRange {
  readonly min: LexBound
  readonly max: LexBound
}

/** Parses `min max` of a lex range (`zslParseLexRange`). */
export function lexRange(min: Buffer, max: Buffer): LexRange {
  return { min: lexBound(min), max: lexBound(max) }
}

/**
 * Where Redis's listpack walk over a lex range starts (`zzlFirstInLexRange`, or
 * `zzlLastInLexRange` backwards), or -1. Lex ranges assume equal scores; with mixed scores
 * Redis still walks its order (score, member) and stops at the first member out of range,
 * so the answer is not a filter of every member. (A skiplist-encoded set, over 128 members,
 * finds its start through random levels; its listpack walk is what is modelled.)
 */
export function lexStart(all: readonly ZEntry[], r: LexRange, rev: boolean): number {
  const n = all.length
  if (n === 0 || emptyRange(r)) return -1
  if (!atLeastMin((all[n - 1] as ZEntry).member, r) || !atMostMax((all[0] as ZEntry).member, r)) return -1
  if (!rev) {
    for (let i = 0; i < n; i++) {
      const m = (all[i] as ZEntry).member
      if (atLeastMin(m, r)) return atMostMax(m, r) ? i : -1
    }
  } else {
    for (let i = n - 1; i >= 0; i--) {
      const m = (all[i] as ZEntry).member
      if (atMostMax(m, r)) return atLeastMin(m, r) ? i : -1
    }
  }
  return -1
}

/**
 * The members Redis answers for a lex range: from the walk's start, `offset` skipped
 * without a range check, then up to `count` (negative: no limit) while each stays on the
 * range's far side (max going forwards, min backwards).
 */
export function lexWalk(all: readonly ZEntry[], r: LexRange, rev: boolean, offset = 0, count = -1): ZEntry[] {
  const out: ZEntry[] = []
  let i = lexStart(all, r, rev)
  if (i < 0 || offset < 0) return out
  const step = rev ? -1 : 1
  i += step * offset
  for (; i >= 0 && i < all.length && out.length !== count; i += step) {
    const e = all[i] as ZEntry
    if (!(rev ? atLeastMin(e.member, r) : atMostMax(e.member, r))) break
    out.push(e)
  }
  return out
}

// --- internal ---

function lexBound(b: Buffer): LexBound {
  const s = b.toString('latin1')
  if (s === '+') return { edge: 1, text: '', ex: true }
  if (s === '-') return { edge: -1, text: '', ex: true }
  if (s.startsWith('(')) return { edge: 0, text: s.slice(1), ex: true }
  if (s.startsWith('[')) return { edge: 0, text: s.slice(1), ex: false }
  return fail(ERR.minMaxLex)
}

/** Redis's `sdscmplex` of a member or bound with a bound. */
function compare(a: LexBound, b: LexBound): number {
  if (a.edge !== 0 && a.edge === b.edge) return 0
  if (a.edge === -1 || b.edge === 1) return -1
  if (a.edge === 1 || b.edge === -1) return 1
  return a.text < b.text ? -1 : a.text > b.text ? 1 : 0
}

function member(m: string): LexBound {
  return { edge: 0, text: m, ex: false }
}

function atLeastMin(m: string, r: LexRange): boolean {
  const c = compare(member(m), r.min)
  return r.min.ex ? c > 0 : c >= 0
}

function atMostMax(m: string, r: LexRange): boolean {
  const c = compare(member(m), r.max)
  return r.max.ex ? c < 0 : c <= 0
}

/** Ranges that can never match (`zslIsInLexRange`'s first test). */
function emptyRange(r: LexRange): boolean {
  const c = compare(r.min, r.max)
  return c > 0 || (c === 0 && (r.min.ex || r.max.ex))
}
