import { option, parseDouble } from '../store/args.js'
import { exactLongDouble, fixedDigits, formatLongDoubleHuman } from '../store/long-double.js'
import { fail } from '../store/replies.js'
import { GEO_LAT_MAX, GEO_LAT_MIN, GEO_LONG_MAX, GEO_LONG_MIN } from './geohash.js'

// Argument readers and reply formats shared by the geo commands (geo.c's helpers).

/** `extractLongLatOrReply`: longitude then latitude as floats, then Redis's limits; [lon, lat]. */
export function longLat(lonArg: Buffer, latArg: Buffer): [number, number] {
  const lon = parseDouble(lonArg)
  const lat = parseDouble(latArg)
  if (lon < GEO_LONG_MIN || lon > GEO_LONG_MAX || lat < GEO_LAT_MIN || lat > GEO_LAT_MAX) {
    fail(`ERR invalid longitude,latitude pair ${fixed(lon, 6)},${fixed(lat, 6)}`)
  }
  return [lon, lat]
}

/** `extractUnitOrReply`: metres per unit (names compared as `strcasecmp` does). */
export function unitOf(u: Buffer): number {
  const name = option(u)
  if (name === 'M') return 1
  if (name === 'KM') return 1000
  if (name === 'FT') return 0.3048
  if (name === 'MI') return 1609.34
  fail('ERR unsupported unit provided. please use M, KM, FT, MI')
}

/** `addReplyDoubleDistance`: `fixedpoint_d2string(d, 4)`, the value times 10^4 rounded by `llrint` (ties to even). */
export function distanceReply(d: number): Buffer {
  if (d === 0) return Buffer.from('0.0000')
  const x = d * 10000
  let n = Math.floor(x)
  const rest = x - n
  if (rest > 0.5 || (rest === 0.5 && n % 2 !== 0)) n++
  const negative = n < 0
  const digits = String(Math.abs(n)).padStart(5, '0')
  return Buffer.from(`${negative ? '-' : ''}${digits.slice(0, -4)}.${digits.slice(-4)}`)
}

/** `addReplyHumanLongDouble` of a double under RESP2: `%.17Lf` without trailing zeros. */
export function coordinateReply(d: number): Buffer {
  return Buffer.from(formatLongDoubleHuman(exactLongDouble(d)), 'latin1')
}

// --- internal ---

/** C's `%.<digits>f` of a double: its exact value rounded half to even, as glibc prints it. */
function fixed(d: number, digits: number): string {
  if (!Number.isFinite(d)) return Number.isNaN(d) ? 'nan' : d < 0 ? '-inf' : 'inf'
  const v = exactLongDouble(d) as { negative: boolean; mantissa: bigint; exp2: number }
  const text = fixedDigits(v.mantissa, v.exp2, digits)
  return `${v.negative ? '-' : ''}${text.slice(0, -digits)}.${text.slice(-digits)}`
}
