import { ClosedError, type Host, InvalidArgumentError, quoteText } from '@polyhost/core'
import type { RedisOptions as ConnectionOptions, Telemetry, WorkerOptions } from 'bullmq'
import type { Redis } from 'ioredis'

/**
 * The options `createScriptQueue` and `createScriptWorker` check before they open a Redis
 * connection. BullMQ refuses some of them with a bare Error only after this package's own
 * connections were open, and those connections then reconnected for ever and kept the
 * process alive; others it took and acted on (a negative `lockDuration` expires every lock at
 * once, so jobs run again while they run; an unknown `fairness` meant plain FIFO).
 */

/** The longest time a Node.js timer holds, in ms. */
const MAX_TIMER_MS = 2 ** 31 - 1

/** The longest queue `name` and `prefix`, in UTF-8 bytes: each is repeated in every key of the queue. */
export const MAX_NAME_BYTES = 256

/**
 * The options object, a queue name BullMQ takes, a connection and a prefix. Returns the
 * connection options to open every connection with (see {@link checkedConnection}).
 */
export function checkClientOptions(options: unknown, what: string): ConnectionOptions {
  if (typeof options !== 'object' || options === null) throw new InvalidArgumentError(`${what}: expected an options object`)
  const o = options as Record<string, unknown>
  if (typeof o.name !== 'string' || o.name === '' || o.name.includes(':'))
    throw new InvalidArgumentError(`${what}: name must be a non-empty string without ':', received ${shown(o.name)}`)
  checkKeyPart(o.name, 'name', what)
  if (typeof o.connection !== 'object' || o.connection === null)
    throw new InvalidArgumentError(`${what}: connection must be ioredis options (an object), received ${shown(o.connection)}`)
  const connection = checkedConnection(o.connection as Record<string, unknown>, what)
  if (o.prefix !== undefined && (typeof o.prefix !== 'string' || o.prefix === ''))
    throw new InvalidArgumentError(`${what}: prefix must be a non-empty string, received ${shown(o.prefix)}`)
  if (o.prefix !== undefined) checkKeyPart(o.prefix, 'prefix', what)
  return connection
}

/**
 * A name or prefix as part of Redis keys: at most MAX_NAME_BYTES (a megabyte name was taken and
 * repeated in every key, event and message of the queue), no control character (NUL, line
 * breaks: keys that logs and redis-cli show broken), no lone surrogate (its UTF-8 is U+FFFD's,
 * so 'q\uD800' and 'q\uDC00' were the same queue).
 */
function checkKeyPart(v: string, key: string, what: string): void {
  const bytes = v.length * 3 <= MAX_NAME_BYTES ? 0 : Buffer.byteLength(v)
  if (bytes > MAX_NAME_BYTES)
    throw new InvalidArgumentError(`${what}: ${key} must be at most ${MAX_NAME_BYTES} bytes (UTF-8), received ${bytes}`)
  for (let i = 0; i < v.length; i++) {
    const c = v.charCodeAt(i)
    if (c < 0x20 || c === 0x7f) throw new InvalidArgumentError(`${what}: ${key} cannot contain control characters, received ${shown(v)}`)
    const high = c >= 0xd800 && c <= 0xdbff
    if (high && i + 1 < v.length && (v.charCodeAt(i + 1) & 0xfc00) === 0xdc00) i++
    else if (high || (c >= 0xdc00 && c <= 0xdfff))
      throw new InvalidArgumentError(`${what}: ${key} cannot contain a lone surrogate (its UTF-8 is another name's), received ${shown(v)}`)
  }
}

/**
 * The ioredis options whose bad values crash, hang or mislead, checked, as a copy every
 * connection of the queue or worker opens with: a negative `connectTimeout` threw out of a
 * socket callback (an uncaught exception that ended the process), a `port` that is no port was
 * reported as an unreachable Redis at `localhost:NaN` after `connectTimeoutMs`, a
 * `retryStrategy` that threw did so out of a socket callback too (each reconnect of each
 * connection), and one that returned NaN or a negative number reconnected in a tight loop. An
 * ioredis client passed as `connection` was read as options: this package's own connections
 * went to 127.0.0.1:6379 while BullMQ's used the client's Redis. A `keyPrefix` (which BullMQ's
 * scripts do not apply to the keys they build) split a queue's keys between two places.
 */
