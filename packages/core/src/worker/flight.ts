import type { LogEntry } from '../contracts.js'
import type { Execution } from '../execution.js'
import { ABORT_FLAG_BYTES, type DoneMessage } from './protocol.js'
import { clockCell, FLIGHT_BYTES } from './shared-clock.js'

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
  /** What the flight shares with its worker: the abort flag and the clock (`ExecuteMessage.abort`). */
  readonly shared: SharedArrayBuffer
  /** The shared abort flag (see ABORT_* in protocol.ts). */
  readonly flag: Int32Array
  /** The worker's clock of the execution (shared-clock.ts). */
  readonly clock: BigInt64Array
  readonly resolve: (landed: Landed) => void
  readonly reject: (e: WorkerLostError) => void
  readonly onAbort: () => void
  /** When the job was handed to its worker (host clock, ms). */
  readonly sentAt: number
  /** Host log entries (handler `ctx.log`) already sent to the worker. */
  shipped: number
  bridged: boolean
  /** Its asynchronous bridge calls whose handlers have not settled: while any is, its thread may be free. */
  awaiting: number
  /** The caller was answered (the execution was ended while not on the thread); the worker has not yet. */
  released: boolean
  /** The unwinding grace was given (see watchdog.ts). */
  graced?: boolean
  killTimer?: ReturnType<typeof setTimeout>
  /** The time limit's timer while the host holds the execution's clock (watchdog.ts). */
  limitTimer?: ReturnType<typeof setTimeout>
}

/** A flight setting out: its shared buffer made, nothing shipped, no bridge call yet. */
export function newFlight(
  id: number,
  job: Job,
  execution: Execution,
  resolve: (landed: Landed) => void,
  reject: (e: WorkerLostError) => void,
  onAbort: (f: Flight) => void,
): Flight {
  const shared = new SharedArrayBuffer(FLIGHT_BYTES)
  const flight: Flight = {
    id,
    job,
    execution,
    shared,
    flag: new Int32Array(shared, 0, ABORT_FLAG_BYTES / 4),
    clock: clockCell(shared),
    resolve,
    reject,
    onAbort: () => onAbort(flight),
    sentAt: performance.now(),
    shipped: execution.logs.length,
    bridged: false,
    awaiting: 0,
    released: false,
  }
  return flight
}

/** Host log entries of the flight's execution not yet sent to its worker, marked as sent. */
export function shipLogs(f: Flight): LogEntry[] {
  const logs = f.execution.logs.slice(f.shipped)
  f.shipped = f.execution.logs.length
  return logs
}

/** Detaches a flight from its execution's fatal error and stops its watchdog timers. */
export function groundFlight(f: Flight): void {
  f.execution.whenFatal(f.onAbort, true)
  if (f.killTimer) clearTimeout(f.killTimer)
  if (f.limitTimer) clearTimeout(f.limitTimer)
}
