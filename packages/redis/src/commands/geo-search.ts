import { keyOf, option, parseBigInt, parseDouble } from '../store/args.js'
import type { Keyspace } from '../store/keyspace.js'
import { ERR, errorText, fail, type Reply } from '../store/replies.js'
import type { SortedSet, ZEntry } from '../store/sorted-set.js'
import { arg, type CommandSpec, commands } from './command.js'
import { coordinateReply, distanceReply, longLat, unitOf } from './geo-args.js'
import { cellScores, decodeScore, distanceWithin, type GeoHashBits, type GeoShape, searchAreas } from './geohash.js'
import { pqsort } from './pqsort.js'

/**
 * GEOSEARCH, GEOSEARCHSTORE, GEORADIUS(_RO) and GEORADIUSBYMEMBER(_RO), all through one
 * port of Redis 7.0.15's `georadiusGeneric`: the key's type first, then the centre and
 * radius of the GEORADIUS forms, the options in order (each error where Redis answers it),
 * then the checks after them, a missing key answering at once. The search scans the cells
 * Redis scans (the centre's and up to eight neighbours', each a score range of the sorted
 * set, found by binary search), keeps the points inside the shape, and orders them as Redis:
 * glibc's stable merge sort by distance, or its partial quicksort (pqsort.ts) when COUNT
 * cuts the result; COUNT ANY stops the scan at COUNT points. The work is that of the cells'
 * members, at most the sorted set's size, as Redis's.
 */
export function geoSearchCommands(): CommandSpec[] {
  return commands([
    ['georadius', -6, 'w', (ks, a) => search(ks, a, 0, COORDS)],
    ['georadius_ro', -6, 'r', (ks, a) => search(ks, a, 0, COORDS | NOSTORE)],
    ['georadiusbymember', -5, 'w', (ks, a) => search(ks, a, 0, MEMBER)],
    ['georadiusbymember_ro', -5, 'r', (ks, a) => search(ks, a, 0, MEMBER | NOSTORE)],
    ['geosearch', -7, 'r', (ks, a) => search(ks, a, 0, GEOSEARCH)],
    ['geosearchstore', -8, 'w', (ks, a) => search(ks, a, 1, GEOSEARCH | STORE)],
  ])
}

// --- internal ---

const COORDS = 1
const MEMBER = 2
const NOSTORE = 4
const GEOSEARCH = 8
const STORE = 16

interface GeoPoint {
  readonly member: string
  readonly score: number
  readonly lon: number
  readonly lat: number
  dist: number
}

/** Parsed options; `argv` indexes below are Redis's (`a[i - 1]`). */
function search(ks: Keyspace, a: Buffer[], src: number, flags: number): Reply {
  const z = ks.read(keyOf(arg(a, src)), 'zset')
  const shape: GeoShape = { lon: 0, lat: 0, conversion: 0, circle: true, radius: 0, width: 0, height: 0 }
  let base: number
  let storeKey: Buffer | undefined
  let storeDist = false
  if (flags & COORDS) {
    base = 6
    ;[shape.lon, shape.lat] = longLat(arg(a, 1), arg(a, 2))
    radiusOf(shape, arg(a, 3), arg(a, 4))
  } else if (flags & MEMBER) {
    base = 5
    if (z) {
      ;[shape.lon, shape.lat] = memberPoint(z, arg(a, 1))
      radiusOf(shape, arg(a, 2), arg(a, 3))
    }
  } else {
    base = flags & STORE ? 3 : 2
    if (flags & STORE) storeKey = arg(a, 0)
  }
  let withDist = false
  let withHash = false
  let withCoord = false
  let fromMember = false
  let fromLoc = false
  let byRadius = false
  let byBox = false
  let sort = 0
  let any = false
  let count = 0
  const remaining = a.length + 1 - base
  for (let i = 0; i < remaining; i++) {
    const at = base - 1 + i
    const o = option(a[at])
    const search = (flags & GEOSEARCH) !== 0
    const radiusStore = !(flags & NOSTORE) && !search
    if (o === 'WITHDIST') withDist = true
    else if (o === 'WITHHASH') withHash = true
    else if (o === 'WITHCOORD') withCoord = true
    else if (o === 'ANY') any = true
    else if (o === 'ASC') sort = 1
    else if (o === 'DESC') sort = 2
    else if (o === 'COUNT' && i + 1 < remaining) {
      const n = parseBigInt(arg(a, at + 1))
      if (n <= 0n) fail('ERR COUNT must be > 0')
      count = Number(n)
      i++
    } else if ((o === 'STORE' || o === 'STOREDIST') && i + 1 < remaining && radiusStore) {
      storeKey = arg(a, at + 1)
      storeDist = o === 'STOREDIST'
      i++
    } else if (o === 'STOREDIST' && search && flags & STORE) storeDist = true
    else if (o === 'FROMMEMBER' && i + 1 < remaining && search && !fromLoc) {
      if (z) [shape.lon, shape.lat] = memberPoint(z, arg(a, at + 1))
      fromMember = true
      i++
    } else if (o === 'FROMLONLAT' && i + 2 < remaining && search && !fromMember) {
      ;[shape.lon, shape.lat] = longLat(arg(a, at + 1), arg(a, at + 2))
      fromLoc = true
      i += 2
    } else if (o === 'BYRADIUS' && i + 2 < remaining && search && !byBox) {
      radiusOf(shape, arg(a, at + 1), arg(a, at + 2))
      byRadius = true
      i += 2
    } else if (o === 'BYBOX' && i + 3 < remaining && search && !byRadius) {
      boxOf(shape, arg(a, at + 1), arg(a, at + 2), arg(a, at + 3))
      byBox = true
      i += 3
    } else fail(ERR.syntax)
  }
  if (storeKey && (withDist || withHash || withCoord)) {
    fail(
      `ERR ${flags & STORE ? 'GEOSEARCHSTORE' : 'STORE option in GEORADIUS'} is not compatible with WITHDIST, WITHHASH and WITHCOORD options`,
    )
  }
  const name = () => ({ arg: ks.commandName })
  if (flags & GEOSEARCH && !(fromMember || fromLoc))
    fail(errorText('ERR exactly one of FROMMEMBER or FROMLONLAT can be specified for ', name()))
  if (flags & GEOSEARCH && !(byRadius || byBox)) fail(errorText('ERR exactly one of BYRADIUS and BYBOX can be specified for ', name()))
  if (any && !count) fail('ERR the ANY argument requires COUNT argument')
  if (!z) {
    if (!storeKey) return []
    ks.delete(keyOf(storeKey))
    return 0
  }
  if (count !== 0 && sort === 0 && !any) sort = 1
  const found = scan(z, shape, any ? count : 0)
  if (found.length === 0 && !storeKey) return []
  const returned = count === 0 || found.length < count ? found.length : count
  if (sort !== 0) {
    const cmp = sort === 1 ? byDistance : (x: GeoPoint, y: GeoPoint) => -byDistance(x, y)
    if (returned === found.length) found.sort(cmp)
    else pqsort(found, cmp, 0, returned - 1)
  }
  const out = found.slice(0, returned)
  for (const p of out) p.dist /= shape.conversion
  if (storeKey) return storeResult(ks, storeKey, out, storeDist)
  if (!withDist && !withHash && !withCoord) return out.map((p) => Buffer.from(p.member, 'latin1'))
  return out.map((p) => {
    const item: Reply[] = [Buffer.from(p.member, 'latin1')]
    if (withDist) item.push(distanceReply(p.dist))
    if (withHash) item.push(Math.trunc(p.score))
    if (withCoord) item.push([coordinateReply(p.lon), coordinateReply(p.lat)])
    return item
  })
}

