import { string2d } from './c-numbers.js'
import { CommandError, ERR } from './replies.js'

const INT_RE = /^-?[1-9][0-9]*$|^0$/
/** C's LLONG_MAX and LLONG_MIN, the range of Redis's integers. */
export const LLONG_MAX = 9223372036854775807n
export const LLONG_MIN = -9223372036854775808n
const MAX = LLONG_MAX
const MIN = LLONG_MIN

/**
 * Parses a Redis integer argument (`string2ll`: no spaces, no `+`, no leading zeros,
 * within 64 bits). Values beyond 2^53 are refused too, since replies carry JS numbers.
 */
export function parseInteger(arg: Buffer, message: string = ERR.notInteger): number {
  const s = arg.toString('latin1')
  if (s.length > 20 || !INT_RE.test(s)) throw new CommandError(message)
  // up to 15 digits, a safe integer: Number reads it exactly, without a BigInt
  if (s.length <= 15) return Number(s)
  const n = BigInt(s)
  if (n > MAX || n < MIN) throw new CommandError(message)
  return Number(n)
}

/** A Redis integer argument as a BigInt, exact over the whole 64-bit range. */
export function parseBigInt(arg: Buffer, message: string = ERR.notInteger): bigint {
  const s = arg.toString('latin1')
  if (s.length > 20 || !INT_RE.test(s)) throw new CommandError(message)
  const n = BigInt(s)
  if (n > MAX || n < MIN) throw new CommandError(message)
  return n
}

/** Like parseInteger, but reports whether the text was a valid integer instead of throwing. */
export function tryInteger(arg: Buffer): number | undefined {
  const s = arg.toString('latin1')
  if (s.length > 20 || !INT_RE.test(s)) return undefined
  if (s.length <= 15) return Number(s)
  const n = BigInt(s)
  if (n > MAX || n < MIN) return undefined
  return Number(n)
}

/**
 * Parses a Redis double argument as `getDoubleFromObject` does (`string2d`: strtod over the
 * whole text: hex and `inf` accepted; leading spaces, NaN and out-of-range values refused).
 */
export function parseDouble(arg: Buffer, message: string = ERR.notFloat): number {
  const d = tryDouble(arg)
  if (d === undefined) throw new CommandError(message)
  return d
}

/** Like parseDouble without throwing. */
export function tryDouble(arg: Buffer): number | undefined {
  return string2d(arg.toString('latin1'))
}

/** Upper-cased ASCII text of an option argument, up to a NUL byte (Redis compares options with strcasecmp). */
export function option(arg: Buffer | undefined): string {
  if (arg === undefined) return ''
  const nul = arg.indexOf(0)
  return (nul < 0 ? arg : arg.subarray(0, nul)).toString('latin1').toUpperCase()
}

/** A key or member as a map key: one char per byte, so any bytes round-trip. */
export function keyOf(arg: Buffer): string {
  return arg.toString('latin1')
}

/** Bytes of a map key made by keyOf. */
export function keyBytes(key: string): Buffer {
  return Buffer.from(key, 'latin1')
}
