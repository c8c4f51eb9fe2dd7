import { CommandError, ERR } from './replies.js'

const INT_RE = /^-?[1-9][0-9]*$|^0$/
const MAX = 9223372036854775807n
const MIN = -9223372036854775808n

/**
 * Parses a Redis integer argument (`string2ll`: no spaces, no `+`, no leading zeros,
 * within 64 bits). Values beyond 2^53 are refused too, since replies carry JS numbers.
 */
export function parseInteger(arg: Buffer, message: string = ERR.notInteger): number {
  const s = arg.toString('latin1')
  if (s.length > 20 || !INT_RE.test(s)) throw new CommandError(message)
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
  const n = BigInt(s)
  if (n > MAX || n < MIN) return undefined
  return Number(n)
}

/**
 * Parses a Redis double argument (`strtod` over the whole text: `inf`, `-inf`, `1e5`, hex
 * floats are refused as Redis does not accept spaces or NaN).
 */
export function parseDouble(arg: Buffer, message: string = ERR.notFloat): number {
  const d = tryDouble(arg)
  if (d === undefined) throw new CommandError(message)
  return d
}

/** Like parseDouble without throwing. */
export function tryDouble(arg: Buffer): number | undefined {
  const s = arg.toString('latin1')
  if (s.length === 0 || /^\s|\s$/.test(s)) return undefined
  const lower = s.toLowerCase()
  if (lower === 'inf' || lower === '+inf' || lower === 'infinity' || lower === '+infinity') return Number.POSITIVE_INFINITY
  if (lower === '-inf' || lower === '-infinity') return Number.NEGATIVE_INFINITY
  if (!/^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(s)) return undefined
  const d = Number(s)
  return Number.isNaN(d) ? undefined : d
}

/** Upper-cased ASCII text of an option argument. */
export function option(arg: Buffer | undefined): string {
  return arg === undefined ? '' : arg.toString('latin1').toUpperCase()
}

/** A key or member as a map key: one char per byte, so any bytes round-trip. */
export function keyOf(arg: Buffer): string {
  return arg.toString('latin1')
}

/** Bytes of a map key made by keyOf. */
export function keyBytes(key: string): Buffer {
  return Buffer.from(key, 'latin1')
}