function byDistance(x: GeoPoint, y: GeoPoint): number {
  return x.dist > y.dist ? 1 : x.dist === y.dist ? 0 : -1
}

/** `membersOfAllNeighbors`: the cells in Redis's order, a cell equal to the one scanned last skipped. */
function scan(z: SortedSet, shape: GeoShape, limit: number): GeoPoint[] {
  const cells = searchAreas(shape)
  const found: GeoPoint[] = []
  let last: GeoHashBits | undefined
  for (const cell of cells) {
    if (!cell) continue
    if (last && cell.bits === last.bits && cell.step === last.step) continue
    if (found.length && limit && found.length >= limit) break
    scanCell(z, cell, shape, found, limit)
    // Redis's `last_processed` is an index, 0 for the centre's cell: a neighbour equal to it is scanned again
    last = cell === cells[0] ? undefined : cell
  }
  return found
}

/** `geoGetPointsInRange`: the members with min <= score < max inside the shape, in the set's order. */
function scanCell(z: SortedSet, cell: GeoHashBits, shape: GeoShape, found: GeoPoint[], limit: number): void {
  const [min, max] = cellScores(cell)
  const all = z.entries()
  for (let i = z.firstAtLeast(min, false); i < all.length; i++) {
    const e = all[i] as ZEntry
    if (!(e.score < max)) break
    const [lon, lat] = decodeScore(e.score)
    const dist = distanceWithin(shape, lon, lat)
    if (dist !== undefined) found.push({ member: e.member, score: e.score, lon, lat, dist })
    if (found.length && limit && found.length >= limit) break
  }
}

function storeResult(ks: Keyspace, dst: Buffer, points: readonly GeoPoint[], storeDist: boolean): number {
  const key = keyOf(dst)
  ks.delete(key)
  if (points.length === 0) return 0
  const z = ks.write(key, 'zset')
  z.batch(() => {
    for (const p of points) z.add(p.member, storeDist ? p.dist : p.score)
  })
  return points.length
}

/** `longLatFromMember`: the member's decoded point, or Redis's error when it is not in the set. */
function memberPoint(z: SortedSet, member: Buffer): [number, number] {
  const score = z.score(keyOf(member))
  if (score === undefined) fail('ERR could not decode requested zset member')
  return decodeScore(score)
}

/** `extractDistanceOrReply`. */
function radiusOf(shape: GeoShape, radius: Buffer, unit: Buffer): void {
  const d = parseDouble(radius, 'ERR need numeric radius')
  if (d < 0) fail('ERR radius cannot be negative')
  shape.conversion = unitOf(unit)
  shape.radius = d
  shape.circle = true
}

/** `extractBoxOrReply`. */
function boxOf(shape: GeoShape, width: Buffer, height: Buffer, unit: Buffer): void {
  const w = parseDouble(width, 'ERR need numeric width')
  const h = parseDouble(height, 'ERR need numeric height')
  if (h < 0 || w < 0) fail('ERR height or width cannot be negative')
  shape.conversion = unitOf(unit)
  shape.width = w
  shape.height = h
  shape.circle = false
}
