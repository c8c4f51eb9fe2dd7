import { MAX_TIMER_MS, lazySchema } from '@polyhost/security'
import type { z } from 'zod/v3'
import { InvalidArgumentError, PolicyError } from './errors.js'

/**
 * Most states one engine's pool may keep warm. `min` states are all created before
 * `createHost` resolves: a QuickJS state costs ~0.75 MiB and ~20 ms to make, so 1,000 of them
 * is ~0.75 GiB and ~20 s at start, and a larger `min` only exhausts memory (100,000 did).
 */
export const MAX_POOL_MIN = 1_000
/** Most states alive at once per engine: states beyond `min` exist only while used. */
export const MAX_POOL_MAX = 10_000

function buildPoolSchema(z: typeof import('zod/v3')['z']) {
  const count = z.number().int().nonnegative()
  const ms = z.number().int().nonnegative()
  return z
    .object({
      /** States kept warm (created at start, re-created after eviction). Default 1, at most 1,000. */
      min: count.max(MAX_POOL_MIN, `at most ${MAX_POOL_MIN} states kept warm`).optional(),
      /** Most states alive at once, across tenants. Default 8, at most 10,000. */
      max: z.number().int().positive().max(MAX_POOL_MAX, `at most ${MAX_POOL_MAX} states`).optional(),
      /** How long `acquire` waits for a state before PoolExhaustedError. Default 10 s; 0 = no limit. */
      acquireTimeoutMs: ms.optional(),
      /** Idle states above `min` are destroyed after this long. Default 60 s; 0 = never. */
      idleTimeoutMs: ms.optional(),
      /** States are destroyed once this old. Default 30 min; 0 = never. */
      maxLifetimeMs: ms.optional(),
      /** States are destroyed after this many executions. Default 10,000; 0 = never. */
      maxUses: count.optional(),
      /** Idle states are validated this often (eviction runs on the same tick). Default 30 s; 0 = never. */
      healthCheckIntervalMs: ms.optional(),
      /**
       * A state that ran one tenant's script never runs another tenant's (executions without a
       * tenant form one partition of their own). Default true; `false` lets tenants take turns on
       * the same states, with reset as the only wall between them: only for mutually trusting
       * tenants.
       */
      partitionByTenant: z.boolean().optional(),
      /** `close()` waits this long for running work before destroying states. Default 5 s. */
      drainTimeoutMs: ms.optional(),
    })
    .strict()
}

/** Pool options, shared by every engine's pool (`createHost({ pool })`); built on first use. */
export const poolOptionsSchema: () => ReturnType<typeof buildPoolSchema> = lazySchema(buildPoolSchema)

export type PoolOptions = z.input<ReturnType<typeof poolOptionsSchema>>
export type ResolvedPoolOptions = Required<PoolOptions>

export const POOL_DEFAULTS: ResolvedPoolOptions = {
  min: 1,
  max: 8,
  acquireTimeoutMs: 10_000,
  idleTimeoutMs: 60_000,
  maxLifetimeMs: 30 * 60_000,
  maxUses: 10_000,
  healthCheckIntervalMs: 30_000,
  partitionByTenant: true,
  drainTimeoutMs: 5_000,
}

/** Checks pool options, naming the bad field in an InvalidArgumentError. */
export function resolvePoolOptions(input: unknown): ResolvedPoolOptions {
  // what the schema would make of no options, or of options it resolved before (an engine's
  // pool gets the host's), without loading it
  if (input === undefined || input === null) return resolved({ ...POOL_DEFAULTS })
  const again = unchangedResolved(input)
  if (again) return resolved(again)
  checkTimers(input, 'pool', ['acquireTimeoutMs', 'idleTimeoutMs', 'maxLifetimeMs', 'healthCheckIntervalMs', 'drainTimeoutMs'])
  const r = poolOptionsSchema().safeParse(input)
  if (!r.success) {
    const issue = r.error.issues[0]
    const field = issue?.path.length ? `pool.${issue.path.join('.')}` : 'pool'
    throw new InvalidArgumentError(`${field}: ${issue?.message ?? 'invalid'}`)
  }
  const o = { ...POOL_DEFAULTS, ...r.data }
  if (o.min > o.max) throw new InvalidArgumentError(`pool.min (${o.min}) exceeds pool.max (${o.max})`)
  return resolved(o)
}

