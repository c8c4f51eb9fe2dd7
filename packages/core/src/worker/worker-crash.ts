import type { ResourceLimits } from 'node:worker_threads'
import { EngineCrashedError, InterruptedError, LimitExceededError } from '../errors.js'
import type { Logger } from '../contracts.js'
import type { Execution } from '../execution.js'
import { hostErrorText } from '../sanitize.js'
import { type Flight, WorkerLostError } from './flight.js'
import { heapBytes, heapCulprits, isHeapExhaustion } from './heap-fault.js'

// How a worker's end reads for the executions it held: a heap overrun is the memory limit of
// the executions that held the heap (heap-fault.ts), a crash is EngineCrashedError, and
// executions stopped alongside another's overrun may run again (InterruptedError).

/**
 * Records in the host's Execution a fatal error the worker reported, so handler signals abort.
 * A timeout keeps the time the worker measured from the script's start on its state: the host
 * learns of that start by a message it may read late (its thread busy), so its own clock, begun
 * then, would report less than the limit ("140.3 > 300").
 */
export function mirrorFatal(x: Execution, e: Error): void {
  if (x.fatal) return
  // an error naming its own bound (a worker's heap) is kept as it is: trip() states the set limit
  if (e.name !== 'LimitExceededError' || (e as { bound?: string }).bound !== undefined) return void x.abort(e)
  const l = e as unknown as { limit: Parameters<Execution['trip']>[0]; used: number; max: number }
  if (l.limit === 'timeout' && !(l.used > l.max)) x.tripTimeout()
  else x.trip(l.limit, l.used, l.max)
}

/** The error of a worker that stopped answering: its crash, or a plain exit. */
export function lostError(crash: Error | undefined): Error {
  return crash ? new EngineCrashedError(`worker crashed: ${crash.message}`) : new EngineCrashedError('worker exited')
}

/**
 * The error of an execution on a worker that died on its own (`running` executions were on
 * it): the heap limit becomes the execution's memory limit, anything else a crash. Either is
 * mirrored into the execution; its first fatal error wins.
 */
export function crashError(crash: Error | undefined, resourceLimits: ResourceLimits, x: Execution, running: number): Error {
  const e = crash as Error | undefined
  if (isHeapExhaustion(e)) {
    // the bound reached is the worker's heap, below a larger (or no) memoryBytes: say so
    const heap = heapBytes(resourceLimits)
    const set = x.limits.memoryBytes
    const bound =
      set === false || set >= heap
        ? `the worker's V8 heap limit (resourceLimits.maxOldGenerationSizeMb ${resourceLimits.maxOldGenerationSizeMb})`
        : undefined
    mirrorFatal(x, new LimitExceededError('memory', heap, set === false ? heap : Math.min(set, heap), bound))
    return x.fatal ?? lostError(crash)
  }
  const crashed = new EngineCrashedError(
    running > 1
      ? `worker crashed while running ${running} executions: ${e?.message ?? 'exited'}`
      : `worker crashed: ${e?.message ?? 'exited'}`,
  )
  mirrorFatal(x, crashed)
  return x.fatal ?? crashed
}

/** The error of an execution stopped only because another one on its worker overran (its time, its heap). */
export function collateral(heap = false): Error {
  return new InterruptedError(
    heap
      ? 'the worker ran out of heap held by other executions on it; this one may run again'
      : 'the worker was stopped because another execution on it overran its limits; this one may run again',
  )
}

/** How a worker ended: the execution it was terminated for (if any), its crash, its lost error. */
export interface WorkerEnd {
  readonly culprit: number | undefined
  readonly crash: Error | undefined
  readonly lost: Error
  readonly resourceLimits: ResourceLimits
}

/**
 * Rejects the callers of the flights a worker held when it ended (those already answered are
 * skipped): the culprit with its own fatal error, the others as collateral (rerun when they
 * made no bridge call, else a retryable InterruptedError). A worker that died on its own fails
 * its flights with the crash; if it ran out of heap, only those that held the heap are charged
 * the memory limit and the rest are collateral.
 */
export function rejectLost(flights: readonly Flight[], end: WorkerEnd): void {
  const charged =
    end.culprit === undefined && isHeapExhaustion(end.crash) ? heapCulprits(flights, heapBytes(end.resourceLimits)) : undefined
  for (const f of flights) {
    if (f.released) continue
    if (f.id === end.culprit) f.reject(new WorkerLostError(f.execution.fatal ?? end.lost, false, true))
    else if (end.culprit !== undefined) f.reject(new WorkerLostError(collateral(), !f.bridged))
    else if (charged && !charged.has(f)) f.reject(new WorkerLostError(collateral(true), !f.bridged))
    else f.reject(new WorkerLostError(crashError(end.crash, end.resourceLimits, f.execution, flights.length), false))
  }
}

/** Writes to the host's logger; a logger that throws loses the line, not the process. */
export function logSafely(logger: Logger, message: string, level: 'debug' | 'warn' | 'error' = 'error'): void {
  try {
    logger[level](message)
  } catch {
    // nothing else to tell it with
  }
}

/** Runs an event handler's work (a worker message): what it throws is logged, never left uncaught to end the process. */
export function guarded(logger: Logger, work: () => void): void {
  try {
    work()
  } catch (e) {
    logSafely(logger, `polyhost: a worker message could not be handled: ${hostErrorText(e)}`)
  }
}
