/**
 * The reply model of the embedded keyspace: what a Redis server would write on the wire,
 * before any client-side conversion. Bulk strings are bytes, integers are numbers, or
 * bigints beyond 2^53 so that each client can convert them as its own parser does.
 */
export type Reply = Buffer | number | bigint | null | StatusReply | ErrorReply | readonly Reply[]

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

const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER)

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
  nanOrInfinity: 'ERR increment would produce NaN or Infinity',
  notPositive: 'ERR value is out of range, must be positive',
  oom: "OOM command not allowed when used memory > 'maxmemory'.",
} as const

/** Throws a CommandError with Redis's text. */
export function fail(message: string): never {
  throw new CommandError(message)
}

/** A 64-bit integer as a number when that is exact, else as the bigint (for replies and times). */
export function exactNumber(n: bigint): number | bigint {
  return n >= -MAX_SAFE && n <= MAX_SAFE ? Number(n) : n
}

/**
 * An error message as Redis formats one with arguments in it (`%s`, `%.128s`): `parts` are
 * text or argument bytes, each argument cut at a NUL (and at `max` bytes). Carriage returns
 * and newlines become spaces, as Redis keeps the error line valid; the bytes are decoded
 * as UTF-8, as clients decode error lines.
 */
export function errorText(...parts: (string | { readonly arg: Buffer; readonly max?: number })[]): string {
  const bytes = Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p, 'utf8') : cBytes(p.arg, p.max))))
  for (let i = 0; i < bytes.length; i++) if (bytes[i] === 0x0d || bytes[i] === 0x0a) bytes[i] = 0x20
  return bytes.toString('utf8')
}

/**
 * An argument at the end of an error message as `addReplyErrorFormat` prints it: up to a NUL
 * (`%s`), with CR/LF trimmed from the end (its `sdstrim` of the whole message, which never
 * starts with one); pass the result to `errorText`, which turns the rest into spaces.
 */
export function errorTail(arg: Buffer): Buffer {
  const bytes = cBytes(arg)
  let end = bytes.length
  while (end > 0 && (bytes[end - 1] === 0x0d || bytes[end - 1] === 0x0a)) end--
  return bytes.subarray(0, end)
}

/**
 * Redis 7.0's reply to an unknown command: the name cut at 128 bytes, then the arguments
 * while the list stays under 128 bytes, each cut to what room is left.
 */
export function unknownCommandError(argv: readonly Buffer[]): ErrorReply {
  const shown: Buffer[] = []
  let size = 0
  for (let i = 1; i < argv.length && size < 128; i++) {
    const text = cBytes(argv[i] as Buffer, 128 - size)
    shown.push(Buffer.from("'"), text, Buffer.from("' "))
    size += text.length + 3
  }
  const name = argv[0] ?? Buffer.alloc(0)
  return new ErrorReply(
    errorText("ERR unknown command '", { arg: name, max: 128 }, "', with args beginning with: ", { arg: Buffer.concat(shown) }),
  )
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

/**
 * C's `%.<precision>g`, rounding as glibc's printf does: to nearest, an exact tie to the
 * even digit (JS's toExponential/toFixed round ties away from zero: 123456789012345 at 14
 * digits is `1.2345678901234e+14` in C, `...235e+14` in JS).
 */
export function formatG(d: number, precision: number): string {
  // glibc prints a NaN's sign bit (0/0 is -nan on x86-64)
  if (Number.isNaN(d)) return signBit(d) ? '-nan' : 'nan'
  if (!Number.isFinite(d)) return d < 0 ? '-inf' : 'inf'
  if (d === 0) return Object.is(d, -0) ? '-0' : '0'
  const { digits, exp } = roundedDigits(d, precision)
  const sign = d < 0 ? '-' : ''
  if (exp < -4 || exp >= precision) {
    const m = stripZeros(digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits)
    const abs = Math.abs(exp)
    return `${sign}${m}e${exp < 0 ? '-' : '+'}${abs < 10 ? '0' : ''}${abs}`
  }
  if (exp < 0) return `${sign}${stripZeros(`0.${'0'.repeat(-exp - 1)}${digits}`)}`
  const frac = digits.slice(exp + 1)
  return `${sign}${frac ? stripZeros(`${digits.slice(0, exp + 1)}.${frac}`) : digits.slice(0, exp + 1)}`
}

// --- internal ---

const scratch = new DataView(new ArrayBuffer(8))

/** Whether a double's sign bit is set (NaN included). */
function signBit(d: number): boolean {
  scratch.setFloat64(0, d)
  return (scratch.getUint8(0) & 0x80) !== 0
}

function stripZeros(s: string): string {
  if (!s.includes('.')) return s
  return s.replace(/\.?0+$/, '')
}

/** The first `precision` significant digits of |d| rounded as printf does, and the decimal exponent. */
function roundedDigits(d: number, precision: number): { digits: string; exp: number } {
  const abs = Math.abs(d)
  const split = (text: string) => {
    const [m, e] = text.split('e') as [string, string]
    return { digits: m.replace('.', ''), exp: Number(e) }
  }
  const js = split(abs.toExponential(precision - 1))
  // a tie shows as a trailing 5 one digit further; only then can C and JS differ
  const longer = split(abs.toExponential(precision))
  if (!longer.digits.endsWith('5')) return js
  const kept = longer.digits.slice(0, precision)
  if (Number(kept[precision - 1]) % 2 === 1) return js // odd: both round up
  if (!exactlyEquals(abs, BigInt(longer.digits), longer.exp - precision)) return js
  return { digits: kept, exp: longer.exp }
}

/** Whether the double `x` is exactly `n × 10^k`. */
function exactlyEquals(x: number, n: bigint, k: number): boolean {
  const view = new DataView(new ArrayBuffer(8))
  view.setFloat64(0, x)
  const hi = view.getUint32(0)
  const bits = (hi >>> 20) & 0x7ff
  let mant = (BigInt(hi & 0xfffff) << 32n) | BigInt(view.getUint32(4))
  if (bits !== 0) mant |= 1n << 52n
  const e = (bits === 0 ? 1 : bits) - 1075
  let left = e >= 0 ? mant << BigInt(e) : mant
  let right = e < 0 ? n << BigInt(-e) : n
  if (k >= 0) right *= 10n ** BigInt(k)
  else left *= 10n ** BigInt(-k)
  return left === right
}

/** The bytes C's `%.<max>s` prints of an argument: up to a NUL, at most `max`. */
function cBytes(arg: Buffer, max = Number.POSITIVE_INFINITY): Buffer {
  const nul = arg.indexOf(0)
  return arg.subarray(0, Math.min(nul < 0 ? arg.length : nul, max))
}
