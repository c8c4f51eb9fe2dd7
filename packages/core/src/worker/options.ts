import { availableParallelism } from 'node:os'
import type { ResourceLimits } from 'node:worker_threads'
import { InvalidArgumentError } from '../errors.js'
import { checkTimers } from '../pool-types.js'
import type { WorkerIsolationOptions } from '../worker-isolation-options.js'

// The public shape (WorkerIsolationOptions) lives in ../worker-isolation-options.ts, free of
// node: types; its WorkerResourceLimits has the fields of worker_threads' ResourceLimits.
export type { WorkerIsolationOptions } from '../worker-isolation-options.js'

export interface ResolvedWorkerOptions {
  readonly count: number
  readonly resourceLimits: ResourceLimits
  readonly killMarginMs: number
}

/** The fields of worker_threads' ResourceLimits. */
const RESOURCE_LIMITS: readonly string[] = ['maxYoungGenerationSizeMb', 'maxOldGenerationSizeMb', 'codeRangeSizeMb', 'stackSizeMb']

/** The smallest thread stack a worker is started with (Node's default is 4 MB). */
export const MIN_STACK_SIZE_MB = 1

export const WORKER_DEFAULTS = {
  resourceLimits: { maxOldGenerationSizeMb: 512 } as ResourceLimits,
  killMarginMs: 50,
} as const

/** Checks `workers` and `worker`, naming the bad field in an InvalidArgumentError. */
export function resolveWorkerOptions(workers: unknown, worker: unknown): ResolvedWorkerOptions {
  const count = workers ?? availableParallelism()
  if (!Number.isInteger(count) || (count as number) < 1 || (count as number) > 256) {
    throw new InvalidArgumentError('createHost: workers must be an integer from 1 to 256')
  }
  if (worker !== undefined && (worker === null || typeof worker !== 'object')) {
    throw new InvalidArgumentError('createHost: worker must be an object { resourceLimits?, killMarginMs? }')
  }
  const o = (worker ?? {}) as WorkerIsolationOptions
  for (const k of Object.keys(o)) {
    if (k !== 'resourceLimits' && k !== 'killMarginMs') throw new InvalidArgumentError(`createHost: worker: unknown field '${k}'`)
  }
  checkTimers(o, 'worker', ['killMarginMs'])
  const margin = o.killMarginMs ?? WORKER_DEFAULTS.killMarginMs
  if (!Number.isInteger(margin) || margin < 0)
    throw new InvalidArgumentError('createHost: worker.killMarginMs must be a non-negative integer')
  const limits = { ...WORKER_DEFAULTS.resourceLimits, ...o.resourceLimits }
  for (const [k, v] of Object.entries(limits)) {
    if (!RESOURCE_LIMITS.includes(k)) throw new InvalidArgumentError(`createHost: worker.resourceLimits: unknown field '${k}'`)
    if (typeof v !== 'number' || !(v > 0) || v === Number.POSITIVE_INFINITY)
      throw new InvalidArgumentError(`createHost: worker.resourceLimits.${k} must be a positive number`)
  }
  // a worker whose thread stack cannot hold Node's own start-up overflows while it reports the
  // overflow, and that ends the whole process (exit 6), not the worker
  if (limits.stackSizeMb !== undefined && limits.stackSizeMb < MIN_STACK_SIZE_MB)
    throw new InvalidArgumentError(`createHost: worker.resourceLimits.stackSizeMb must be at least ${MIN_STACK_SIZE_MB}`)
  return { count: count as number, resourceLimits: limits, killMarginMs: margin }
}
