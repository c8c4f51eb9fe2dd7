/**
 * The reply model of the embedded keyspace: what a Redis server would write on the wire,
 * before any client-side conversion. Bulk strings are bytes, integers are numbers.
 */
export type Reply = Buffer | number | null | StatusReply | ErrorReply | readonly Reply[]

/** A status reply (`+OK`). */
export class StatusReply {
  constructor(readonly status: string) {}
}

/** An error reply (`-ERR ...`), with Redis's message byte for byte. */
export class ErrorReply {
  constructor(readonly message: string) {}
}

/** Thrown by command code and turned into an ErrorReply by the dispatcher. */
export class CommandError extends Error {
  override readonly name = 'CommandError'
}

export const OK = new StatusReply('OK')

/** Redis's fixed error texts, shared by every command file. */
export const ERR = {
  wrongType: 'WRONGTYPE Operation against a key holding the wrong kind of value',
  notInteger: 'ERR value is not an integer or out of range',
  notFloat: 'ERR value is not a valid float',
  syntax: 'ERR syntax error',
  overflow: 'ERR increment or decrement would overflow',
  noSuchKey: 'ERR no such key',
  indexOutOfRange: 'ERR index out of range',
  minMaxFloat: 'ERR min or max is not a float',
  minMaxLex: 'ERR min or max not valid string range item',
  hashNotInteger: 'ERR hash value is not an integer',
  hashNotFloat: 'ERR hash value is not a float',
  notFloatIncr: 'ERR value is not a valid float',
  nan: 'ERR resulting score is not a number (NaN)',
  notPositive: 'ERR value is out of range, must be positive',
} as const

/** Throws a CommandError with Redis's text. */
export function fail(message: string): never {
  throw new CommandError(message)
}

/** Bytes of a string argument. */
export function bulk(s: string | Buffer): Buffer {
  return typeof s === 'string' ? Buffer.from(s) : s
}

/** A number formatted as Redis replies doubles (`%.17g`, `inf`, `-inf`). */
export function doubleReply(d: number): Buffer {
  return Buffer.from(formatDouble(d), 'latin1')
}

/**
 * C's `%.17g` as Redis 7.0 prints doubles (integral values within 2^53 print as integers,
 * infinities as `inf`/`-inf`).
 */
export function formatDouble(d: number): string {
  if (d === Number.POSITIVE_INFINITY) return 'inf'
  if (d === Number.NEGATIVE_INFINITY) return '-inf'
  return formatG(d, 17)
}

/** C's `%.<precision>g`. */
export function formatG(d: number, precision: number): string {
  if (Number.isNaN(d)) return d < 0 ? '-nan' : 'nan'
  if (!Number.isFinite(d)) return d < 0 ? '-inf' : 'inf'
  if (d === 0) return Object.is(d, -0) ? '-0' : '0'
  const exp = Math.floor(Math.log10(Math.abs(d)))
  // toExponential rounds exactly like printf; its exponent decides the style
  const e = d.toExponential(precision - 1)
  const [mant, expText] = e.split('e') as [string, string]
  const x = Number(expText)
  void exp
  if (x < -4 || x >= precision) {
    const m = stripZeros(mant)
    const sign = x < 0 ? '-' : '+'
    const abs = Math.abs(x)
    return `${m}e${sign}${abs < 10 ? '0' : ''}${abs}`
  }
  return stripZeros(d.toFixed(Math.max(0, precision - 1 - x)))
}

// --- internal ---

function stripZeros(s: string): string {
  if (!s.includes('.')) return s
  return s.replace(/\.?0+$/, '')
}
