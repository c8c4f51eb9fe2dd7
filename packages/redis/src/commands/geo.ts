import { keyOf, option } from '../store/args.js'
import type { Keyspace } from '../store/keyspace.js'
import { ERR, fail, type Reply } from '../store/replies.js'
import { arg, commands } from './command.js'
import { coordinateReply, distanceReply, longLat, unitOf } from './geo-args.js'
import { decodeScore, geoDistance, geoScore, standardGeohash } from './geohash.js'
import { geoSearchCommands } from './geo-search.js'
import { ZSET_COMMANDS } from './zsets.js'

/**
 * GEOADD, GEOPOS, GEODIST, GEOHASH and the searches (geo-search.ts), as Redis 7.0.15's
 * geo.c: a geo key is a sorted set whose scores are 52-bit interleaved geohashes
 * (geohash.ts), so GEOADD is ZADD of those scores (its options and replies), and any sorted
 * set can be read as points. Coordinates are answered as Redis's `addReplyHumanLongDouble`
 * prints them (`%.17Lf`, trailing zeros dropped), distances with 4 decimals.
 */
export const GEO_COMMANDS = [
  ...commands([
    ['geoadd', -5, 'w', geoadd],
    ['geopos', -2, 'r', geopos],
    ['geodist', -4, 'r', geodist],
    ['geohash', -2, 'r', geohash],
  ]),
  ...geoSearchCommands(),
]

// --- internal ---

const GEOADD_OPTIONS = new Set(['NX', 'XX', 'CH'])

const ZADD = ZSET_COMMANDS.find((c) => c.name === 'zadd')

function geoadd(ks: Keyspace, a: Buffer[]): Reply {
  let at = 1
  let nx = false
  let xx = false
  while (at < a.length) {
    const o = option(a[at])
    if (!GEOADD_OPTIONS.has(o)) break
    if (o === 'NX') nx = true
    if (o === 'XX') xx = true
    at++
  }
  if ((a.length - at) % 3 !== 0 || (xx && nx)) fail(ERR.syntax)
  const zaddArgs = a.slice(0, at)
  for (let i = at; i < a.length; i += 3) {
    const [lon, lat] = longLat(arg(a, i), arg(a, i + 1))
    zaddArgs.push(Buffer.from(String(geoScore(lon, lat))), arg(a, i + 2))
  }
  // as Redis, the rest is ZADD's: its type check, options and reply
  return ZADD?.run(ks, zaddArgs) ?? null
}

function geopos(ks: Keyspace, a: Buffer[]): Reply {
  const z = ks.read(keyOf(arg(a, 0)), 'zset')
  return a.slice(1).map((m) => {
    const score = z?.score(keyOf(m))
    if (score === undefined) return null
    const [lon, lat] = decodeScore(score)
    return [coordinateReply(lon), coordinateReply(lat)]
  })
}

function geodist(ks: Keyspace, a: Buffer[]): Reply {
  let toMeter = 1
  if (a.length === 4) toMeter = unitOf(arg(a, 3))
  else if (a.length > 4) fail(ERR.syntax)
  const z = ks.read(keyOf(arg(a, 0)), 'zset')
  if (!z) return null
  const s1 = z.score(keyOf(arg(a, 1)))
  const s2 = z.score(keyOf(arg(a, 2)))
  if (s1 === undefined || s2 === undefined) return null
  const [lon1, lat1] = decodeScore(s1)
  const [lon2, lat2] = decodeScore(s2)
  return distanceReply(geoDistance(lon1, lat1, lon2, lat2) / toMeter)
}

function geohash(ks: Keyspace, a: Buffer[]): Reply {
  const z = ks.read(keyOf(arg(a, 0)), 'zset')
  return a.slice(1).map((m) => {
    const score = z?.score(keyOf(m))
    if (score === undefined) return null
    const [lon, lat] = decodeScore(score)
    return Buffer.from(standardGeohash(lon, lat))
  })
}
