import { keyBytes, keyOf, option, parseInteger } from '../store/args.js'
import { cString, scanStrtod } from '../store/c-numbers.js'
import type { Keyspace } from '../store/keyspace.js'
import { ownedBytes } from '../store/owned-bytes.js'
import { RedisList } from '../store/redis-list.js'
import { ERR, fail, type Reply } from '../store/replies.js'
import { arg, commands } from './command.js'
import { pqsort } from './pqsort.js'
import { members } from './sets.js'

/**
 * SORT and SORT_RO as Redis 7.0's sort.c: options read left to right (LIMIT, BY, GET,
 * ASC/DESC, ALPHA, STORE), the key's type checked after them; BY a pattern without `*` sorts
 * nothing (a list or sorted set keeps its order, LIMIT and DESC taken from it), except that a
 * set sorted from a script or into STORE is sorted ALPHA all the same, as 7.0 does for a
 * stable result. Numbers are read by `strtod` (a missing BY key counts 0), equal scores
 * ordered by the elements' bytes; ALPHA compares as `strcoll` in the C locale (the bytes up to
 * a NUL), a missing BY value first; equal ones stay in input order (glibc's merge sort is
 * stable), or, BY a pattern with a LIMIT, in the order Redis's partial quicksort leaves them
 * (pqsort.ts). A set's or sorted set's input order is Redis's hash table's where it is not an
 * intset: there, equal ALPHA BY values come out in another order than Redis's. A sorted set
 * it reads is a skiplist from then on (OBJECT ENCODING, ZSCAN, DUMP), as sort.c converts it.
 */
export const SORT_COMMANDS = commands([
  ['sort', -2, 'w', (ks, a) => sort(ks, a, false)],
  ['sort_ro', -2, 'r', (ks, a) => sort(ks, a, true)],
])

// --- internal ---

/** The most elements a SORT answers or stores (elements × GETs): 2^22, a reply of 32 MB of references. */
const MAX_OUTPUTS = 4 * 1024 * 1024

/** DBL_MIN, the smallest normal double. */
const MIN_NORMAL = 2.2250738585072014e-308

interface SortItem {
  readonly obj: Buffer
  score: number
  by: Buffer | undefined
}

function sort(ks: Keyspace, a: Buffer[], readOnly: boolean): Reply {
  let desc = false
  let alpha = false
  let limitStart = 0
  let limitCount = -1
  let sortBy: Buffer | undefined
  let dontSort = false
  let store: Buffer | undefined
  const gets: Buffer[] = []
  for (let j = 1; j < a.length; j++) {
    const left = a.length - j - 1
    const o = option(a[j])
    if (o === 'ASC') desc = false
    else if (o === 'DESC') desc = true
    else if (o === 'ALPHA') alpha = true
    else if (o === 'LIMIT' && left >= 2) {
      limitStart = parseInteger(arg(a, j + 1))
      limitCount = parseInteger(arg(a, j + 2))
      j += 2
    } else if (!readOnly && o === 'STORE' && left >= 1) store = a[++j]
    else if (o === 'BY' && left >= 1) {
      sortBy = arg(a, ++j)
      if (!cString(sortBy).includes('*')) dontSort = true
    } else if (o === 'GET' && left >= 1) gets.push(arg(a, ++j))
    else fail(ERR.syntax)
  }
  const v = ks.get(keyOf(arg(a, 0)))
  if (v !== undefined && v.type !== 'list' && v.type !== 'set' && v.type !== 'zset') fail(ERR.wrongType)
  if (dontSort && v?.type === 'set' && (store !== undefined || ks.fromScript)) {
    dontSort = false
    alpha = true
    sortBy = undefined
  }
  // sort.c: "Destructively convert encoded sorted sets for SORT" (SORT_RO too, errors after it alike)
  if (v?.type === 'zset') v.value.toSkiplist()
  const items = elements(v, dontSort, desc).map((obj): SortItem => ({ obj, score: 0, by: undefined }))
  const length = items.length
  let start = Math.min(Math.max(limitStart, 0), length)
  const count = Math.min(Math.max(limitCount, -1), length)
  let end = count < 0 ? length - 1 : start + count - 1
  if (start >= length) {
    start = length - 1
    end = length - 2
  }
  if (end >= length) end = length - 1
  // each GET multiplies the reply: bounded here, where Redis builds any length
  const outputs = Math.max(0, end - start + 1) * Math.max(gets.length, 1)
  if (outputs > MAX_OUTPUTS) fail(`ERR SORT would answer ${outputs} elements, more than this store's limit of ${MAX_OUTPUTS}`)
  if (!dontSort) {
    let badScore = false
    for (const item of items) {
      const by = sortBy === undefined ? item.obj : lookupByPattern(ks, sortBy, item.obj)
      if (by === undefined) continue
      if (alpha) item.by = sortBy === undefined ? undefined : by
      else {
        const score = strtodScore(by)
        if (score === undefined) badScore = true
        else item.score = score
      }
    }
    const asc = compareWith(alpha, sortBy !== undefined, store !== undefined)
    const cmp = desc ? (x: SortItem, y: SortItem) => -asc(x, y) : asc
    // Redis sorts partly, unstably, by a pattern with a LIMIT, else with glibc's (stable) merge sort
    if (sortBy !== undefined && (start !== 0 || end !== length - 1)) pqsort(items, cmp, start, end)
    else items.sort(cmp)
    if (badScore) fail("ERR One or more scores can't be converted into double")
  }
  const out: (Buffer | null)[] = []
  for (let j = start; j <= end; j++) {
    const obj = (items[j] as SortItem).obj
    if (gets.length === 0) out.push(obj)
    for (const g of gets) out.push(lookupByPattern(ks, g, obj) ?? (store === undefined ? null : Buffer.alloc(0)))
  }
  if (store === undefined) return out
  const dest = keyOf(store)
  if (out.length === 0) ks.delete(dest)
  else {
    const list = new RedisList()
    // stored values are never written in place: big ones are shared, small ones copied off Node's pool
    for (const x of out) list.push((x as Buffer).length < 4096 ? ownedBytes(x as Buffer) : (x as Buffer))
    ks.set(dest, { type: 'list', value: list })
  }
  return out.length
}

