import { keyOf, option, parseBigInt } from '../store/args.js'
import type { Keyspace } from '../store/keyspace.js'
import { ERR, errorText, fail, type Reply } from '../store/replies.js'
import {
  addNack,
  type Consumer,
  consumerFor,
  deliveryCountReply,
  dropNack,
  type Group,
  inByteOrder,
  lookupConsumer,
  moveNack,
  type Nack,
} from '../store/stream-group.js'
import { compareIds, idText, MAX_U64, nextId, parseFullId, prevId, type StreamId } from '../store/stream-id.js'
import { arg, commands } from './command.js'
import { entryReply, findEntry, groupOrFail } from './stream-group-reads.js'
import { bound } from './streams.js'

/**
 * XPENDING, XCLAIM and XAUTOCLAIM as Redis 7.0.15's t_stream.c, arguments checked in its
 * order. Idle times are the store's clock (Redis's `mstime()`) minus the delivery time.
 */
export const STREAM_CLAIM_COMMANDS = commands([
  ['xpending', -3, 'r', xpending],
  ['xclaim', -6, 'w', xclaim],
  ['xautoclaim', -6, 'w', xautoclaim],
])

// --- internal ---

const START_INVALID = 'ERR invalid start ID for the interval'
/** XAUTOCLAIM's largest COUNT: LONG_MAX / 16 (the bytes of a stream ID). */
const COUNT_MAX = 576460752303423487n
/**
 * Redis allocates 16 bytes per COUNT up front (`ztrymalloc`) and answers an error when the
 * allocator refuses. Where that happens depends on the machine (redis-server 7.0.15 on a
 * 25 GB test machine ran COUNT 5,497,558,138,880 and refused one more, 80 TiB); 2^47 bytes
 * and more are past what a 48-bit address space holds, so no server allocates them: COUNTs
 * asking that much are refused here (the store itself allocates nothing ahead).
 */
const COUNT_UNALLOCATABLE = 2n ** 47n / 16n

/** `xpendingCommand`: the summary, or `[IDLE min] start end count [consumer]` entries. */
function xpending(ks: Keyspace, a: Buffer[]): Reply {
  const argc = a.length + 1
  if (argc !== 3 && (argc < 6 || argc > 9)) fail(ERR.syntax)
  let minIdle = 0n
  let count = 0n
  let start: StreamId | undefined
  let end: StreamId | undefined
  let consumerName: Buffer | undefined
  if (argc >= 6) {
    let at = 2
    if (option(a[2]) === 'IDLE') {
      minIdle = parseBigInt(arg(a, 3))
      if (argc < 8) fail(ERR.syntax)
      at += 2
    }
    count = parseBigInt(arg(a, at + 2))
    if (count < 0n) count = 0n
    start = bound(arg(a, at), 0n, nextId, START_INVALID)
    end = bound(arg(a, at + 1), MAX_U64, prevId, 'ERR invalid end ID for the interval')
    consumerName = a[at + 3]
  }
  const { g } = groupOrFail(ks, arg(a, 0), arg(a, 1))
  if (!start || !end) return summary(g)
  let pel = g.pel
  if (consumerName) {
    const c = lookupConsumer(g, keyOf(consumerName), undefined)
    if (!c) return []
    pel = c.pel
  }
  const now = Math.floor(ks.time)
  const out: Reply[] = []
  for (const [id, nack] of pel.from(start)) {
    if (count === 0n || compareIds(id, end) > 0) break
    const idle = now - nack.deliveryTime
    if (minIdle !== 0n && BigInt(idle) < minIdle) continue
    count--
    out.push([
      Buffer.from(idText(id)),
      Buffer.from((nack.consumer as Consumer).name, 'latin1'),
      Math.max(0, idle),
      deliveryCountReply(nack),
    ])
  }
  return out
}

function summary(g: Group): Reply {
  const edges = g.pel.edges()
  if (!edges) return [0, null, null, null]
  const consumers: Reply[] = []
  for (const [name, c] of inByteOrder(g.consumers)) {
    if (c.pel.size > 0) consumers.push([Buffer.from(name, 'latin1'), Buffer.from(String(c.pel.size))])
  }
  return [g.pel.size, Buffer.from(idText(edges[0])), Buffer.from(idText(edges[1])), consumers]
}

