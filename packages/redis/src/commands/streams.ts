import { keyOf, option, parseInteger } from '../store/args.js'
import type { Keyspace } from '../store/keyspace.js'
import { ERR, fail, type Reply } from '../store/replies.js'
import { compareIds, idText, type Stream, type StreamEntry, type StreamId } from '../store/stream.js'
import { arg, commands } from './command.js'

const INVALID_ID = 'ERR Invalid stream ID specified as stream command argument'
/** Entries per listpack node (Redis's `stream-node-max-entries` default): `~` trims whole nodes. */
const NODE_ENTRIES = 100
const MAX_SEQ = Number.MAX_SAFE_INTEGER

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
      const ids = a.slice(1).map((x) => parseId(x, 0))
      const s = ks.read(keyOf(arg(a, 0)), 'stream')
      if (!s) return 0
      let n = 0
      for (const id of ids) {
        const i = s.lowerBound(id)
        const e = s.entries[i]
        if (e && compareIds(e.id, id) === 0) {
          s.entries.splice(i, 1)
          n++
        }
      }
      return n
    },
  ],
  [
    'xtrim',
    -4,
    'w',
    (ks, a) => {
      const trim = parseTrim(a, 1)
      if (!trim || trim.next !== a.length) fail(ERR.syntax)
      const s = ks.read(keyOf(arg(a, 0)), 'stream')
      return s ? applyTrim(s, trim) : 0
    },
  ],
])

// --- internal ---

interface Trim {
  readonly maxlen?: number
  readonly minid?: StreamId
  readonly approx: boolean
  readonly limit: number
  readonly next: number
}

function xadd(ks: Keyspace, a: Buffer[]): Reply {
  const key = keyOf(arg(a, 0))
  let i = 1
  let noMk = false
  let trim: Trim | undefined
  for (;;) {
    const o = option(a[i])
    if (o === 'NOMKSTREAM') {
      noMk = true
      i++
    } else if (o === 'MAXLEN' || o === 'MINID') {
      trim = parseTrim(a, i)
      i = trim.next
    } else break
  }
  const idArg = a[i]
  const fields = a.slice(i + 1)
  if (!idArg || fields.length === 0 || fields.length % 2 !== 0) fail("ERR wrong number of arguments for 'xadd' command")
  const spec = idArg.toString('latin1')
  const explicit = spec === '*' ? undefined : parseAddId(spec)
  let s = ks.read(key, 'stream')
  if (!s && noMk) return null
  const last = s?.lastId ?? { ms: 0, seq: 0 }
  let id: StreamId
  if (!explicit) {
    const ms = Math.max(ks.now, last.ms)
    id = { ms, seq: ms === last.ms ? last.seq + 1 : 0 }
  } else if (explicit.seq === undefined) {
    if (explicit.ms < last.ms) fail('ERR The ID specified in XADD is equal or smaller than the target stream top item')
    id = { ms: explicit.ms, seq: explicit.ms === last.ms ? last.seq + 1 : 0 }
  } else {
    id = { ms: explicit.ms, seq: explicit.seq }
    if (id.ms === 0 && id.seq === 0) fail('ERR The ID specified in XADD must be greater than 0-0')
    if (compareIds(id, last) <= 0) fail('ERR The ID specified in XADD is equal or smaller than the target stream top item')
  }
  s ??= ks.write(key, 'stream')
  s.append(
    id,
    fields.map((f) => Buffer.from(f)),
  )
  if (trim) applyTrim(s, trim)
  return Buffer.from(idText(id))
}

function parseTrim(a: Buffer[], at: number): Trim {
  const kind = option(a[at])
  let i = at + 1
  let approx = false
  const mod = a[i]?.toString('latin1')
  if (mod === '~' || mod === '=') {
    approx = mod === '~'
    i++
  }
  const threshold = a[i]
  if (!threshold) fail(ERR.syntax)
  i++
  let limit = approx ? NODE_ENTRIES * 100 : 0
  if (option(a[i]) === 'LIMIT') {
    const n = a[i + 1]
    if (!n) fail(ERR.syntax)
    limit = parseInteger(n)
    if (limit < 0) fail('ERR The LIMIT argument must be >= 0.')
    if (!approx) fail('ERR syntax error, LIMIT cannot be used without the special ~ option')
    i += 2
  }
  if (kind === 'MAXLEN') {
    const maxlen = parseInteger(threshold)
    if (maxlen < 0) fail('ERR The MAXLEN argument must be >= 0.')
    return { maxlen, approx, limit, next: i }
  }
  if (kind !== 'MINID') fail(ERR.syntax)
  return { minid: parseId(threshold, 0), approx, limit, next: i }
}

