import {
  BridgeError,
  CancelledError,
  ClosedError,
  EngineCrashedError,
  InvalidArgumentError,
  PolyhostError,
  PoolExhaustedError,
  ScriptRuntimeError,
} from '@polyhost/core'
import { UnrecoverableError } from 'bullmq'
import { RetryableError } from './errors.js'
import { knownBackoff } from './job-options.js'

/**
 * Whether another attempt can succeed where this one failed. A script's own fault (syntax,
 * runtime error, limit, security, conversion) fails the same way every time; a crashed engine,
 * an exhausted pool, a closing host or a bridge failure its handler marked with RetryableError
 * may not. `abortedByQueue`: the execution was aborted by BullMQ, not by a caller's cancel.
 */
export function isRetryable(e: unknown, marks: readonly string[], abortedByQueue = false): boolean {
  if (e instanceof EngineCrashedError || e instanceof PoolExhaustedError || e instanceof ClosedError) return true
  if (e instanceof BridgeError || e instanceof ScriptRuntimeError) {
    if (e.cause instanceof RetryableError) return true
    // the script let a marked bridge failure escape: its message is in the script's error
    return marks.some((m) => e.message.includes(m))
  }
  // a cancel from a caller is final; an abort by BullMQ (lock lost, forced close) is not
  if (e instanceof CancelledError) return abortedByQueue
  // not a Polyhost error: Redis or the worker itself failed, not the script
  return !(e instanceof PolyhostError)
}

/** The error the processor throws: BullMQ retries it, or never retries an UnrecoverableError. */
export function failureFor(e: unknown, marks: readonly string[], abortedByQueue = false): Error {
  if (isRetryable(e, marks, abortedByQueue)) return e instanceof Error ? e : new Error(String(e))
  const u = new UnrecoverableError(e instanceof Error ? e.message : String(e))
  return u
}

/**
 * `failure` as thrown for a job that has attempts left: final when BullMQ could not compute the
 * retry's delay from the job's `backoff` (a type it has no strategy for, from a producer that
 * bypassed `enqueue`'s check). BullMQ would throw while failing the job and leave it active,
 * its `result()` waiting forever; final, it fails with the error it had (same message, so
 * `result()` rebuilds that error), and `report` is told why it was not retried.
 */
export function retriedOrFinal(failure: Error, backoff: unknown, jobId: string, report: (e: Error) => void): Error {
  if (failure instanceof UnrecoverableError || knownBackoff(backoff)) return failure
  const type = JSON.stringify((backoff as { type?: unknown } | null)?.type ?? backoff)
  report(new InvalidArgumentError(`job ${jobId}: BullMQ has no backoff strategy ${type}; the job failed without its retries`))
  return new UnrecoverableError(failure.message)
}