/** `xclaimCommand`: key and group, min-idle-time, the IDs up to the first that is not one, then the options. */
function xclaim(ks: Keyspace, a: Buffer[]): Reply {
  const { s, g } = groupOrFail(ks, arg(a, 0), arg(a, 1))
  const minIdle = nonNegative(parseBigInt(arg(a, 3), 'ERR Invalid min-idle-time argument for XCLAIM'))
  const ids: StreamId[] = []
  let j = 4
  for (; j < a.length; j++) {
    const id = tryId(arg(a, j))
    if (!id) break
    ids.push(id)
  }
  const now = Math.floor(ks.time)
  let retryCount = -1n
  let deliveryTime: bigint | undefined
  let force = false
  let justId = false
  let lastId: StreamId = { ms: 0n, seq: 0n }
  for (; j < a.length; j++) {
    const more = a.length - 1 - j
    const o = option(a[j])
    if (o === 'FORCE') force = true
    else if (o === 'JUSTID') justId = true
    else if (o === 'IDLE' && more > 0) deliveryTime = BigInt(now) - parseBigInt(arg(a, ++j), 'ERR Invalid IDLE option argument for XCLAIM')
    else if (o === 'TIME' && more > 0) deliveryTime = parseBigInt(arg(a, ++j), 'ERR Invalid TIME option argument for XCLAIM')
    else if (o === 'RETRYCOUNT' && more > 0) retryCount = parseBigInt(arg(a, ++j), 'ERR Invalid RETRYCOUNT option argument for XCLAIM')
    else if (o === 'LASTID' && more > 0) lastId = parseFullId(arg(a, ++j), 0n, true)
    else fail(errorText("ERR Unrecognized XCLAIM option '", { arg: arg(a, j) }, "'"))
  }
  if (compareIds(lastId, g.lastId) > 0) g.lastId = lastId
  // a bogus time (negative, in the future) is now, as in Redis
  const time = deliveryTime === undefined || deliveryTime < 0n || deliveryTime > BigInt(now) ? now : Number(deliveryTime)
  let consumer: Consumer | undefined
  const out: Reply[] = []
  for (const id of ids) {
    let nack = g.pel.get(id)
    const e = findEntry(s, id)
    if (!e) {
      if (nack) dropNack(s, g, id, nack)
      continue
    }
    if (force && !nack) {
      nack = { consumer: undefined, deliveryTime: now, deliveryCount: 1n }
      addNack(s, g, id, nack)
    }
    if (!nack) continue
    if (nack.consumer && minIdle !== 0n && BigInt(now - nack.deliveryTime) < minIdle) continue
    consumer ??= consumerFor(s, g, keyOf(arg(a, 2)), now)
    nack.deliveryTime = time
    if (retryCount >= 0n) nack.deliveryCount = BigInt.asUintN(64, retryCount)
    else if (!justId) nack.deliveryCount++
    moveNack(id, nack, consumer)
    out.push(justId ? Buffer.from(idText(id)) : entryReply(e))
  }
  return out
}

/** `xautoclaimCommand`: `[next start, claimed, IDs deleted from the stream]`. */
function xautoclaim(ks: Keyspace, a: Buffer[]): Reply {
  const minIdle = nonNegative(parseBigInt(arg(a, 3), 'ERR Invalid min-idle-time argument for XAUTOCLAIM'))
  const start = bound(arg(a, 4), 0n, nextId, START_INVALID)
  let count = 100n
  let justId = false
  for (let j = 5; j < a.length; j++) {
    const o = option(a[j])
    if (o === 'COUNT' && j + 1 < a.length) {
      count = parseBigInt(arg(a, ++j), 'ERR COUNT must be > 0')
      if (count < 1n || count > COUNT_MAX) fail('ERR COUNT must be > 0')
    } else if (o === 'JUSTID') justId = true
    else fail(ERR.syntax)
  }
  const { s, g } = groupOrFail(ks, arg(a, 0), arg(a, 1))
  if (count >= COUNT_UNALLOCATABLE) fail('ERR Insufficient memory, failed allocating transient memory, COUNT too high.')
  const now = Math.floor(ks.time)
  let attempts = count * 10n
  let consumer: Consumer | undefined
  const claimed: Reply[] = []
  const deleted: Reply[] = []
  const walk = g.pel.from(start)
  let step: IteratorResult<[StreamId, Nack]> | undefined
  while (attempts-- > 0n && count > 0n && !(step = walk.next()).done) {
    const [id, nack] = step.value
    const e = findEntry(s, id)
    if (!e) {
      dropNack(s, g, id, nack)
      deleted.push(Buffer.from(idText(id)))
      count--
      continue
    }
    if (minIdle !== 0n && BigInt(now - nack.deliveryTime) < minIdle) continue
    consumer ??= consumerFor(s, g, keyOf(arg(a, 2)), now)
    moveNack(id, nack, consumer)
    nack.deliveryTime = now
    if (!justId) nack.deliveryCount++
    claimed.push(justId ? Buffer.from(idText(id)) : entryReply(e))
    count--
  }
  // the cursor is the entry after the last one looked at (0-0 at the end)
  const next = step?.done ? step : walk.next()
  return [Buffer.from(next.done ? '0-0' : idText(next.value[0])), claimed, deleted]
}

/** An ID as XCLAIM reads its IDs (strict, no reply on failure): undefined where its options start. */
function tryId(a: Buffer): StreamId | undefined {
  try {
    return parseFullId(a, 0n, true)
  } catch {
    return undefined
  }
}

function nonNegative(n: bigint): bigint {
  return n < 0n ? 0n : n
}
