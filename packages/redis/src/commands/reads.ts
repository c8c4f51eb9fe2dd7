import { keyBytes, keyOf, option, parseInteger } from '../store/args.js'
import type { Keyspace } from '../store/keyspace.js'
import { ERR, fail, type Reply } from '../store/replies.js'
import { compareIds, idText, MIN_ID, parseFullId, type StreamId } from '../store/stream-id.js'
import { arg, commands } from './command.js'
import { scanCursor, scanOptions } from './scan-args.js'

/**
 * XREAD (non-blocking: BLOCK is accepted and answers at once, as Redis runs it inside
 * scripts and as a replay needs it) and SCAN.
 */
export const READ_COMMANDS = commands([
  ['xread', -4, 'r', xread],
  ['scan', -2, 'r', scan],
])

// --- internal ---

function xread(ks: Keyspace, a: Buffer[]): Reply {
  let count = 0
  let i = 0
  for (; i < a.length; i++) {
    const o = option(a[i])
    if (o === 'COUNT' && i + 1 < a.length) {
      count = Math.max(0, parseInteger(arg(a, ++i)))
    } else if (o === 'BLOCK' && i + 1 < a.length) {
      const ms = parseInteger(arg(a, ++i), 'ERR timeout is not an integer or out of range')
      if (ms < 0) fail('ERR timeout is negative')
    } else if (o === 'STREAMS' && i + 1 < a.length) {
      break
    } else if ((o === 'GROUP' && i + 2 < a.length) || o === 'NOACK') {
      // Redis's loop is XREADGROUP's too: it names the option and refuses it
      fail(`ERR The ${o} option is only supported by XREADGROUP. You called XREAD instead.`)
    } else fail(ERR.syntax)
  }
  const rest = a.slice(i + 1)
  if (i >= a.length || rest.length === 0 || rest.length % 2 !== 0) {
    fail("ERR Unbalanced XREAD list of streams: for each stream key an ID or '$' must be specified.")
  }
  const n = rest.length / 2
  const from: StreamId[] = []
  for (let k = 0; k < n; k++) {
    const idArg = rest[n + k] as Buffer
    // each key is type-checked before its ID is read
    const s = ks.read(keyOf(rest[k] as Buffer), 'stream')
    const text = idArg.toString('latin1')
    if (text === '$') from.push(s?.lastId ?? MIN_ID)
    else if (text === '>') fail('ERR The > ID can be specified only when calling XREADGROUP using the GROUP <group> <consumer> option.')
    else from.push(parseFullId(idArg, 0n, true))
  }
  const out: Reply[] = []
  for (let k = 0; k < n; k++) {
    const key = rest[k] as Buffer
    const s = ks.read(keyOf(key), 'stream')
    const after = from[k] as StreamId
    if (!s || compareIds(s.lastId, after) <= 0) continue
    const entries: Reply[] = []
    for (let j = s.lowerBound(after); j < s.size && (count === 0 || entries.length < count); j++) {
      const e = s.entries[j]
      if (e && compareIds(e.id, after) > 0) entries.push([Buffer.from(idText(e.id)), [...e.fields]])
    }
    if (entries.length) out.push([Buffer.from(key), entries])
  }
  return out.length ? out : null
}

/**
 * SCAN in key creation order (see KeyOrder): the cursor is a creation sequence number, so a
 * full iteration returns every key present throughout it, as Redis guarantees, however many
 * keys are deleted or added meanwhile. Batches and order differ from a server's.
 */
function scan(ks: Keyspace, a: Buffer[]): Reply {
  const cursor = scanCursor(arg(a, 0))
  const { count, match, type } = scanOptions(a, 1, true)
  const page = ks.scanPage(cursor, count)
  // an expired key is dropped here, as Redis's SCAN skips (and lazily deletes) it
  const picked = page.keys.filter((k) => ks.get(k) !== undefined && (!match || match(k)) && (!type || ks.get(k)?.type === type))
  return [Buffer.from(String(page.next)), picked.map(keyBytes)]
}
