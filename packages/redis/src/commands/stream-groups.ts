import { helpReply } from '../scripting/help-texts.js'
import { containerCallError } from '../scripting/script-commands.js'
import { keyOf, option, parseBigInt } from '../store/args.js'
import type { Keyspace } from '../store/keyspace.js'
import { ERR, errorText, fail, OK, type Reply } from '../store/replies.js'
import type { Stream } from '../store/stream.js'
import {
  createConsumer,
  createGroup,
  deleteConsumer,
  destroyGroup,
  dropNack,
  INVALID_ENTRIES_READ,
  lookupConsumer,
  lookupGroup,
  type Group,
} from '../store/stream-group.js'
import { compareIds, MIN_ID, parseFullId, type StreamId } from '../store/stream-id.js'
import { arg, commands } from './command.js'
import { subcommandSyntaxError, xreadgroup } from './stream-group-reads.js'

/**
 * Consumer groups, as Redis 7.0.15's t_stream.c: XGROUP (CREATE, SETID, DESTROY,
 * CREATECONSUMER, DELCONSUMER; HELP is answered with the other containers' help,
 * help-replies.ts), XREADGROUP (stream-group-reads.ts) and XACK. XPENDING, XCLAIM and
 * XAUTOCLAIM are in stream-claims.ts, XINFO in stream-info.ts.
 */
export const STREAM_GROUP_COMMANDS = commands([
  ['xgroup', -2, 'w', xgroup],
  ['xreadgroup', -7, 'w', xreadgroup],
  ['xack', -4, 'w', xack],
  ['xsetid', -3, 'w', xsetid],
])

/** XGROUP's subcommands Redis 7.0 flags `denyoom` (`COMMAND INFO xgroup`). */
const DENY_OOM_XGROUP = new Set(['CREATE', 'CREATECONSUMER'])
/**
 * Commands Redis runs past `maxmemory` that add consumers and pending entries: without a
 * bound, a script could add consumers (XREADGROUP with a new name each time) or deliver every
 * entry to every group without end. Refused here past the store's bound (README, Deviations).
 */
const GROWING = new Set(['xreadgroup', 'xclaim', 'xautoclaim'])

/**
 * Whether the store refuses `argv` (`name` its lower-case name) while over its bound, besides
 * the `denyoom` commands (memory-store.ts): XGROUP CREATE and CREATECONSUMER, which Redis
 * flags `denyoom`, and the commands that add consumers or pending entries.
 */
export function refusedPastBound(name: string, argv: readonly Buffer[]): boolean {
  if (name === 'xgroup') return DENY_OOM_XGROUP.has(option(argv[1]))
  return GROWING.has(name)
}

// --- internal ---