/**
 * Trims as Redis does: exactly with `=`; with `~` only whole nodes of NODE_ENTRIES from the
 * head, and at most `limit` entries (Redis's nodes also close at 4 KiB, which is not modelled).
 */
function applyTrim(s: Stream, t: Trim): number {
  const over = (e: StreamEntry | undefined, left: number) =>
    e !== undefined && (t.maxlen !== undefined ? left > t.maxlen : compareIds(e.id, t.minid as StreamId) < 0)
  let n = 0
  if (!t.approx) {
    while (over(s.entries[n], s.size - n)) n++
  } else {
    while (n + NODE_ENTRIES <= s.size && (t.limit === 0 || n + NODE_ENTRIES <= t.limit)) {
      const lastOfNode = s.entries[n + NODE_ENTRIES - 1]
      if (!over(lastOfNode, s.size - n - NODE_ENTRIES + 1)) break
      n += NODE_ENTRIES
    }
  }
  s.entries.splice(0, n)
  return n
}

function range(ks: Keyspace, a: Buffer[], rev: boolean): Reply {
  const [startArg, endArg] = rev ? [arg(a, 2), arg(a, 1)] : [arg(a, 1), arg(a, 2)]
  const start = bound(startArg, true)
  const end = bound(endArg, false)
  let count = -1
  if (a.length > 3) {
    if (a.length !== 5 || option(a[3]) !== 'COUNT') fail(ERR.syntax)
    count = parseInteger(arg(a, 4))
  }
  const s = ks.read(keyOf(arg(a, 0)), 'stream')
  if (!s || count === 0 || !start || !end) return []
  const out: Reply[] = []
  const picked = s.entries.filter((e) => compareIds(e.id, start) >= 0 && compareIds(e.id, end) <= 0)
  if (rev) picked.reverse()
  for (const e of count < 0 ? picked : picked.slice(0, count)) out.push([Buffer.from(idText(e.id)), [...e.fields]])
  return out
}

/** A range bound: `-`, `+`, `(id` exclusive, `ms` (seq 0 or max). Undefined: empty range. */
function bound(b: Buffer, isStart: boolean): StreamId | undefined {
  const s = b.toString('latin1')
  if (s === '-') return { ms: 0, seq: 0 }
  if (s === '+') return { ms: Number.MAX_SAFE_INTEGER, seq: MAX_SEQ }
  const exclusive = s.startsWith('(')
  const id = parseId(Buffer.from(exclusive ? s.slice(1) : s, 'latin1'), isStart ? 0 : MAX_SEQ)
  if (!exclusive) return id
  if (isStart) return id.seq === MAX_SEQ ? { ms: id.ms + 1, seq: 0 } : { ms: id.ms, seq: id.seq + 1 }
  if (id.seq === 0) return id.ms === 0 ? undefined : { ms: id.ms - 1, seq: MAX_SEQ }
  return { ms: id.ms, seq: id.seq - 1 }
}

function parseId(b: Buffer, missingSeq: number): StreamId {
  const m = /^(\d+)(?:-(\d+))?$/.exec(b.toString('latin1'))
  if (!m) fail(INVALID_ID)
  return { ms: Number(m[1]), seq: m[2] === undefined ? missingSeq : Number(m[2]) }
}

function parseAddId(s: string): { ms: number; seq: number | undefined } {
  const m = /^(\d+)(?:-(\d+|\*))?$/.exec(s)
  if (!m) fail(INVALID_ID)
  return { ms: Number(m[1]), seq: m[2] === undefined ? 0 : m[2] === '*' ? undefined : Number(m[2]) }
}
