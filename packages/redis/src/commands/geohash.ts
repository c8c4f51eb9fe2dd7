// Over 250 lines: one port of geohash.c and geohash_helper.c, whose parts share the cell arithmetic
/**
 * Redis 7.0.15's geohash.c and geohash_helper.c: the 52-bit interleaved scores of a geo
 * sorted set, their decoding to the centre of their cell, the cells and neighbours a search
 * scans, and the haversine distances, each in the order of the C code's double operations.
 * Hashes of up to 52 bits (plus the carry of a coordinate at its range's top) are bigints
 * where they are built and moved, and two 32-bit halves where a search decodes them.
 */

export const GEO_LAT_MIN = -85.05112878
export const GEO_LAT_MAX = 85.05112878
export const GEO_LONG_MIN = -180
export const GEO_LONG_MAX = 180
/** 26 × 2 = 52 bits. */
export const GEO_STEP_MAX = 26

/** A geohash cell: its bits and the bits per coordinate (`step`). */
export interface GeoHashBits {
  bits: bigint
  step: number
}

/** An interval of one coordinate. */
export interface GeoRange {
  readonly min: number
  readonly max: number
}

/** A search shape (`GeoShape`): a radius or a width × height box around `lon`/`lat`, in units of `conversion` metres. */
export interface GeoShape {
  lon: number
  lat: number
  conversion: number
  circle: boolean
  radius: number
  width: number
  height: number
}

const LONG_RANGE: GeoRange = { min: GEO_LONG_MIN, max: GEO_LONG_MAX }
const LAT_RANGE: GeoRange = { min: GEO_LAT_MIN, max: GEO_LAT_MAX }
const D_R = Math.PI / 180.0
const EARTH_RADIUS_IN_METERS = 6372797.560856
const MERCATOR_MAX = 20037726.37

/** `geohashEncode`: undefined where the C code answers 0 (a coordinate outside Redis's limits or the ranges). */
export function geohashEncode(long: GeoRange, lat: GeoRange, longitude: number, latitude: number, step: number): GeoHashBits | undefined {
  if (longitude > GEO_LONG_MAX || longitude < GEO_LONG_MIN || latitude > GEO_LAT_MAX || latitude < GEO_LAT_MIN) return undefined
  if (latitude < lat.min || latitude > lat.max || longitude < long.min || longitude > long.max) return undefined
  let latOffset = (latitude - lat.min) / (lat.max - lat.min)
  let longOffset = (longitude - long.min) / (long.max - long.min)
  latOffset *= 2 ** step
  longOffset *= 2 ** step
  return { bits: interleave64(Math.trunc(latOffset) >>> 0, Math.trunc(longOffset) >>> 0), step }
}

/** The score GEOADD stores for a point (`geohashEncodeWGS84` at step 26, aligned to 52 bits), as a double. */
export function geoScore(longitude: number, latitude: number): number {
  const h = geohashEncode(LONG_RANGE, LAT_RANGE, longitude, latitude, GEO_STEP_MAX) as GeoHashBits
  return Number(h.bits)
}

/**
 * `decodeGeohash(score)`: the score as C's `(uint64_t)` conversion on x86-64 reads a double
 * (truncated; a negative one wraps; 2^64 and above, and -2^63 and below, give 0 and 2^63),
 * decoded at step 26 to the centre of its cell, clamped to Redis's limits: [lon, lat].
 */