function checkedConnection(c: Record<string, unknown>, what: string): ConnectionOptions {
  const at = (key: string) => `connection.${key}`
  if (typeof c.connect === 'function' || typeof c.sendCommand === 'function')
    throw new InvalidArgumentError(
      `${what}: connection must be ioredis options, not a client: the queue and the worker open (and close) connections of their own`,
    )
  if (c.keyPrefix !== undefined)
    throw new InvalidArgumentError(
      `${what}: ${at('keyPrefix')} is not supported (BullMQ's scripts build keys without it): use the prefix option`,
    )
  const ints: [string, number, number][] = [
    ['port', 0, 65535],
    ['db', 0, 2 ** 31 - 1],
    ['connectTimeout', 0, MAX_TIMER_MS],
    ['commandTimeout', 0, MAX_TIMER_MS],
    ['socketTimeout', 0, MAX_TIMER_MS],
    ['disconnectTimeout', 0, MAX_TIMER_MS],
  ]
  for (const [key, min, max] of ints) integerOption({ [at(key)]: c[key] }, at(key), what, min, 0, max)
  if (c.maxRetriesPerRequest !== null)
    integerOption({ [at('maxRetriesPerRequest')]: c.maxRetriesPerRequest }, at('maxRetriesPerRequest'), what, 0, 0)
  for (const key of ['host', 'path', 'username', 'password'])
    if (c[key] !== undefined && typeof c[key] !== 'string')
      throw new InvalidArgumentError(`${what}: ${at(key)} must be a string, received ${shown(c[key])}`)
  for (const key of ['lazyConnect', 'enableOfflineQueue', 'enableReadyCheck'])
    if (c[key] !== undefined && typeof c[key] !== 'boolean')
      throw new InvalidArgumentError(`${what}: ${at(key)} must be a boolean, received ${shown(c[key])}`)
  if (c.tls !== undefined && (typeof c.tls !== 'object' || c.tls === null))
    throw new InvalidArgumentError(`${what}: ${at('tls')} must be an object (tls.connect options), received ${shown(c.tls)}`)
  if (c.sentinels !== undefined && (!Array.isArray(c.sentinels) || c.sentinels.length === 0))
    throw new InvalidArgumentError(`${what}: ${at('sentinels')} must be a non-empty array, received ${shown(c.sentinels)}`)
  for (const key of ['retryStrategy', 'sentinelRetryStrategy'])
    if (c[key] !== undefined && typeof c[key] !== 'function')
      throw new InvalidArgumentError(`${what}: ${at(key)} must be a function, received ${shown(c[key])}`)
  return {
    ...c,
    // a socket still connecting (unreachable host) ends at once when closed, not 2 s later
    disconnectTimeout: c.disconnectTimeout ?? 0,
    ...(c.retryStrategy !== undefined && { retryStrategy: guardedRetry(c.retryStrategy as Retry) }),
    ...(c.sentinelRetryStrategy !== undefined && { sentinelRetryStrategy: guardedRetry(c.sentinelRetryStrategy as Retry) }),
  }
}

type Retry = (times: number) => unknown

/**
 * A retry strategy whose throw or answer other than a delay (a whole number of ms from 0 to
 * 2^31 − 1) stops reconnecting, as ioredis does for any answer that is not a number.
 */
function guardedRetry(retry: Retry): (times: number) => number | null {
  return (times) => {
    let delay: unknown
    try {
      delay = retry(times)
    } catch {
      return null
    }
    return typeof delay === 'number' && Number.isFinite(delay) && delay >= 0 ? Math.min(Math.round(delay), MAX_TIMER_MS) : null
  }
}

/**
 * `options[key]`, when given, an integer from `min` to `max`; `fallback` when absent.
 */
export function integerOption(options: object, key: string, what: string, min: number, fallback: number, max = MAX_TIMER_MS): number {
  const v = (options as Record<string, unknown>)[key]
  if (v === undefined) return fallback
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max)
    throw new InvalidArgumentError(`${what}: ${key} must be an integer from ${min} to ${max}, received ${shown(v)}`)
  return v
}

/** `fairness`: `'tenant'` (the default) or `'none'`. */
export function fairnessOption(v: unknown): boolean {
  if (v === undefined || v === 'tenant') return true
  if (v === 'none') return false
  throw new InvalidArgumentError(`createScriptQueue: fairness must be 'tenant' or 'none', received ${shown(v)}`)
}

/** Runs `make` with connections opened before it; when it throws they are closed first. */
export function closingOnThrow<T>(connections: readonly Redis[], make: () => T): T {
  try {
    return make()
  } catch (e) {
    for (const c of connections) c.disconnect()
    throw e
  }
}

function shown(v: unknown): string {
  if (typeof v === 'string') return quoteText(v)
  if (typeof v === 'number') return String(v)
  return v === null ? 'null' : typeof v
}

/** What {@link workerSettings} reads of `createScriptWorker`'s options. */
interface WorkerSettingsInput {
  readonly connection: WorkerOptions['connection']
  readonly name: string
  readonly host: Host
  readonly prefix?: string
  readonly concurrency?: number
  readonly lockDuration?: number
  readonly stalledInterval?: number
  readonly maxStalledCount?: number
  readonly scriptCacheSize?: number
  readonly telemetry?: Telemetry
}

/**
 * `createScriptWorker`'s options checked: BullMQ's worker options (its own defaults for the
 * stalled-job settings where absent) and the size of the script cache.
 */
export function workerSettings(o: WorkerSettingsInput): {
  bull: WorkerOptions & { connection: ConnectionOptions }
  scriptCacheSize: number
} {
  const what = 'createScriptWorker'
  const connection = checkClientOptions(o, what)
  if (typeof o.host?.execute !== 'function') throw new InvalidArgumentError(`${what}: host must be a Host (createHost)`)
  if (o.host.closed) throw new ClosedError(`${what}: the host is closed (close() was called)`)
  const bull: WorkerOptions & { connection: ConnectionOptions } = {
    connection,
    prefix: o.prefix ?? 'bull',
    concurrency: integerOption(o, 'concurrency', what, 1, 1),
    autorun: false,
    ...(o.lockDuration !== undefined && { lockDuration: integerOption(o, 'lockDuration', what, 1, 0) }),
    ...(o.stalledInterval !== undefined && { stalledInterval: integerOption(o, 'stalledInterval', what, 1, 0) }),
    ...(o.maxStalledCount !== undefined && { maxStalledCount: integerOption(o, 'maxStalledCount', what, 0, 0) }),
    ...(o.telemetry && { telemetry: o.telemetry }),
  }
  return { bull, scriptCacheSize: integerOption(o, 'scriptCacheSize', what, 1, 500, 1_000_000) }
}