/** The elements to sort, in the order Redis loads them; with `dontSort`, lists and sorted sets in their order (DESC reversed). */
function elements(v: ReturnType<Keyspace['get']>, dontSort: boolean, desc: boolean): Buffer[] {
  if (v === undefined) return []
  let xs: Buffer[]
  if (v.type === 'list') xs = v.value.slice(0)
  else if (v.type === 'set') return members(v.value)
  else if (v.type === 'zset') xs = v.value.entries().map((e) => keyBytes(e.member))
  else return []
  return dontSort && desc ? xs.reverse() : xs
}

/** Redis's `lookupKeyByPattern`: `#` is the element; the first `*` replaced by it; `->field` reads a hash. */
function lookupByPattern(ks: Keyspace, pattern: Buffer, subst: Buffer): Buffer | undefined {
  const p = cString(pattern)
  if (p.length === 1 && p[0] === 0x23) return subst
  const star = p.indexOf(0x2a)
  if (star < 0) return undefined
  const arrow = p.indexOf('->', star + 1)
  const hasField = arrow >= 0 && arrow + 2 < p.length
  const field = hasField ? pattern.subarray(arrow + 2) : undefined
  const post = pattern.subarray(star + 1, hasField ? arrow : pattern.length)
  const key = keyOf(Buffer.concat([pattern.subarray(0, star), subst, post]))
  const v = ks.get(key)
  if (v === undefined) return undefined
  if (field !== undefined) return v.type === 'hash' ? v.value.get(keyOf(field)) : undefined
  return v.type === 'string' ? v.value : undefined
}

/** `strtod` as SORT checks it: the whole C string read (an empty one is 0), no range error, no NaN. */
function strtodScore(b: Buffer): number | undefined {
  const text = cString(b.toString('latin1'))
  const r = scanStrtod(text)
  if (r.end === 0 ? text.length !== 0 : r.end !== text.length) return undefined
  if (Number.isNaN(r.value)) return undefined
  // ERANGE: an overflow to infinity, an underflow to zero or to a subnormal (glibc sets it for both)
  if (!r.special && (!Number.isFinite(r.value) || (r.value === 0 && r.nonZero) || (r.value !== 0 && Math.abs(r.value) < MIN_NORMAL)))
    return undefined
  return r.value
}

function compareWith(alpha: boolean, byPattern: boolean, storing: boolean): (x: SortItem, y: SortItem) => number {
  if (!alpha) return (x, y) => (x.score > y.score ? 1 : x.score < y.score ? -1 : Buffer.compare(x.obj, y.obj))
  const text = (b: Buffer) => (storing ? b : cString(b))
  if (!byPattern) return (x, y) => Buffer.compare(text(x.obj), text(y.obj))
  return (x, y) => {
    if (x.by === undefined || y.by === undefined) return x.by === y.by ? 0 : x.by === undefined ? -1 : 1
    return Buffer.compare(text(x.by), text(y.by))
  }
}