export function decodeScore(score: number): [number, number] {
  let lo: number
  let hi: number
  if (score >= 0 && score < 2 ** 53) {
    const v = Math.trunc(score)
    lo = v % 2 ** 32
    hi = Math.floor(v / 2 ** 32)
  } else {
    const u = toUint64(score)
    lo = Number(u & 0xffffffffn)
    hi = Number(u >> 32n)
  }
  const ilato = (compact16(lo) | (compact16(hi) << 16)) >>> 0
  const ilono = (compact16(lo >>> 1) | (compact16(hi >>> 1) << 16)) >>> 0
  const scale = 2 ** GEO_STEP_MAX
  const latScale = GEO_LAT_MAX - GEO_LAT_MIN
  const longScale = GEO_LONG_MAX - GEO_LONG_MIN
  const latMin = GEO_LAT_MIN + ((ilato * 1.0) / scale) * latScale
  const latMax = GEO_LAT_MIN + ((((ilato + 1) >>> 0) * 1.0) / scale) * latScale
  const lonMin = GEO_LONG_MIN + ((ilono * 1.0) / scale) * longScale
  const lonMax = GEO_LONG_MIN + ((((ilono + 1) >>> 0) * 1.0) / scale) * longScale
  let lon = (lonMin + lonMax) / 2
  if (lon > GEO_LONG_MAX) lon = GEO_LONG_MAX
  if (lon < GEO_LONG_MIN) lon = GEO_LONG_MIN
  let lat = (latMin + latMax) / 2
  if (lat > GEO_LAT_MAX) lat = GEO_LAT_MAX
  if (lat < GEO_LAT_MIN) lat = GEO_LAT_MIN
  return [lon, lat]
}

/** GEOHASH's 11 characters: the point re-encoded over latitudes -90..90, the 11th always '0'. */
export function standardGeohash(lon: number, lat: number): string {
  const alphabet = '0123456789bcdefghjkmnpqrstuvwxyz'
  const h = geohashEncode({ min: -180, max: 180 }, { min: -90, max: 90 }, lon, lat, 26)
  const bits = h?.bits ?? 0n
  let out = ''
  for (let i = 0; i < 11; i++) out += alphabet[i === 10 ? 0 : Number((bits >> BigInt(52 - (i + 1) * 5)) & 0x1fn)]
  return out
}

/** `geohashGetDistance`: haversine metres between two points (degrees). */
export function geoDistance(lon1d: number, lat1d: number, lon2d: number, lat2d: number): number {
  const lon1r = lon1d * D_R
  const lon2r = lon2d * D_R
  const v = Math.sin((lon2r - lon1r) / 2)
  if (v === 0.0) return latDistance(lat1d, lat2d)
  const lat1r = lat1d * D_R
  const lat2r = lat2d * D_R
  const u = Math.sin((lat2r - lat1r) / 2)
  const a = u * u + Math.cos(lat1r) * Math.cos(lat2r) * v * v
  return 2.0 * EARTH_RADIUS_IN_METERS * Math.asin(Math.sqrt(a))
}

/** `geoWithinShape`'s test after decoding: the distance from the shape's centre, or undefined outside it. */
export function distanceWithin(shape: GeoShape, lon: number, lat: number): number | undefined {
  if (shape.circle) {
    const d = geoDistance(shape.lon, shape.lat, lon, lat)
    return d > shape.radius * shape.conversion ? undefined : d
  }
  const widthM = shape.width * shape.conversion
  const heightM = shape.height * shape.conversion
  if (latDistance(shape.lat, lat) > heightM / 2) return undefined
  if (geoDistance(lon, lat, shape.lon, lat) > widthM / 2) return undefined
  return geoDistance(shape.lon, shape.lat, lon, lat)
}

/**
 * `geohashCalculateAreasByShapeWGS84`: the cell around the centre and its eight neighbours
 * to scan, in Redis's order (self, N, S, E, W, NE, NW, SE, SW); undefined for a neighbour
 * Redis zeroes as useless.
 */
