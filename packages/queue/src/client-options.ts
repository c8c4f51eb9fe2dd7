import { ClosedError, type Host, InvalidArgumentError, quoteText } from '@polyhost/core'
import type { Telemetry, WorkerOptions } from 'bullmq'
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

/** The options object, a queue name BullMQ takes, a connection and a prefix. */
export function checkClientOptions(options: unknown, what: string): void {
  if (typeof options !== 'object' || options === null) throw new InvalidArgumentError(`${what}: expected an options object`)
  const o = options as Record<string, unknown>
  if (typeof o.name !== 'string' || o.name === '' || o.name.includes(':'))
    throw new InvalidArgumentError(`${what}: name must be a non-empty string without ':', received ${shown(o.name)}`)
  if (typeof o.connection !== 'object' || o.connection === null)
    throw new InvalidArgumentError(`${what}: connection must be ioredis options (an object), received ${shown(o.connection)}`)
  checkConnection(o.connection as Record<string, unknown>, what)
  if (o.prefix !== undefined && (typeof o.prefix !== 'string' || o.prefix === ''))
    throw new InvalidArgumentError(`${what}: prefix must be a non-empty string, received ${shown(o.prefix)}`)
}

/**
 * The ioredis options whose bad values crash or mislead: a negative `connectTimeout` threw
 * out of a socket callback (an uncaught exception that ended the process), and a `port` that
 * is no port was reported as an unreachable Redis at `localhost:NaN` after `connectTimeoutMs`.
 */
function checkConnection(c: Record<string, unknown>, what: string): void {
  const at = (key: string) => `connection.${key}`
  const ints: [string, number, number][] = [
    ['port', 0, 65535],
    ['db', 0, 2 ** 31 - 1],
    ['connectTimeout', 0, MAX_TIMER_MS],
    ['commandTimeout', 0, MAX_TIMER_MS],
    ['socketTimeout', 0, MAX_TIMER_MS],
  ]
  for (const [key, min, max] of ints) integerOption({ [at(key)]: c[key] }, at(key), what, min, 0, max)
  for (const key of ['host', 'path', 'username', 'password'])
    if (c[key] !== undefined && typeof c[key] !== 'string')
      throw new InvalidArgumentError(`${what}: ${at(key)} must be a string, received ${shown(c[key])}`)
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
export function workerSettings(o: WorkerSettingsInput): { bull: WorkerOptions; scriptCacheSize: number } {
  const what = 'createScriptWorker'
  checkClientOptions(o, what)
  if (typeof o.host?.execute !== 'function') throw new InvalidArgumentError(`${what}: host must be a Host (createHost)`)
  if (o.host.closed) throw new ClosedError(`${what}: the host is closed (close() was called)`)
  const bull: WorkerOptions = {
    connection: o.connection,
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
