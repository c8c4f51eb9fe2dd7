import type { LogEntry } from '../contracts.js'
import type { Execution } from '../execution.js'
import type { ClockMessage, DoneMessage } from './protocol.js'

/** An execution as the pool hands it to a worker (the per-worker parts are added by the handle). */
export interface Job {
  readonly engine: string
  readonly language: string
  readonly name: string
  readonly source: string
  readonly hash: string
  readonly globals: Readonly<Record<string, unknown>>
  readonly context: Readonly<Record<string, unknown>>
  readonly tenant: string | undefined
  readonly compileCacheHit: boolean
}

/** A finished job: the worker's report, and handler log lines it never received. */
export interface Landed {
  readonly done: DoneMessage
  readonly late: readonly LogEntry[]
}

/** Why a job ended without a result from its worker. */
export class WorkerLostError extends Error {
  constructor(
    readonly error: Error,
    /** The script made no bridge call: it had no effect outside its worker and may run again. */
    readonly retryable: boolean,
    /** The worker was terminated because of this execution. */
    readonly culprit = false,
  ) {
    super(error.message)
  }
}

/** One job on its way through a worker, from `execute` until it lands or is abandoned. */
export interface Flight {
  readonly id: number
  readonly job: Job
  readonly execution: Execution
  /** The shared abort flag (see ABORT_* in protocol.ts). */
  readonly flag: Int32Array
  readonly resolve: (landed: Landed) => void
  readonly reject: (e: WorkerLostError) => void
  readonly onAbort: () => void
  /** Host log entries (handler `ctx.log`) already sent to the worker. */
  shipped: number
  bridged: boolean
  /** The caller was answered (the execution was ended while not on the thread); the worker has not yet. */
  released: boolean
  /** The unwinding grace was given (see watchdog.ts). */
  graced?: boolean
  killTimer?: ReturnType<typeof setTimeout>
}

/** Host log entries of the flight's execution not yet sent to its worker, marked as sent. */
export function shipLogs(f: Flight): LogEntry[] {
  const logs = f.execution.logs.slice(f.shipped)
  f.shipped = f.execution.logs.length
  return logs
}

/** Detaches a flight from its execution's abort signal and stops its watchdog timer. */
export function groundFlight(f: Flight): void {
  f.execution.signal.removeEventListener('abort', f.onAbort)
  if (f.killTimer) clearTimeout(f.killTimer)
}

/** Applies the worker's view of an execution's time limit (see ClockMessage) to the host's clock. */
export function followClock(x: Execution | undefined, m: ClockMessage): void {
  // the worker's epoch ms on this thread's performance clock (each thread has its own origin)
  if (m.phase === 'run') x?.startClock((m.at ?? performance.timeOrigin + performance.now()) - performance.timeOrigin)
  else if (m.phase === 'hold') x?.holdClock()
  else x?.begin()
}