/** `xgroupCommand`, in its order: options, key and type, missing key, missing group, then the subcommand. */
function xgroup(ks: Keyspace, a: Buffer[]): Reply {
  // called as the connection and scripts call it, these were refused already
  const refused = containerCallError('xgroup', [Buffer.from('xgroup'), ...a])
  if (refused) fail(refused)
  const argc = a.length + 1
  const sub = arg(a, 0)
  const opt = option(sub)
  let mkstream = false
  let entriesRead = INVALID_ENTRIES_READ
  let s: Stream | undefined
  let g: Group | undefined
  if (argc >= 4) {
    for (let i = 4; i < a.length; ) {
      const o = option(a[i])
      if (opt === 'CREATE' && o === 'MKSTREAM') {
        mkstream = true
        i++
      } else if ((opt === 'CREATE' || opt === 'SETID') && o === 'ENTRIESREAD' && i + 1 < a.length) {
        entriesRead = parseBigInt(arg(a, i + 1))
        if (entriesRead < 0n && entriesRead !== INVALID_ENTRIES_READ) fail('ERR value for ENTRIESREAD must be positive or -1')
        i += 2
      } else subcommandSyntaxError('XGROUP', sub)
    }
    s = ks.read(keyOf(arg(a, 1)), 'stream')
    if (!mkstream) {
      if (!s) {
        fail(
          'ERR The XGROUP subcommand requires the key to exist. Note that for CREATE you may want to use the MKSTREAM option to create an empty stream automatically.',
        )
      }
      g = lookupGroup(s, keyOf(arg(a, 2)))
      if (!g && (opt === 'SETID' || opt === 'CREATECONSUMER' || opt === 'DELCONSUMER')) {
        fail(errorText("NOGROUP No such consumer group '", { arg: arg(a, 2) }, "' for key name '", { arg: arg(a, 1) }, "'"))
      }
    }
  }
  const now = Math.floor(ks.time)
  if (opt === 'HELP' && argc === 2) return helpReply('xgroup') ?? null
  if (opt === 'CREATE' && argc >= 5 && argc <= 8) {
    const id = groupId(a[3] as Buffer, s, true)
    const stream = s ?? ks.write(keyOf(arg(a, 1)), 'stream')
    return createGroup(stream, keyOf(arg(a, 2)), id, entriesRead) ? OK : fail('BUSYGROUP Consumer Group name already exists')
  }
  if (opt === 'SETID' && (argc === 5 || argc === 7) && s && g) {
    g.lastId = groupId(a[3] as Buffer, s, false)
    g.entriesRead = entriesRead
    return OK
  }
  if (opt === 'DESTROY' && argc === 4 && s) return destroyGroup(s, keyOf(arg(a, 2))) ? 1 : 0
  if (opt === 'CREATECONSUMER' && argc === 5 && s && g) return createConsumer(s, g, keyOf(arg(a, 3)), now) ? 1 : 0
  if (opt === 'DELCONSUMER' && argc === 5 && s && g) {
    const c = lookupConsumer(g, keyOf(arg(a, 3)), undefined)
    return c ? deleteConsumer(s, g, c) : 0
  }
  return subcommandSyntaxError('XGROUP', sub)
}

/** A group's ID argument: `$` (the stream's last ID), else strict for CREATE, `-`/`+` allowed for SETID. */
function groupId(a: Buffer, s: Stream | undefined, strict: boolean): StreamId {
  if (a.toString('latin1') === '$') return s?.lastId ?? MIN_ID
  return parseFullId(a, 0n, strict)
}

/** `xsetidCommand`: the ID, the options, the key (`ERR no such key`), then the checks against the stream's entries. */
function xsetid(ks: Keyspace, a: Buffer[]): Reply {
  const id = parseFullId(arg(a, 1), 0n, true)
  let added: bigint | undefined
  let maxDeleted: StreamId = MIN_ID
  for (let i = 2; i < a.length; i += 2) {
    const o = option(a[i])
    const more = i + 1 < a.length
    if (o === 'ENTRIESADDED' && more) {
      added = parseBigInt(arg(a, i + 1))
      if (added < 0n) fail('ERR entries_added must be positive')
    } else if (o === 'MAXDELETEDID' && more) {
      maxDeleted = parseFullId(arg(a, i + 1), 0n, true)
      if (compareIds(id, maxDeleted) < 0) fail('ERR The ID specified in XSETID is smaller than the provided max_deleted_entry_id')
    } else fail(ERR.syntax)
  }
  const s = ks.read(keyOf(arg(a, 0)), 'stream')
  if (!s) fail('ERR no such key')
  const top = s.entries[s.size - 1]
  if (top) {
    if (compareIds(id, top.id) < 0) fail('ERR The ID specified in XSETID is smaller than the target stream top item')
    if (added !== undefined && BigInt(s.size) > added)
      fail('ERR The entries_added specified in XSETID is smaller than the target stream length')
  }
  s.lastId = id
  if (added !== undefined) s.entriesAdded = added
  if (compareIds(maxDeleted, MIN_ID) !== 0) s.maxDeletedId = maxDeleted
  return OK
}

/** `xackCommand`: a missing key or group answers 0 before the IDs are read; every ID is parsed before any is acknowledged. */
function xack(ks: Keyspace, a: Buffer[]): Reply {
  const s = ks.read(keyOf(arg(a, 0)), 'stream')
  const g = s && lookupGroup(s, keyOf(arg(a, 1)))
  if (!s || !g) return 0
  const ids = a.slice(2).map((x) => parseFullId(x, 0n, true))
  let acked = 0
  for (const id of ids) {
    const nack = g.pel.get(id)
    if (!nack) continue
    dropNack(s, g, id, nack)
    acked++
  }
  return acked
}
