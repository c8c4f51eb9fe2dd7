import { keyBytes, keyOf, LLONG_MAX, option, parseBigInt, parseInteger } from '../store/args.js'
import type { Keyspace } from '../store/keyspace.js'
import { type Drawable, distinctMembers, drawnMembers, randomBelow, randomMember } from '../store/random-members.js'
import { doubleReply, ERR, fail, type Reply } from '../store/replies.js'
import type { SortedSet } from '../store/sorted-set.js'
import { arg, commands } from './command.js'
import { isIntset, members } from './sets.js'

/**
 * Most members a negative count draws (with repeats) in one reply: Redis would build a
 * reply of any length (`SRANDMEMBER k -9223372036854775807` until its memory runs out);
 * past this bound the command answers `ERR value is out of range` (a deviation).
 */
export const MAX_DRAWS = 1 << 20

/**
 * SPOP, SRANDMEMBER, ZRANDMEMBER and HRANDFIELD, checked as Redis 7.0 checks them: a
 * count past 3 arguments is a syntax error (SPOP, SRANDMEMBER) or names WITHSCORES /
 * WITHVALUES; SPOP's count is `getPositiveLong` (text and negatives: `ERR value is out of
 * range, must be positive`), the others' `getRangeLong(-LONG_MAX, LONG_MAX)`, and at most
 * ±LONG_MAX/2 with scores or values. The count is read before the key; a missing key is
 * nil without a count, an empty array with one. A positive count covering the collection
 * answers all of it in Redis's order (sets as SMEMBERS, sorted sets highest score first,
 * hashes in field order); a negative one draws that many with repeats.
 */
export const RANDOM_PICK_COMMANDS = commands([
  ['spop', -2, 'w', spop],
  ['srandmember', -2, 'r', srandmember],
  ['zrandmember', -2, 'r', zrandmember],
  ['hrandfield', -2, 'r', hrandfield],
])

// --- internal ---

const HALF_LONG_MAX = LLONG_MAX / 2n

/** Redis's `SPOP_MOVE_STRATEGY_MUL`: SPOP moves the members left to a new set once count ≥ 5 × them. */
const SPOP_MOVE_STRATEGY_MUL = 5

function spop(ks: Keyspace, a: Buffer[]): Reply {
  if (a.length > 2) fail(ERR.syntax)
  const key = keyOf(arg(a, 0))
  if (a.length === 1) {
    const s = ks.read(key, 'set')
    if (!s) return null
    const m = randomMember(s, s)
    s.delete(m)
    ks.dropIfEmpty(key)
    return keyBytes(m)
  }
  const count = parseInteger(arg(a, 1), ERR.notPositive)
  if (count < 0) fail(ERR.notPositive)
  const s = ks.read(key, 'set')
  if (!s || count === 0) return []
  const picked = count >= s.size ? members(s) : distinctMembers(s, s, count).map(keyBytes)
  if (count >= s.size) s.clear()
  else for (const m of picked) s.delete(keyOf(m))
  // what a large count leaves Redis moves into a new set (`spopWithCountCommand`'s third
  // case), encoded anew: a set of integers that had been converted is an intset again
  if (s.size > 0 && s.size * SPOP_MOVE_STRATEGY_MUL <= count) {
    s.hashtable = false
    s.hashtable = !isIntset(s)
    s.intsetWidth = 2
  }
  ks.dropIfEmpty(key)
  return picked
}

function srandmember(ks: Keyspace, a: Buffer[]): Reply {
  if (a.length > 2) fail(ERR.syntax)
  const key = keyOf(arg(a, 0))
  if (a.length === 1) {
    const s = ks.read(key, 'set')
    return s ? keyBytes(randomMember(s, s)) : null
  }
  const n = rangeCount(arg(a, 1))
  const s = ks.read(key, 'set')
  if (!s || n === 0n) return []
  if (n < 0n) return draws(s, s, n).map(keyBytes)
  return n >= BigInt(s.size) ? members(s) : distinctMembers(s, s, Number(n)).map(keyBytes)
}

function zrandmember(ks: Keyspace, a: Buffer[]): Reply {
  const key = keyOf(arg(a, 0))
  if (a.length === 1) {
    const z = ks.read(key, 'zset')
    return z ? keyBytes((z.entries()[randomBelow(z.size)] as { member: string }).member) : null
  }
  const n = withCount(a, 'WITHSCORES')
  const z = ks.read(key, 'zset')
  if (!z || n === 0n) return []
  const withScores = a.length === 3
  const all = z.entries()
  const view = zsetView(z)
  const picked = n < 0n ? draws(z, view, n) : n >= BigInt(z.size) ? all.map((e) => e.member).reverse() : distinctMembers(z, view, Number(n))
  const out: Buffer[] = []
  for (const m of picked) {
    out.push(keyBytes(m))
    if (withScores) out.push(doubleReply(z.score(m) as number))
  }
  return out
}

function hrandfield(ks: Keyspace, a: Buffer[]): Reply {
  const key = keyOf(arg(a, 0))
  if (a.length === 1) {
    const h = ks.read(key, 'hash')
    return h ? keyBytes(randomMember(h, h)) : null
  }
  const n = withCount(a, 'WITHVALUES')
  const h = ks.read(key, 'hash')
  if (!h || n === 0n) return []
  const withValues = a.length === 3
  const picked = n < 0n ? draws(h, h, n) : n >= BigInt(h.size) ? [...h.keys()] : distinctMembers(h, h, Number(n))
  const out: Buffer[] = []
  for (const f of picked) {
    out.push(keyBytes(f))
    if (withValues) out.push(h.get(f) as Buffer)
  }
  return out
}

/** Redis's `getRangeLongFromObjectOrReply(c, o, -LONG_MAX, LONG_MAX, &l, NULL)`. */
function rangeCount(b: Buffer): bigint {
  const n = parseBigInt(b)
  if (n < -LLONG_MAX) fail(`ERR value is out of range, value must between ${-LLONG_MAX} and ${LLONG_MAX}`)
  return n
}

/** ZRANDMEMBER's and HRANDFIELD's count and option, in Redis's order of checks. */
function withCount(a: Buffer[], name: string): bigint {
  const n = rangeCount(arg(a, 1))
  if (a.length > 3 || (a.length === 3 && option(a[2]) !== name)) fail(ERR.syntax)
  if (a.length === 3 && (n < -HALF_LONG_MAX || n > HALF_LONG_MAX)) fail('ERR value is out of range')
  return n
}

/** A negative count's draws, with repeats (bounded by MAX_DRAWS). */
function draws(owner: object, c: Drawable, n: bigint): string[] {
  if (-n > BigInt(MAX_DRAWS)) fail('ERR value is out of range')
  return drawnMembers(owner, c, Number(-n))
}

function zsetView(z: SortedSet): Drawable {
  return {
    size: z.size,
    keys: () => z.entries().map((e) => e.member),
    has: (m) => z.score(m) !== undefined,
  }
}
