import { helpReply } from '../scripting/help-texts.js'
import { containerCallError } from '../scripting/script-commands.js'
import { keyOf, option } from '../store/args.js'
import type { Keyspace } from '../store/keyspace.js'
import { errorText, exactNumber, fail, type Reply } from '../store/replies.js'
import type { Stream } from '../store/stream.js'
import { type Group, inByteOrder, INVALID_ENTRIES_READ, lookupGroup } from '../store/stream-group.js'
import { idText } from '../store/stream-id.js'
import { groupLag } from '../store/stream-lag.js'
import { arg, commands } from './command.js'
import { subcommandSyntaxError } from './stream-group-reads.js'

/**
 * XINFO GROUPS and XINFO CONSUMERS as Redis 7.0.15's `xinfoCommand` answers them (HELP is
 * answered with the other containers' help, help-replies.ts): groups and consumers in byte
 * order of their names, as Redis's radix trees hold them; a group's `entries-read` and `lag`
 * (nil when Redis cannot tell, stream-lag.ts); a consumer's idle time from the store's clock.
 * XINFO STREAM is not provided (its radix-tree figures are Redis's memory layout): it
 * answers Redis's error for an unknown subcommand, as the README says.
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
  if (opt === 'STREAM') fail(errorText("ERR unknown subcommand '", { arg: sub, max: 128 }, "'. Try XINFO HELP."))
  return subcommandSyntaxError('XINFO', sub)
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

function groupInfo(s: Stream, g: Group): Reply {
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
