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
    if (typeof v !== 'number' || !(v > 0))
      throw new InvalidArgumentError(`createHost: worker.resourceLimits.${k} must be a positive number`)
  }
  return { count: count as number, resourceLimits: limits, killMarginMs: margin }
}
