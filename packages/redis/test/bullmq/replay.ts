import { Redis } from 'ioredis'
import type { RedisConnection, RedisScripting } from '../../src/index.js'
import { jsonSorted, type Normal, normalise } from '../differential.js'
import { argBytes, EVENTS_KEY, type Recording } from './record.js'

/** One command whose replies differ. */
export interface ReplayDifference {
  readonly index: number
  readonly argv: string
  readonly server: Normal
  readonly polyhost: Normal
}

/** The outcome of a replay: per-command comparison and the final keyspaces. */
export interface ReplayResult {
  readonly replayed: number
  readonly identical: number
  readonly differences: readonly ReplayDifference[]
  /** Both keyspaces after the first half of the commands and at the end. */
  readonly serverKeyspace: { readonly middle: Normal; readonly end: Normal }
  readonly polyhostKeyspace: { readonly middle: Normal; readonly end: Normal }
}

/**
 * Replays a recording command by command, each recorded connection on a connection of its
 * own, on the redis-server at `port` (ioredis `callBuffer`) and on `redis` (its
 * `connection()`s), and compares every reply after the same normalisation on both sides:
 *
 * - time-based stream IDs (`<13 digits>-<seq>`) become `id#n`, numbered per side in order of
 *   first appearance (each side's clock makes its own IDs);
 * - an XREAD argument naming an ID of the recorded events stream is replaced, per side, by
 *   that side's ID of the entry at the same position; XREAD's BLOCK becomes 1 ms and
 *   BZPOPMIN's timeout 0.01 s, so a command the recording saw block answers at once;
 * - INFO is compared by the fields a client reads (`redis_version`, `maxmemory_policy`);
 *   HELLO's connection `id` is left out.
 *
 * The final keyspaces are dumped alike (keys sorted; hash fields and set members sorted;
 * a TTL shown only as present or not).
 */
export async function replay(recording: Recording, port: number, redis: RedisScripting): Promise<ReplayResult> {
  const real = new Map<number, Redis>()
  const mine = new Map<number, RedisConnection>()
  const serverIds = new IdNames()
  const polyhostIds = new IdNames()
  const differences: ReplayDifference[] = []
  const probe = new Redis({ port, host: '127.0.0.1', enableReadyCheck: false })
  let identical = 0
  const middle = { server: null as Normal, polyhost: null as Normal }
  const half = Math.floor(recording.commands.length / 2)
  const dumpServer = () => dump((c) => probe.callBuffer(...(c as [string])).then(flatHash), serverIds)
  const dumpPolyhost = () => dump((c) => redis.command(c), polyhostIds)
  try {
    for (const [index, { conn, argv }] of recording.commands.entries()) {
      if (index === half) {
        middle.server = await dumpServer()
        middle.polyhost = await dumpPolyhost()
      }
      const args = normaliseArgs(argv.map((a) => argBytes(recording, a)))
      let client = real.get(conn)
      if (!client) {
        client = new Redis({ port, host: '127.0.0.1', enableReadyCheck: false, maxRetriesPerRequest: 0, retryStrategy: () => null })
        real.set(conn, client)
      }
      let connection = mine.get(conn)
      if (!connection) {
        connection = redis.connection()
        mine.set(conn, connection)
      }
      const serverArgs = await mapEventIds(args, recording, (k) => probe.xrange(k, '-', '+'))
      const polyArgs = await mapEventIds(
        args,
        recording,
        async (k) => (await redis.command(['XRANGE', k, '-', '+'])) as [string, string[]][],
      )
      const s = normaliseReply(args, await callReal(client, serverArgs), serverIds)
      const p = normaliseReply(args, await callPolyhost(connection, polyArgs), polyhostIds)
      if (JSON.stringify(s) === JSON.stringify(p)) identical++
      else differences.push({ index, argv: args.map((a) => a.toString('latin1').slice(0, 60)).join(' '), server: s, polyhost: p })
    }
    const serverKeyspace = { middle: middle.server, end: await dumpServer() }
    const polyhostKeyspace = { middle: middle.polyhost, end: await dumpPolyhost() }
    return { replayed: recording.commands.length, identical, differences, serverKeyspace, polyhostKeyspace }
  } finally {
    probe.disconnect()
    for (const c of real.values()) c.disconnect()
  }
}

// --- internal ---

/** Names time-based stream IDs by order of first appearance. */
class IdNames {
  private readonly names = new Map<string, string>()

  name(id: string): string {
    let n = this.names.get(id)
    if (!n) {
      n = `id#${this.names.size}`
      this.names.set(id, n)
    }
    return n
  }
}

const STREAM_ID = /^\d{13}-\d+$/

