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
 * neither fails nor retries a job whose processor throws WaitingError. While Redis is down the
 * command waits for it (ioredis' offline queue); when Redis is back the job's lock may be gone
 * (it was not renewed meanwhile, or its expiry passed). Before, the job then stayed active until
 * BullMQ's stalled-job check took it, counted as a stall: with `maxStalledCount` 0 (or a job that
 * had stalled before) it failed for good, "job stalled more than allowable limit", though its
 * script never failed. Now `relock` takes the lock again when nobody holds it (no other worker
 * took the job: that one would hold its lock) and the job is given back; `report` hears anything
 * else (the job then returns through the stalled-job check, as before).
 */
export async function giveBack(job: Job, report: (e: Error) => void, redis: GiveBackRedis): Promise<never> {
  try {
    await job.moveToWait(job.token)
    await redis.wake()
  } catch (e) {
    const missingLock = e instanceof Error && e.message.startsWith('Missing lock for job')
    try {
      if (!missingLock || !(await redis.relock())) throw e
      await job.moveToWait(job.token)
      await redis.wake()
    } catch (again) {
      report(again instanceof Error ? again : new Error(String(again)))
    }
  }
  throw new WaitingError()
}

/**
 * What {@link giveBack} asks of Redis besides BullMQ: `relock` takes the job's lock when nobody
 * holds it; `wake` adds the queue's marker, which BullMQ does not add for a job it puts back as
 * prioritized, so idle workers blocked on the marker take it now, not after their block times
 * out (a job given back once Redis was there again waited there for good in the test).
 */
export interface GiveBackRedis {
  relock(): Promise<boolean>
  wake(): Promise<unknown>
}
