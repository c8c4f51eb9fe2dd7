import {
  BridgeError,
  CancelledError,
  ClosedError,
  EngineCrashedError,
  PolyhostError,
  PoolExhaustedError,
  ScriptRuntimeError,
} from '@polyhost/core'
import { UnrecoverableError } from 'bullmq'
import { RetryableError } from './errors.js'

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
