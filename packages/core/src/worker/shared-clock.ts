import type { Execution } from '../execution.js'
import { ABORT_FLAG_BYTES } from './protocol.js'

/**
 * The clock of one execution as its worker sees it, kept in the flight's shared buffer (see
 * `ExecuteMessage.abort`) instead of posted: one BigInt64 holding the epoch microseconds of the
 * clock's start times four plus the phase, written at once so a reader never sees a phase with
 * another phase's time. The host reads it only when it needs to: when its deadline timer fires,
 * when it serves a bridge call, when the job lands or its worker is lost.
 */

/** Byte offset of the clock cell in the flight's shared buffer (after the abort Int32s, 8-aligned). */
export const CLOCK_OFFSET = Math.ceil(ABORT_FLAG_BYTES / 8) * 8
/** Bytes of the flight's shared buffer: the abort flag, its acknowledgement, the memory figure, the clock. */
export const FLIGHT_BYTES = CLOCK_OFFSET + 8

/** The worker has not taken the job up yet (it waits behind another script). */
export const CLOCK_QUEUED = 0
/** The job reached the thread at the recorded time; its limit runs from there. */
export const CLOCK_RUN = 1
/** It waits for a state: its limit is held. */
export const CLOCK_HOLD = 2
/** The script began on its state at the recorded time: the limit runs from there for good. */
export const CLOCK_BEGIN = 3

export type ClockPhase = typeof CLOCK_QUEUED | typeof CLOCK_RUN | typeof CLOCK_HOLD | typeof CLOCK_BEGIN

/** The clock cell of a flight's shared buffer. */
export function clockCell(buffer: SharedArrayBuffer): BigInt64Array {
  return new BigInt64Array(buffer, CLOCK_OFFSET, 1)
}

/** Worker side: records the phase, and the epoch ms its clock started at (run, begin). */
export function writeClock(cell: BigInt64Array, phase: ClockPhase, epochMs = 0): void {
  Atomics.store(cell, 0, BigInt(Math.round(epochMs * 1000)) * 4n + BigInt(phase))
}

/** Host side: the phase and, for run and begin, the start on this thread's `performance.now()` scale. */
export function readClock(cell: BigInt64Array): { phase: ClockPhase; start: number } {
  const v = Atomics.load(cell, 0)
  // each thread's performance clock has its own origin: the cell holds epoch time
  return { phase: Number(v & 3n) as ClockPhase, start: Number(v >> 2n) / 1000 - performance.timeOrigin }
}

/**
 * Applies the worker's clock to the host's Execution (its deadline and `durationMs`): where the
 * job is now, as far as the time limit goes. `final`: a begun script's clock is begun here too
 * (the job goes no further on that worker).
 */
export function followClock(x: Execution, cell: BigInt64Array, final: boolean): void {
  const { phase, start } = readClock(cell)
  if (phase === CLOCK_HOLD) x.holdClock()
  else if (phase === CLOCK_QUEUED) return
  // unchanged since the last look (bridge calls): the running timer stays
  else if (final || x.startedAt !== start || x.deadline === Number.POSITIVE_INFINITY) x.startClock(start, final && phase === CLOCK_BEGIN)
}

/**
 * The host's clock of an execution whose job is over on its worker. With a result, the worker's
 * verdict on its own clock stands: the host's runs as long as the worker's did, not plus the
 * time the message took (a script done just under its limit passes); the execution is disposed
 * first, so no deadline timer starts for a run that is over. Otherwise (an error, a lost
 * worker) the worker's clock as it was (a bystander's retry elsewhere restarts it: `restartClock`).
 */
export function landClock(x: Execution, cell: BigInt64Array, durationMs: number | undefined): void {
  if (durationMs === undefined) {
    followClock(x, cell, true)
    return
  }
  x.dispose()
  x.begin(performance.now() - durationMs)
}

/**
 * Milliseconds until the host should look again at the time limit of a job whose clock it
 * holds, read from the worker's clock: one past its start plus the limit (check() trips on
 * `>`), or (queued behind another script, or waiting for a state) a full limit from now, since
 * whenever it starts it ends no sooner. 0: the limit is over.
 */
export function dueIn(cell: BigInt64Array, timeoutMs: number, now: number = performance.now()): number {
  const { phase, start } = readClock(cell)
  if (phase === CLOCK_QUEUED || phase === CLOCK_HOLD) return timeoutMs + 1
  const left = start + timeoutMs - now
  return left < 0 ? 0 : left + 1
}
