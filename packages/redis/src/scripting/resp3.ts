import { ErrorReply, type Reply, StatusReply } from '../store/replies.js'
import { commandError } from './lua-values.js'

/** Commands whose RESP3 reply is a map (field → value) where RESP2 has a flat array. */
const MAPS = new Set(['hgetall', 'xread'])
/** Commands whose RESP3 reply is a set. */
const SETS = new Set(['smembers', 'sinter', 'sunion', 'sdiff'])
/** Commands whose reply is a score: a RESP3 double (an array of them for ZMSCORE). */
const DOUBLES = new Set(['zscore', 'zincrby', 'zmscore', 'zadd'])
/** Commands whose WITHCOORD items end in a [longitude, latitude] pair of doubles. */
const GEO_SEARCHES = new Set(['geosearch', 'georadius', 'georadius_ro', 'georadiusbymember', 'georadiusbymember_ro'])
/**
 * Commands whose WITHSCORES reply becomes [member, double] pairs, with the index of their
 * first option (ZUNION/ZINTER/ZDIFF: after `numkeys` keys), so a key or member named
 * WITHSCORES is not taken for the option.
 */
const WITH_SCORES: ReadonlyMap<string, (args: readonly Buffer[]) => number> = new Map([
  ['zrange', () => 4],
  ['zrevrange', () => 4],
  ['zrangebyscore', () => 4],
  ['zrevrangebyscore', () => 4],
  ['zunion', afterKeys],
  ['zinter', afterKeys],
  ['zdiff', afterKeys],
  ['zrandmember', () => 3],
])

/**
 * A command's reply as a script that called `redis.setresp(3)` sees it, in the tagged form
 * the prelude turns into Redis's Lua values: `{resp3map = {k, v, ...}}` → `{map = {[k] = v}}`,
 * `{resp3set = {...}}` → `{set = {[m] = true}}`, `{resp3null = true}` → nil (a hole in an
 * array), `{double = n}` as is. Which commands answer maps, sets and doubles in RESP3 is
 * Redis 7.0's (HGETALL, XREAD, LCS IDX; SMEMBERS, SINTER, SUNION, SDIFF; scores of ZSCORE, ZMSCORE,
 * ZINCRBY, ZADD INCR, WITHSCORES ranges and ZUNION/ZINTER/ZDIFF, ZPOPMIN/ZPOPMAX, ZMPOP,
 * ZRANDMEMBER WITHSCORES, coordinates of GEOPOS and WITHCOORD; SPOP with a count answers a set,
 * HRANDFIELD WITHVALUES pairs).
 */
export function replyToLua3(name: string, args: readonly Buffer[], r: Reply): unknown {
  if (r === null) return NULL
  if (r instanceof ErrorReply) return commandError(r.message)
  if (r instanceof StatusReply) return { ok: r.status }
  if (typeof r === 'number') return r
  if (typeof r === 'bigint') return Number(r)
  if (Buffer.isBuffer(r)) return DOUBLES.has(name) ? double(r) : r
  const list = r as readonly Reply[]
  // XREAD's RESP2 reply is [[key, entries], ...]; HGETALL's is flat
  if (name === 'xread' || name === 'xreadgroup') return { resp3map: list.flatMap((pair) => (pair as readonly Reply[]).map(plain)) }
  if (name === 'xinfo') return xinfo3(args, list)
  if (MAPS.has(name)) return { resp3map: list.map(plain) }
  // LCS IDX answers a map {matches, len}; put len first, the order C Lua 5.1's `next` gives
  // these two keys in the table Redis builds (this engine's tables iterate in insertion order)
  if (name === 'lcs' && list.length === 4 && String(list[0]) === 'matches')
    return { resp3map: ([list[2], list[3], list[0], list[1]] as Reply[]).map(plain) }
  // SPOP with a count answers a set, even when empty; SRANDMEMBER an array
  if (SETS.has(name) || (name === 'spop' && args.length > 2)) return { resp3set: list.map(plain) }
  // HRANDFIELD WITHVALUES: [field, value] pairs
  if (name === 'hrandfield' && args.length === 4) return pairsOf(list.map(plain))
  if (name === 'zmscore') return list.map((x) => (Buffer.isBuffer(x) ? double(x) : NULL))
  const optionsAt = WITH_SCORES.get(name)
  if (optionsAt && args.slice(optionsAt(args)).some((a) => a.toString('latin1').toUpperCase() === 'WITHSCORES')) return pairs(list)
  if (name === 'zpopmin' || name === 'zpopmax') return args.length > 2 ? pairs(list) : scoreLast(list)
  // ZMPOP's [key, [[member, score], ...]]: already pairs under RESP2
  if (name === 'zmpop' && list.length === 2)
    return [list[0], (list[1] as readonly Reply[][]).map(([m, score]) => [m, double(score as Buffer)])]
  // coordinates are RESP3 doubles (Redis's addReplyHumanLongDouble), distances stay bulk strings
  if (name === 'geopos') return list.map((p) => (Array.isArray(p) ? coordinates(p) : NULL))
  if (GEO_SEARCHES.has(name))
    return list.map((x) => (Array.isArray(x) ? x.map((e: Reply) => (Array.isArray(e) ? coordinates(e) : plain(e))) : plain(x)))
  return list.map(plain)
}

