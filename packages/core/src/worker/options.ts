import { availableParallelism } from 'node:os'
import type { ResourceLimits } from 'node:worker_threads'
import { InvalidArgumentError } from '../errors.js'
import { checkTimers } from '../pool-types.js'

/** Tuning of `isolation: 'worker'` (`createHost({ worker })`). */
export interface WorkerIsolationOptions {
  /**
   * V8 limits of each worker (`worker_threads` `resourceLimits`). A worker that reaches its
   * heap limit dies; its execution fails with LimitExceededError('memory') and the worker is
   * replaced. Default: 512 MiB old generation. Memory outside the V8 heap (fengari strings,
   * WASM memories) is bounded by the engines' own `memoryBytes` accounting, not by this.
   */
  readonly resourceLimits?: ResourceLimits
  /**
   * How long past its deadline (or after a cancellation) an execution may keep its worker
   * busy before the host terminates the worker. Default 50 ms.
   */
  readonly killMarginMs?: number
}

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