function normaliseArgs(args: Buffer[]): Buffer[] {
  const name = args[0]?.toString('latin1').toLowerCase()
  if (name === 'bzpopmin' || name === 'bzpopmax') return [...args.slice(0, -1), Buffer.from('0.01')]
  if (name === 'xread') {
    return args.map((a, i) => (i > 0 && args[i - 1]?.toString('latin1').toUpperCase() === 'BLOCK' ? Buffer.from('1') : a))
  }
  return args
}

/** XREAD IDs of the recorded events stream → the side's ID at the same position. */
async function mapEventIds(args: Buffer[], recording: Recording, range: (key: string) => Promise<[string, string[]][]>): Promise<Buffer[]> {
  if (args[0]?.toString('latin1').toLowerCase() !== 'xread') return args
  const ids = (await range(EVENTS_KEY)).map(([id]) => id)
  return args.map((a) => {
    const at = recording.eventIds.indexOf(a.toString('latin1'))
    return at >= 0 && ids[at] ? Buffer.from(ids[at]) : a
  })
}

/** ioredis turns a lower-case `hgetall` reply into an object: back to Redis's flat array. */
async function callReal(client: Redis, args: Buffer[]): Promise<unknown> {
  try {
    return flatHash(await client.callBuffer(args[0]?.toString('latin1') ?? '', ...args.slice(1)))
  } catch (e) {
    return e
  }
}

function flatHash(r: unknown): unknown {
  return r && typeof r === 'object' && !Array.isArray(r) && !Buffer.isBuffer(r) ? Object.entries(r).flat() : r
}

async function callPolyhost(connection: RedisConnection, args: Buffer[]): Promise<unknown> {
  try {
    return await connection.command(args)
  } catch (e) {
    return e
  }
}

function normaliseReply(args: Buffer[], reply: unknown, ids: IdNames): Normal {
  const name = args[0]?.toString('latin1').toLowerCase()
  const n = normalise(reply)
  if (name === 'info' && typeof n === 'string') {
    return n.split('\r\n').filter((l) => /^(redis_version|maxmemory_policy):/.test(l))
  }
  if (name === 'hello' && Array.isArray(n)) return n.filter((_v, i) => n[i - 1] !== 'id' && n[i] !== 'id')
  return renameIds(n, ids)
}

/**
 * Stream IDs named by appearance; JSON object texts with their keys sorted (cjson's key order
 * follows Lua table iteration); a job hash's field/value list (an HGETALL that a script
 * returns: Redis turns a hash with a value over 64 bytes into a hash table, whose order is
 * unspecified) sorted by field.
 */
function renameIds(n: Normal, ids: IdNames): Normal {
  if (typeof n === 'string') return STREAM_ID.test(n) ? ids.name(n) : n.startsWith('{') ? jsonSorted(n) : n
  if (!Array.isArray(n)) return n
  const out = n.map((x) => renameIds(x, ids))
  return isJobHash(out) ? sortPairs(out) : out
}

function isJobHash(n: Normal[]): boolean {
  return n.length % 2 === 0 && n.every((x) => typeof x === 'string') && n.includes('name') && n.includes('timestamp')
}

function sortPairs(flat: Normal[]): Normal[] {
  const pairs: [Normal, Normal][] = []
  for (let i = 0; i < flat.length; i += 2) pairs.push([flat[i] as Normal, flat[i + 1] as Normal])
  return pairs.sort((a, b) => (String(a[0]) < String(b[0]) ? -1 : 1)).flat()
}

type Send = (argv: string[]) => Promise<unknown>

/** A key closer than this to its expiry is not compared (see `dump`). */
const EXPIRING_MS = 10_000

async function dump(send: Send, ids: IdNames): Promise<Normal> {
  const keys = (normalise(await send(['KEYS', '*'])) as string[]).sort()
  const out: Normal[] = []
  for (const key of keys) {
    const pttl = normalise(await send(['PTTL', key])) as number
    // the two sides are dumped one after the other: a key that may expire in between (a
    // short deduplication or lock TTL) is left out of both rather than compared by luck
    if (pttl >= 0 && pttl < EXPIRING_MS) continue
    const type = normalise(await send(['TYPE', key])) as string
    if (type === 'none') continue
    const ttl = pttl >= 0 ? 'ttl' : 'persistent'
    out.push([key, type, ttl, await value(send, key, type, ids)])
  }
  return out
}

async function value(send: Send, key: string, type: string, ids: IdNames): Promise<Normal> {
  const get = async (...argv: string[]) => normalise(await send(argv))
  switch (type) {
    case 'string':
      return renameIds(await get('GET', key), ids)
    case 'hash':
      return sortPairs(renameIds(await get('HGETALL', key), ids) as Normal[])
    case 'list':
      return renameIds(await get('LRANGE', key, '0', '-1'), ids)
    case 'set':
      return ((await get('SMEMBERS', key)) as Normal[]).sort()
    case 'zset':
      return get('ZRANGE', key, '0', '-1', 'WITHSCORES')
    default:
      return renameIds(await get('XRANGE', key, '-', '+'), ids)
  }
}
