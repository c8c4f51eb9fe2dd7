import { helpReply } from '../scripting/help-texts.js'
import { containerCallError } from '../scripting/script-commands.js'
import { keyOf, option, parseBigInt } from '../store/args.js'
import type { Keyspace } from '../store/keyspace.js'
import { errorText, exactNumber, fail, type Reply } from '../store/replies.js'
import type { Stream } from '../store/stream.js'
import { deliveryCountReply, type Group, inByteOrder, INVALID_ENTRIES_READ, lookupGroup, type Nack } from '../store/stream-group.js'
import { idText, type StreamId } from '../store/stream-id.js'
import { groupLag } from '../store/stream-lag.js'
import { raxNodeCount } from '../store/stream-rax.js'
import { arg, commands } from './command.js'
import { entryReply, subcommandSyntaxError } from './stream-group-reads.js'

/**
 * XINFO STREAM [FULL [COUNT n]], GROUPS and CONSUMERS as Redis 7.0.15's `xinfoCommand`
 * answers them (HELP is answered with the other containers' help, help-replies.ts): groups
 * and consumers in byte order of their names, as Redis's radix trees hold them; a group's
 * `entries-read` and `lag` (nil when Redis cannot tell, stream-lag.ts); a consumer's idle
 * time from the store's clock; the radix tree's keys and nodes from the stream's nodes
 * (stream-rax.ts).
 */
export const STREAM_INFO_COMMANDS = commands([['xinfo', -2, 'r', xinfo]])

// --- internal ---

function xinfo(ks: Keyspace, a: Buffer[]): Reply {
  // called as the connection and scripts call it, these were refused already
  const refused = containerCallError('xinfo', [Buffer.from('xinfo'), ...a])
  if (refused) fail(refused)
  const argc = a.length + 1
  const sub = arg(a, 0)
  const opt = option(sub)
  if (opt === 'HELP') return argc === 2 ? (helpReply('xinfo') ?? null) : subcommandSyntaxError('XINFO', sub)
  if (argc < 3) subcommandSyntaxError('XINFO', sub)
  const s = ks.read(keyOf(arg(a, 1)), 'stream')
  if (!s) fail('ERR no such key')
  if (opt === 'CONSUMERS' && argc === 4) return consumers(s, arg(a, 1), arg(a, 2), Math.floor(ks.time))
  if (opt === 'GROUPS' && argc === 3) return inByteOrder(s.groups).map(([, g]) => groupInfo(s, g))
  if (opt === 'STREAM') return streamInfo(s, a.slice(2), sub)
  return subcommandSyntaxError('XINFO', sub)
}

/** `xinfoReplyWithStreamInfo`. */
function streamInfo(s: Stream, opts: Buffer[], sub: Buffer): Reply {
  let full = false
  let count = 10n
  if (opts.length > 0) {
    if ((opts.length !== 1 && opts.length !== 3) || option(opts[0]) !== 'FULL') subcommandSyntaxError('XINFO', sub)
    if (opts.length === 3) {
      if (option(opts[1]) !== 'COUNT') subcommandSyntaxError('XINFO', sub)
      count = parseBigInt(arg(opts, 2))
      if (count < 0n) count = 10n
    }
    full = true
  }
  const ids = s.nodeIds
  const head: Reply[] = [
    ...[Buffer.from('length'), s.size, Buffer.from('radix-tree-keys'), ids.length],
    ...[Buffer.from('radix-tree-nodes'), raxNodeCount(ids), Buffer.from('last-generated-id'), idReply(s.lastId)],
    ...[Buffer.from('max-deleted-entry-id'), idReply(s.maxDeletedId), Buffer.from('entries-added'), exactNumber(s.entriesAdded)],
    ...[Buffer.from('recorded-first-entry-id'), idReply(s.firstId)],
  ]
  if (!full) {
    const first = s.entries[0]
    const last = s.entries[s.size - 1]
    return [
      ...head,
      Buffer.from('groups'),
      s.groups?.size ?? 0,
      Buffer.from('first-entry'),
      first ? entryReply(first) : null,
      Buffer.from('last-entry'),
      last ? entryReply(last) : null,
    ]
  }
  const entries = (count === 0n ? s.entries : s.entries.slice(0, Number(count))).map(entryReply)
  const groups = inByteOrder(s.groups).map(([, g]) => fullGroup(s, g, count))
  return [...head, Buffer.from('entries'), entries, Buffer.from('groups'), groups]
}

/** A group in XINFO STREAM FULL: its PEL and each consumer's, `count` entries each at most (0: all). */
function fullGroup(s: Stream, g: Group, count: bigint): Reply {
  const info = groupInfo(s, g)
  const pending = firstOf(g.pel.from(), count, (id, n) => [
    idReply(id),
    Buffer.from((n.consumer as { name: string }).name, 'latin1'),
    n.deliveryTime,
    deliveryCountReply(n),
  ])
  const consumers = inByteOrder(g.consumers).map(([name, c]) => [
    ...[Buffer.from('name'), Buffer.from(name, 'latin1'), Buffer.from('seen-time'), c.seenTime],
    ...[Buffer.from('pel-count'), c.pel.size, Buffer.from('pending')],
    firstOf(c.pel.from(), count, (id, n) => [idReply(id), n.deliveryTime, deliveryCountReply(n)]),
  ])
  // name, last-delivered-id, entries-read and lag as XINFO GROUPS gives them
  return [
    ...info.slice(0, 2),
    ...info.slice(6),
    Buffer.from('pel-count'),
    g.pel.size,
    Buffer.from('pending'),
    pending,
    Buffer.from('consumers'),
    consumers,
  ]
}

function firstOf(walk: Iterable<[StreamId, Nack]>, count: bigint, row: (id: StreamId, n: Nack) => Reply): Reply[] {
  const out: Reply[] = []
  for (const [id, n] of walk) {
    if (count !== 0n && BigInt(out.length) >= count) break
    out.push(row(id, n))
  }
  return out
}

function idReply(id: StreamId): Buffer {
  return Buffer.from(idText(id))
}

function consumers(s: Stream, key: Buffer, group: Buffer, now: number): Reply {
  const g = lookupGroup(s, keyOf(group))
  if (!g) fail(errorText("NOGROUP No such consumer group '", { arg: group }, "' for key name '", { arg: key }, "'"))
  return inByteOrder(g.consumers).map(([name, c]) => [
    Buffer.from('name'),
    Buffer.from(name, 'latin1'),
    Buffer.from('pending'),
    c.pel.size,
    Buffer.from('idle'),
    Math.max(0, now - c.seenTime),
  ])
}

function groupInfo(s: Stream, g: Group): Reply[] {
  const lag = groupLag(s, g)
  return [
    Buffer.from('name'),
    Buffer.from(g.name, 'latin1'),
    Buffer.from('consumers'),
    g.consumers.size,
    Buffer.from('pending'),
    g.pel.size,
    Buffer.from('last-delivered-id'),
    Buffer.from(idText(g.lastId)),
    Buffer.from('entries-read'),
    g.entriesRead === INVALID_ENTRIES_READ ? null : exactNumber(g.entriesRead),
    Buffer.from('lag'),
    lag === null ? null : exactNumber(lag),
  ]
}