export function searchAreas(shape: GeoShape): (GeoHashBits | undefined)[] {
  const [minLon, minLat, maxLon, maxLat] = boundingBox(shape)
  const radiusMeters =
    (shape.circle ? shape.radius : Math.sqrt((shape.width / 2) * (shape.width / 2) + (shape.height / 2) * (shape.height / 2))) *
    shape.conversion
  let steps = estimateSteps(radiusMeters, shape.lat)
  let hash = geohashEncode(LONG_RANGE, LAT_RANGE, shape.lon, shape.lat, steps) as GeoHashBits
  let n = neighbors(hash)
  const north = decodeArea(n[0] as GeoHashBits)
  const south = decodeArea(n[1] as GeoHashBits)
  const east = decodeArea(n[2] as GeoHashBits)
  const west = decodeArea(n[3] as GeoHashBits)
  const decrease = north.lat.max < maxLat || south.lat.min > minLat || east.lon.max < maxLon || west.lon.min > minLon
  if (steps > 1 && decrease) {
    steps--
    hash = geohashEncode(LONG_RANGE, LAT_RANGE, shape.lon, shape.lat, steps) as GeoHashBits
    n = neighbors(hash)
  }
  const area = decodeArea(hash)
  // [north, south, east, west, north_east, north_west, south_east, south_west]
  const out: (GeoHashBits | undefined)[] = [hash, ...n]
  if (steps >= 2) {
    const drop = (...i: number[]) => {
      for (const j of i) out[j + 1] = undefined
    }
    if (area.lat.min < minLat) drop(1, 7, 6)
    if (area.lat.max > maxLat) drop(0, 4, 5)
    if (area.lon.min < minLon) drop(3, 7, 5)
    if (area.lon.max > maxLon) drop(2, 6, 4)
  }
  return out
}

/** `scoresOfGeoHashBox`: the scores [min, max) of the points in a cell. */
export function cellScores(h: GeoHashBits): [number, number] {
  const shift = BigInt(52 - h.step * 2)
  return [Number(h.bits << shift), Number((h.bits + 1n) << shift)]
}

// --- internal ---

function latDistance(lat1d: number, lat2d: number): number {
  return EARTH_RADIUS_IN_METERS * Math.abs(lat2d * D_R - lat1d * D_R)
}

function boundingBox(shape: GeoShape): [number, number, number, number] {
  const height = shape.conversion * (shape.circle ? shape.radius : shape.height / 2)
  const width = shape.conversion * (shape.circle ? shape.radius : shape.width / 2)
  const latDelta = height / EARTH_RADIUS_IN_METERS / D_R
  const longDeltaTop = width / EARTH_RADIUS_IN_METERS / Math.cos((shape.lat + latDelta) * D_R) / D_R
  const longDeltaBottom = width / EARTH_RADIUS_IN_METERS / Math.cos((shape.lat - latDelta) * D_R) / D_R
  const southern = shape.lat < 0
  const lon = shape.lon
  return [
    southern ? lon - longDeltaBottom : lon - longDeltaTop,
    shape.lat - latDelta,
    southern ? lon + longDeltaBottom : lon + longDeltaTop,
    shape.lat + latDelta,
  ]
}

function estimateSteps(rangeMeters: number, lat: number): number {
  if (rangeMeters === 0) return 26
  let step = 1
  let range = rangeMeters
  while (range < MERCATOR_MAX) {
    range *= 2
    step++
  }
  step -= 2
  if (lat > 66 || lat < -66) {
    step--
    if (lat > 80 || lat < -80) step--
  }
  if (step < 1) step = 1
  if (step > 26) step = 26
  return step
}

interface Area {
  readonly lat: GeoRange
  readonly lon: GeoRange
}

function decodeArea(h: GeoHashBits): Area {
  const sep = deinterleaveBig(h.bits)
  const ilato = sep.x
  const ilono = sep.y
  const scale = 2 ** h.step
  const latScale = GEO_LAT_MAX - GEO_LAT_MIN
  const longScale = GEO_LONG_MAX - GEO_LONG_MIN
  return {
    lat: { min: GEO_LAT_MIN + ((ilato * 1.0) / scale) * latScale, max: GEO_LAT_MIN + ((((ilato + 1) >>> 0) * 1.0) / scale) * latScale },
    lon: { min: GEO_LONG_MIN + ((ilono * 1.0) / scale) * longScale, max: GEO_LONG_MIN + ((((ilono + 1) >>> 0) * 1.0) / scale) * longScale },
  }
}

