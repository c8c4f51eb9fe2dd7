import { keyOf, option, parseBigInt, parseDouble } from '../store/args.js'
import type { Keyspace } from '../store/keyspace.js'
import { ERR, fail, type Reply } from '../store/replies.js'
import { SortedSet, type ZEntry } from '../store/sorted-set.js'
import { arg, commands } from './command.js'
import { flatten, type RangeOptions, rangeOptions, zrangeEntries } from './zset-ranges.js'

type Op = 'union' | 'inter' | 'diff'
type Aggregate = 'SUM' | 'MIN' | 'MAX'

/**
 * ZRANGESTORE, and ZUNION/ZINTER/ZDIFF with their STORE forms and ZINTERCARD as Redis's
 * `zunionInterDiffGenericCommand` computes them: sets count as members of score 1; union
 * and intersection go through the inputs from the smallest to the largest (the order the
 * scores are added in), a NaN from a weight or a sum becomes 0.
 */
export const ZSET_STORE_COMMANDS = commands([
  [
    'zrangestore',
    -5,
    'w',
    (ks, a) => {
      const base: RangeOptions = { by: 'rank', rev: false, withScores: false, offset: 0, count: -1 }
      const entries = zrangeEntries(ks, arg(a, 1), arg(a, 2), arg(a, 3), rangeOptions(a, 4, base, true, true))
      return store(ks, arg(a, 0), entries)
    },
  ],
  ['zunionstore', -4, 'w', (ks, a) => store(ks, arg(a, 0), combine(ks, a, 1, 'union', 'zunionstore').entries)],
  ['zinterstore', -4, 'w', (ks, a) => store(ks, arg(a, 0), combine(ks, a, 1, 'inter', 'zinterstore').entries)],
  ['zdiffstore', -4, 'w', (ks, a) => store(ks, arg(a, 0), combine(ks, a, 1, 'diff', 'zdiffstore').entries)],
  ['zunion', -3, 'r', (ks, a) => reply(combine(ks, a, 0, 'union', 'zunion'))],
  ['zinter', -3, 'r', (ks, a) => reply(combine(ks, a, 0, 'inter', 'zinter'))],
  ['zdiff', -3, 'r', (ks, a) => reply(combine(ks, a, 0, 'diff', 'zdiff'))],
  [
    'zintercard',
    -3,
    'r',
    (ks, a) => {
      const { entries, limit } = combine(ks, a, 0, 'inter', 'zintercard')
      return limit > 0 && entries.length > limit ? limit : entries.length
    },
  ],
])

// --- internal ---

interface Combined {
  readonly entries: readonly ZEntry[]
  readonly withScores: boolean
  readonly limit: number
}

function reply(c: Combined): Reply {
  return flatten(c.entries, c.withScores)
}

/** An input: its members and scores (a set's members score 1), and its weight. */
interface Source {
  readonly members: ReadonlyMap<string, number>
  weight: number
}