/** Each object resolvePoolOptions returned, with a copy of the values it had then. */
const RESOLVED = new WeakMap<object, ResolvedPoolOptions>()
const POOL_KEYS = Object.keys(POOL_DEFAULTS) as (keyof ResolvedPoolOptions)[]

function resolved(o: ResolvedPoolOptions): ResolvedPoolOptions {
  RESOLVED.set(o, { ...o })
  return o
}

/** A copy of `input` when it is an object resolvePoolOptions returned, still holding the same values and no other keys. */
function unchangedResolved(input: unknown): ResolvedPoolOptions | undefined {
  const was = typeof input === 'object' && input !== null ? RESOLVED.get(input) : undefined
  if (!was || Reflect.ownKeys(input as object).length !== POOL_KEYS.length) return undefined
  const now = input as Record<string, unknown>
  for (const k of POOL_KEYS) if (!Object.hasOwn(now, k) || !Object.is(now[k], was[k])) return undefined
  return { ...POOL_DEFAULTS, ...was }
}

/**
 * Refuses time-valued options a Node timer cannot hold (it would fire after 1 ms instead):
 * PolicyError naming the field.
 */
export function checkTimers(input: unknown, prefix: string, keys: readonly string[]): void {
  if (input === null || typeof input !== 'object') return
  for (const k of keys) {
    const v = (input as Record<string, unknown>)[k]
    if (typeof v === 'number' && v > MAX_TIMER_MS) {
      throw new PolicyError(`${prefix}.${k}`, `at most ${MAX_TIMER_MS} ms (a longer timer overflows), received ${v}`)
    }
  }
}

/** What an engine supplies to pool its states. */
export interface StateFactory<S> {
  /** Creates a state set up to its baseline; `partition` is the tenant when partitioned. */
  create(partition: string | undefined): Promise<S> | S
  /** Restores the baseline after an execution. Throwing destroys the state. */
  reset(state: S): Promise<void> | void
  /** Proves the baseline (fingerprint); false destroys the state. */
  validate(state: S): Promise<boolean> | boolean
  destroy(state: S): Promise<void> | void
  /** Called before each hand-out (e.g. to pick up new bridges); false destroys the state. */
  checkout?(state: S): Promise<boolean | undefined> | boolean | undefined
}

export interface AcquireOptions {
  readonly tenant?: string | undefined
  /**
   * Cancels a waiting acquire. Read only when the caller has to wait, so a getter that makes
   * the signal lazily (an Execution's) costs nothing when a state is free at once.
   */
  readonly signal?: AbortSignal | undefined
  /** Overrides the pool's `acquireTimeoutMs` (0 = wait without a time limit). */
  readonly timeoutMs?: number | undefined
}

/** What `tryAcquire` reads: the tenant, and optionally the caller's fresh clock reading. */
export interface TryAcquireOptions {
  readonly tenant?: string | undefined
  /** A `performance.now()` reading the caller has just taken (the wear check uses it). */
  readonly now?: number | undefined
}

export interface ReleaseOptions {
  /** Destroy instead of reset: the state hit a limit or saw a host-level error. */
  readonly discard?: boolean
}

/** A state handed out by `acquire`; give it back with `release`. */
export interface Lease<S> {
  readonly state: S
  readonly partition: string | undefined
  /** Executions this state has run before this one. */
  readonly uses: number
}

export interface PoolStats {
  readonly size: number
  readonly created: number
  readonly destroyed: number
  readonly active: number
  readonly idle: number
  readonly waiting: number
  readonly resets: number
  readonly resetFailures: number
  readonly quarantined: number
  readonly acquired: number
  readonly acquireTimeouts: number
  readonly acquireWaitMsTotal: number
  readonly acquireWaitMsMax: number
}
