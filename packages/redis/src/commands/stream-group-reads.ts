import { keyOf, option, parseInteger } from '../store/args.js'
import type { Keyspace } from '../store/keyspace.js'
import { ERR, errorText, fail, type Reply } from '../store/replies.js'
import type { Stream, StreamEntry } from '../store/stream.js'
import { addNack, consumerFor, type Consumer, type Group, lookupGroup, type Nack } from '../store/stream-group.js'
import { compareIds, idText, MAX_ID, nextId, parseFullId, type StreamId } from '../store/stream-id.js'
import { advanceGroup } from '../store/stream-lag.js'

/**
 * XREADGROUP as Redis 7.0's `xreadCommand` runs it with GROUP: options in its order, then per
 * stream the key's type, its group (NOGROUP), the ID (`>` for new entries, `$` refused, else
 * the consumer's own history after that ID). BLOCK is accepted and answers at once, as
 * XREAD here (and Redis inside scripts and MULTI). New entries advance the group's last ID
 * and `entries-read` and become pending for the consumer unless NOACK; history entries count
 * one more delivery, and a pending entry deleted from the stream answers its ID with nil.
 */
export function xreadgroup(ks: Keyspace, a: Buffer[]): Reply {
  let count = 0
  let noack = false
  let group: Buffer | undefined
  let consumer: Buffer | undefined
  let streamsAt = -1
  for (let i = 0; i < a.length; i++) {
    const more = a.length - i - 1
    const o = option(a[i])
    if (o === 'BLOCK' && more > 0) {
      const ms = parseInteger(a[++i] as Buffer, 'ERR timeout is not an integer or out of range')
      if (ms < 0) fail('ERR timeout is negative')
    } else if (o === 'COUNT' && more > 0) {
      count = Math.max(0, parseInteger(a[++i] as Buffer))
    } else if (o === 'STREAMS' && more > 0) {
      streamsAt = i + 1
      if ((a.length - streamsAt) % 2 !== 0) {
        fail("ERR Unbalanced XREAD list of streams: for each stream key an ID or '$' must be specified.")
      }
      break
    } else if (o === 'GROUP' && more >= 2) {
      group = a[i + 1]
      consumer = a[i + 2]
      i += 2
    } else if (o === 'NOACK') noack = true
    else fail(ERR.syntax)
  }
  if (streamsAt < 0) fail(ERR.syntax)
  if (!group || !consumer) fail('ERR Missing GROUP option for XREADGROUP')
  const n = (a.length - streamsAt) / 2
  const keys = a.slice(streamsAt, streamsAt + n)
  const groups: Group[] = []
  const after: StreamId[] = []
  for (let k = 0; k < n; k++) {
    const key = keys[k] as Buffer
    const s = ks.read(keyOf(key), 'stream')
    const g = s && lookupGroup(s, keyOf(group))
    if (!s || !g) noGroup(key, group, ' in XREADGROUP with GROUP option')
    groups.push(g)
    const idArg = a[streamsAt + n + k] as Buffer
    const text = idArg.toString('latin1')
    if (text === '$') {
      fail(
        'ERR The $ ID is meaningless in the context of XREADGROUP: you want to read the history of this consumer by specifying a proper ID, or use the > ID to get new messages. The $ ID would just return an empty result set.',
      )
    }
    // `>` is the largest ID, as in Redis (so that ID written out reads new entries too)
    after.push(text === '>' ? MAX_ID : parseFullId(idArg, 0n, true))
  }
  const out: Reply[] = []
  const now = Math.floor(ks.time)
  for (let k = 0; k < n; k++) {
    const key = keys[k] as Buffer
    const s = ks.read(keyOf(key), 'stream') as Stream
    const g = groups[k] as Group
    const gt = after[k] as StreamId
    const history = compareIds(gt, MAX_ID) !== 0
    const last = s.entries[s.size - 1]
    if (!history && !(last && compareIds(last.id, g.lastId) > 0)) continue
    const c = consumerFor(s, g, keyOf(consumer), now)
    const entries = history ? fromHistory(s, c, gt, count, now) : deliverNew(s, g, c, g.lastId, count, noack, now)
    out.push([Buffer.from(key), entries])
  }
  return out.length ? out : null
}

/** `addReplySubcommandSyntaxError`. */
export function subcommandSyntaxError(container: string, sub: Buffer): never {
  fail(errorText("ERR unknown subcommand or wrong number of arguments for '", { arg: sub, max: 128 }, `'. Try ${container} HELP.`))
}

/** Redis's NOGROUP error naming the key and group (`%s`: each up to a NUL). */
export function noGroup(key: Buffer, group: Buffer, tail = ''): never {
  fail(errorText("NOGROUP No such key '", { arg: key }, "' or consumer group '", { arg: group }, `'${tail}`))
}

/** The group of the stream at `key`, or NOGROUP as XPENDING, XCLAIM and XAUTOCLAIM answer it. */
export function groupOrFail(ks: Keyspace, key: Buffer, group: Buffer): { s: Stream; g: Group } {
  const s = ks.read(keyOf(key), 'stream')
  const g = s && lookupGroup(s, keyOf(group))
  if (!s || !g) noGroup(key, group)
  return { s, g }
}

/** The entry with `id`, if the stream has it. */
export function findEntry(s: Stream, id: StreamId): StreamEntry | undefined {
  const e = s.entries[s.lowerBound(id)]
  return e && compareIds(e.id, id) === 0 ? e : undefined
}

/** An entry as XRANGE answers it. */
export function entryReply(e: StreamEntry): Reply {
  return [Buffer.from(idText(e.id)), [...e.fields]]
}

// --- internal ---

/** `streamReplyWithRangeFromConsumerPEL`: the consumer's pending entries after `gt`. */
function fromHistory(s: Stream, c: Consumer, gt: StreamId, count: number, now: number): Reply[] {
  const out: Reply[] = []
  const start = nextId(gt)
  if (!start) return out
  for (const [id, nack] of c.pel.from(start)) {
    if (count && out.length >= count) break
    const e = findEntry(s, id)
    if (e) {
      out.push(entryReply(e))
      nack.deliveryTime = now
      nack.deliveryCount++
    } else out.push([Buffer.from(idText(id)), null])
  }
  return out
}

/** `streamReplyWithRange` with a group: entries after the group's last ID, made pending for `c` unless NOACK. */
function deliverNew(s: Stream, g: Group, c: Consumer, gt: StreamId, count: number, noack: boolean, now: number): Reply[] {
  const out: Reply[] = []
  for (let j = s.lowerBound(gt); j < s.size; j++) {
    const e = s.entries[j] as StreamEntry
    if (compareIds(e.id, gt) <= 0) continue
    if (compareIds(e.id, g.lastId) > 0) advanceGroup(s, g, e.id)
    out.push(entryReply(e))
    if (!noack) deliver(s, g, c, e.id, now)
    if (count && out.length === count) break
  }
  return out
}

/** A new pending entry for `c`, or one pending for another consumer given to `c` afresh. */
function deliver(s: Stream, g: Group, c: Consumer, id: StreamId, now: number): void {
  const pending = g.pel.get(id)
  if (!pending) {
    const nack: Nack = { consumer: c, deliveryTime: now, deliveryCount: 1n }
    addNack(s, g, id, nack)
    c.pel.set(id, nack)
    return
  }
  pending.consumer?.pel.delete(id)
  pending.consumer = c
  pending.deliveryTime = now
  pending.deliveryCount = 1n
  c.pel.set(id, pending)
}
