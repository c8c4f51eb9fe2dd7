import { keyOf, option, parseBigInt } from '../store/args.js'
import type { Keyspace } from '../store/keyspace.js'
import { ERR, fail, type Reply } from '../store/replies.js'
import type { Stream, StreamEntry } from '../store/stream.js'
import { compareIds, idText, MAX_U64, nextId, parseFullId, prevId, type StreamId } from '../store/stream-id.js'
import { arg, commands } from './command.js'
import { parseAddOrTrim } from './stream-args.js'
import { ownedBytes } from '../store/owned-bytes.js'

/** Stream commands: XADD (with trimming), XLEN, XRANGE, XREVRANGE, XDEL, XTRIM. */
export const STREAM_COMMANDS = commands([
  ['xadd', -5, 'w', xadd],
  ['xlen', 2, 'r', (ks, a) => ks.read(keyOf(arg(a, 0)), 'stream')?.size ?? 0],
  ['xrange', -4, 'r', (ks, a) => range(ks, a, false)],
  ['xrevrange', -4, 'r', (ks, a) => range(ks, a, true)],
  [
    'xdel',
    -3,
    'w',
    (ks, a) => {
      // the key is looked up first: a missing one answers 0 whatever the IDs
      const s = ks.read(keyOf(arg(a, 0)), 'stream')
      if (!s) return 0
      const ids = a.slice(1).map((x) => parseFullId(x, 0n, true))
      return s.deleteMany(ids)
    },
  ],
  [
    'xtrim',
    -4,
    'w',
    (ks, a) => {
      const { trim } = parseAddOrTrim(a.slice(1), false)
      const s = ks.read(keyOf(arg(a, 0)), 'stream')
      return s && trim ? s.trim(trim) : 0
    },
  ],
])

// --- internal ---

/** XADD in `xaddCommand`'s order: options and ID, field count, 0-0, key, exhausted stream, ID order. */
function xadd(ks: Keyspace, a: Buffer[]): Reply {
  const parsed = parseAddOrTrim(a.slice(1), true)
  const fields = a.slice(parsed.idAt + 2)
  if (fields.length < 2 || fields.length % 2 !== 0) fail("ERR wrong number of arguments for 'xadd' command")
  const given = parsed.id
  if (given && given.ms === 0n && given.seq === 0n) fail('ERR The ID specified in XADD must be greater than 0-0')
  const key = keyOf(arg(a, 0))
  const existing = ks.read(key, 'stream')
  if (!existing && parsed.noMkStream) return null
  const last = existing?.lastId ?? { ms: 0n, seq: 0n }
  if (last.ms === MAX_U64 && last.seq === MAX_U64) fail('ERR The stream has exhausted the last possible ID, unable to add more items')
  const id = newId(ks, last, given)
  if (compareIds(id, last) <= 0) fail('ERR The ID specified in XADD is equal or smaller than the target stream top item')
  const s = existing ?? ks.write(key, 'stream')
  s.append(
    id,
    fields.map((f) => ownedBytes(f)),
  )
  if (parsed.trim) s.trim(parsed.trim)
  return Buffer.from(idText(id))
}

/** The ID XADD gives the entry: `*` from the clock, `ms-*` after the last seq, or as given. */
function newId(ks: Keyspace, last: StreamId, given: { ms: bigint; seq: bigint | undefined } | undefined): StreamId {
  if (!given) {
    const ms = ks.timeMs
    return ms > last.ms ? { ms, seq: 0n } : (nextId(last) as StreamId)
  }
  if (given.seq !== undefined) return { ms: given.ms, seq: given.seq }
  if (given.ms !== last.ms) return { ms: given.ms, seq: 0n }
  // Redis 7.0 reports a seq that cannot grow with this text
  if (last.seq === MAX_U64) fail('ERR Elements are too large to be stored')
  return { ms: given.ms, seq: last.seq + 1n }
}

/**
 * XRANGE / XREVRANGE as `xrangeGenericCommand`: the start bound (incremented when
 * exclusive), the end bound (decremented), COUNT options (the last wins; negative is 0),
 * then the key; COUNT 0 answers nil for an existing stream.
 */
function range(ks: Keyspace, a: Buffer[], rev: boolean): Reply {
  const [startArg, endArg] = rev ? [arg(a, 2), arg(a, 1)] : [arg(a, 1), arg(a, 2)]
  const start = bound(startArg, 0n, nextId, 'ERR invalid start ID for the interval')
  const end = bound(endArg, MAX_U64, prevId, 'ERR invalid end ID for the interval')
  let count = -1n
  for (let i = 3; i < a.length; i++) {
    if (option(a[i]) !== 'COUNT' || i + 1 >= a.length) fail(ERR.syntax)
    count = parseBigInt(arg(a, ++i))
    if (count < 0n) count = 0n
  }
  const s = ks.read(keyOf(arg(a, 0)), 'stream')
  if (!s) return []
  if (count === 0n) return null
  return entriesBetween(s, start, end, rev, count)
}

/** A range bound: `-`, `+`, `ms` (missing seq), or `(id` exclusive, stepped by `step` (XPENDING and XAUTOCLAIM too). */
export function bound(b: Buffer, missingSeq: bigint, step: (id: StreamId) => StreamId | undefined, invalid: string): StreamId {
  const exclusive = b.length > 1 && b[0] === 0x28
  if (!exclusive) return parseFullId(b, missingSeq, false)
  const id = step(parseFullId(b.subarray(1), missingSeq, true))
  if (!id) fail(invalid)
  return id
}

function entriesBetween(s: Stream, start: StreamId, end: StreamId, rev: boolean, count: bigint): Reply {
  if (compareIds(start, end) > 0) return []
  const from = s.lowerBound(start)
  let to = s.lowerBound(end)
  const last = s.entries[to]
  if (last && compareIds(last.id, end) === 0) to++
  const picked = s.entries.slice(from, to)
  if (rev) picked.reverse()
  const out: Reply[] = []
  for (const e of count < 0n ? picked : picked.slice(0, Number(count))) out.push(entryReply(e))
  return out
}

function entryReply(e: StreamEntry): Reply {
  return [Buffer.from(idText(e.id)), [...e.fields]]
}