// --- internal ---

const NULL = { resp3null: true }

function plain(r: Reply): unknown {
  if (r === null) return NULL
  if (r instanceof ErrorReply) return commandError(r.message)
  if (r instanceof StatusReply) return { ok: r.status }
  if (typeof r === 'number' || Buffer.isBuffer(r)) return r
  if (typeof r === 'bigint') return Number(r)
  return (r as readonly Reply[]).map(plain)
}

/** XINFO GROUPS and CONSUMERS: arrays of maps; STREAM: a map, whose FULL groups and their consumers are maps; HELP: lines. */
function xinfo3(args: readonly Buffer[], list: readonly Reply[]): unknown {
  const sub = args[1]?.toString('latin1').toLowerCase()
  if (sub === 'groups' || sub === 'consumers') return list.map((m) => map3(m))
  if (sub === 'stream') return map3(list, 'groups', (g) => map3(g, 'consumers', (c) => map3(c)))
  // XINFO HELP: status lines
  return list.map(plain)
}

/** A flat [key, value, ...] reply as a map; the array under `key` (if given) converted element by element with `each`. */
function map3(r: Reply, key?: string, each?: (r: Reply) => unknown): unknown {
  const l = r as readonly Reply[]
  return { resp3map: l.map((v, i) => (i % 2 === 1 && each && String(l[i - 1]) === key && Array.isArray(v) ? v.map(each) : plain(v))) }
}

function double(b: Buffer): { double: number } {
  const t = b.toString('latin1')
  return { double: t === 'inf' ? Number.POSITIVE_INFINITY : t === '-inf' ? Number.NEGATIVE_INFINITY : Number(t) }
}

function coordinates(pair: readonly Reply[]): unknown[] {
  return pair.map((c) => double(c as Buffer))
}

function pairs(list: readonly Reply[]): unknown[] {
  const out: unknown[] = []
  for (let i = 0; i + 1 < list.length; i += 2) out.push([list[i], double(list[i + 1] as Buffer)])
  return out
}

function pairsOf(list: readonly unknown[]): unknown[][] {
  const out: unknown[][] = []
  for (let i = 0; i + 1 < list.length; i += 2) out.push([list[i], list[i + 1]])
  return out
}

/** The index after ZUNION/ZINTER/ZDIFF's keys (`argv`: name, numkeys, keys...). */
function afterKeys(args: readonly Buffer[]): number {
  const n = Number.parseInt(args[1]?.toString('latin1') ?? '', 10)
  return Number.isFinite(n) && n > 0 ? 2 + n : args.length
}

function scoreLast(list: readonly Reply[]): unknown {
  return list.map((x, i) => (i === list.length - 1 && Buffer.isBuffer(x) ? double(x) : plain(x)))
}
