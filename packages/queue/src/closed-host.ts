import { ClosedError } from '@polyhost/core'
import { type Job, WaitingError } from 'bullmq'

/**
 * A worker whose host is closed cannot run any job: every execution rejects with the host's
 * ClosedError (or, for one running while the host closed, the CancelledError of its drain).
 * That is the worker's state, not the job's fault, so the job goes back to the queue without
 * using an attempt, for another worker to run, and the worker takes no more jobs (its owner is
 * told on `worker.bull`'s 'error' event). Before, the ClosedError was a retryable failure: the
 * worker kept taking jobs and spent each one's attempts, failing for good every job it touched
 * that had no attempt left.
 */

/** The error a worker reports when it stops because its host is closed. */
export function hostClosedError(queueName: string, jobId: string): ClosedError {
  return new ClosedError(
    `worker of queue '${queueName}': its host is closed: it takes no more jobs (job ${jobId} went back to the queue); close the worker and start one with an open host`,
  )
}

/**
 * Puts `job`, which this worker holds, back in the queue (waiting, or prioritized with its
 * priority) without counting an attempt, and ends its processing without a failure: BullMQ
 * neither fails nor retries a job whose processor throws WaitingError. When Redis cannot take
 * it back now, the lock this worker no longer renews lapses and BullMQ's stalled-job check
 * returns the job (counted as a stall, `maxStalledCount`); `report` hears why.
 */
export async function giveBack(job: Job, report: (e: Error) => void): Promise<never> {
  try {
    await job.moveToWait(job.token)
  } catch (e) {
    report(e instanceof Error ? e : new Error(String(e)))
  }
  throw new WaitingError()
}