/** Parses `numkeys key... [options]` at `at` and computes the result, sorted as a zset. */
function combine(ks: Keyspace, a: Buffer[], at: number, op: Op, name: string): Combined {
  const numkeys = parseBigInt(arg(a, at))
  if (numkeys < 1n) fail(`ERR at least 1 input key is needed for '${name}' command`)
  if (numkeys > BigInt(a.length - at - 1)) fail(ERR.syntax)
  const n = Number(numkeys)
  const sources: Source[] = a.slice(at + 1, at + 1 + n).map((k) => ({ members: membersOf(ks, k), weight: 1 }))
  const store = at === 1
  const card = name === 'zintercard'
  let aggregate: Aggregate = 'SUM'
  let withScores = false
  let limit = 0
  for (let j = at + 1 + n; j < a.length; ) {
    const remaining = a.length - j
    const o = option(a[j])
    if (op !== 'diff' && !card && remaining >= n + 1 && o === 'WEIGHTS') {
      for (const s of sources) s.weight = parseDouble(arg(a, ++j), 'ERR weight value is not a float')
      j++
    } else if (op !== 'diff' && !card && remaining >= 2 && o === 'AGGREGATE') {
      const how = option(a[j + 1])
      if (how !== 'SUM' && how !== 'MIN' && how !== 'MAX') fail(ERR.syntax)
      aggregate = how
      j += 2
    } else if (!store && !card && o === 'WITHSCORES') {
      withScores = true
      j++
    } else if (card && remaining >= 2 && o === 'LIMIT') {
      const l = parseBigInt(arg(a, j + 1), "ERR LIMIT can't be negative")
      if (l < 0n) fail("ERR LIMIT can't be negative")
      limit = Number(l)
      j += 2
    } else fail(ERR.syntax)
  }
  const result = op === 'diff' ? diff(sources) : unionOrInter(sources, op, aggregate)
  // Redis builds the result as a skiplist, which keeps a -0 score the non-STORE forms
  // answer; storing it converts a small one to a listpack, where -0 becomes 0
  const z = new SortedSet(!store)
  z.batch(() => {
    for (const [m, score] of result) z.add(m, score)
  })
  return { entries: z.entries(), withScores, limit }
}

function membersOf(ks: Keyspace, key: Buffer): ReadonlyMap<string, number> {
  const v = ks.get(keyOf(key))
  if (!v) return new Map()
  if (v.type === 'zset') return new Map(v.value.entries().map((e) => [e.member, e.score]))
  if (v.type === 'set') return new Map([...v.value].map((m) => [m, 1]))
  return fail(ERR.wrongType)
}

function unionOrInter(sources: Source[], op: Op, aggregate: Aggregate): Map<string, number> {
  // Redis's qsort by cardinality (glibc's merge sort keeps equal sizes in order)
  const sorted = [...sources].sort((x, y) => x.members.size - y.members.size)
  const out = new Map<string, number>()
  const weighted = (score: number, weight: number) => {
    const v = score * weight
    return Number.isNaN(v) ? 0 : v
  }
  if (op === 'union') {
    for (const s of sorted) {
      for (const [m, score] of s.members) {
        const v = weighted(score, s.weight)
        const cur = out.get(m)
        out.set(m, cur === undefined ? v : aggregated(cur, v, aggregate))
      }
    }
    return out
  }
  const [first, ...rest] = sorted as [Source, ...Source[]]
  outer: for (const [m, score] of first.members) {
    let acc = weighted(score, first.weight)
    for (const s of rest) {
      const other = s.members.get(m)
      if (other === undefined) continue outer
      acc = aggregated(acc, other * s.weight, aggregate)
    }
    out.set(m, acc)
  }
  return out
}

function diff(sources: Source[]): Map<string, number> {
  const [first, ...rest] = sources as [Source, ...Source[]]
  const out = new Map<string, number>()
  for (const [m, score] of first.members) if (!rest.some((s) => s.members.has(m))) out.set(m, score)
  return out
}

/** Redis's `zunionInterAggregate`: a NaN sum becomes 0; MIN and MAX keep the old score against a NaN. */
function aggregated(target: number, value: number, how: Aggregate): number {
  if (how === 'SUM') {
    const sum = target + value
    return Number.isNaN(sum) ? 0 : sum
  }
  // biome-ignore lint/complexity/useMathMinMax: Math.min/max answer NaN, C's comparison keeps the old score
  if (how === 'MIN') return value < target ? value : target
  // biome-ignore lint/complexity/useMathMinMax: as above
  return value > target ? value : target
}

/** Replaces `dst` with `entries` (its TTL dropped), or deletes it when there are none; the count. */
function store(ks: Keyspace, dst: Buffer, entries: readonly ZEntry[]): number {
  const key = keyOf(dst)
  ks.delete(key)
  if (entries.length === 0) return 0
  const z = ks.write(key, 'zset')
  z.batch(() => {
    for (const e of entries) z.add(e.member, e.score)
  })
  return entries.length
}