const MASK64 = (1n << 64n) - 1n
const EVEN = 0x5555555555555555n
const ODD = 0xaaaaaaaaaaaaaaaan

/** `geohashNeighbors`: [north, south, east, west, north_east, north_west, south_east, south_west]. */
function neighbors(h: GeoHashBits): GeoHashBits[] {
  const moved = (dx: number, dy: number) => ({ bits: moveY(moveX(h.bits, h.step, dx), h.step, dy), step: h.step })
  return [moved(0, 1), moved(0, -1), moved(1, 0), moved(-1, 0), moved(1, 1), moved(-1, 1), moved(1, -1), moved(-1, -1)]
}

function moveX(bits: bigint, step: number, d: number): bigint {
  if (d === 0) return bits
  let x = bits & ODD
  const y = bits & EVEN
  const zz = EVEN >> BigInt(64 - step * 2)
  if (d > 0) x = (x + (zz + 1n)) & MASK64
  else x = ((x | zz) - (zz + 1n)) & MASK64
  x &= ODD >> BigInt(64 - step * 2)
  return x | y
}

function moveY(bits: bigint, step: number, d: number): bigint {
  if (d === 0) return bits
  const x = bits & ODD
  let y = bits & EVEN
  const zz = ODD >> BigInt(64 - step * 2)
  if (d > 0) y = (y + (zz + 1n)) & MASK64
  else y = ((y | zz) - (zz + 1n)) & MASK64
  y &= EVEN >> BigInt(64 - step * 2)
  return x | y
}

/** `interleave64`: x's bits at the even positions, y's at the odd ones. */
function interleave64(x: number, y: number): bigint {
  const lo = (spread16(x & 0xffff) | (spread16(y & 0xffff) << 1)) >>> 0
  const hi = (spread16(x >>> 16) | (spread16(y >>> 16) << 1)) >>> 0
  return (BigInt(hi) << 32n) | BigInt(lo)
}

function deinterleaveBig(bits: bigint): { x: number; y: number } {
  const lo = Number(bits & 0xffffffffn)
  const hi = Number((bits >> 32n) & 0xffffffffn)
  return { x: (compact16(lo) | (compact16(hi) << 16)) >>> 0, y: (compact16(lo >>> 1) | (compact16(hi >>> 1) << 16)) >>> 0 }
}

function spread16(v: number): number {
  let x = v & 0xffff
  x = (x | (x << 8)) & 0x00ff00ff
  x = (x | (x << 4)) & 0x0f0f0f0f
  x = (x | (x << 2)) & 0x33333333
  x = (x | (x << 1)) & 0x55555555
  return x
}

/** The even bits of a 32-bit value, packed into 16. */
function compact16(v: number): number {
  let x = v & 0x55555555
  x = (x | (x >>> 1)) & 0x33333333
  x = (x | (x >>> 2)) & 0x0f0f0f0f
  x = (x | (x >>> 4)) & 0x00ff00ff
  x = (x | (x >>> 8)) & 0x0000ffff
  return x
}

/** C's `(uint64_t)d` as gcc compiles it for x86-64 (cvttsd2si, with 2^63 subtracted first from larger values). */
function toUint64(d: number): bigint {
  if (Number.isNaN(d)) return 1n << 63n
  if (d < 2 ** 63) return d <= -(2 ** 63) || !Number.isFinite(d) ? 1n << 63n : BigInt(Math.trunc(d)) & MASK64
  const r = d - 2 ** 63
  return (r >= 2 ** 63 ? 1n << 63n : BigInt(Math.trunc(r))) ^ (1n << 63n)
}
