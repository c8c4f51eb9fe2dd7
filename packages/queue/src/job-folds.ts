import { randomUUID } from 'node:crypto'
import type { Redis } from 'ioredis'
import type { QueueKeys } from './keys.js'
import { runScript } from './redis-scripts.js'

// BullMQ folds an add into a job that exists without saying so: with the `jobId` of an existing
// job, or a live `deduplication` id (also while a `keepLastIfActive` job runs: the request is
// then kept aside by BullMQ and added under an id it does not answer), its add script answers
// the existing job's id and stores nothing of the new request. An enqueue that may be folded
// puts a random mark in its job's data (`n`); after the add, one script reads whether the job
// each id names holds that mark, so the caller learns whether its own request was added.

/** Whether BullMQ may fold an add with these options into a job that exists. */
export function mayFold(opts: { readonly jobId?: unknown; readonly deduplication?: unknown }): boolean {
  return opts.jobId !== undefined || opts.deduplication !== undefined
}

/** A mark unique to one add, kept in its job's data as `n`. */
export function foldMark(): string {
  return randomUUID()
}

/**
 * For each `{ id, mark }` (the id BullMQ answered for an add that carried `mark`): true when that
 * job holds the mark (this add stored it), false when it holds another (the add was folded into
 * it), undefined when the job is gone already (it ended and was removed, or was cancelled: which
 * add stored it cannot be told then).
 */
export async function addedJobs(
  redis: Redis,
  keys: QueueKeys,
  checks: readonly { readonly id: string; readonly mark: string }[],
): Promise<(boolean | undefined)[]> {
  if (checks.length === 0) return []
  const found = (await runScript(
    redis,
    HOLDS_MARK,
    checks.length,
    ...checks.map((c) => keys.job(c.id)),
    // as JSON.stringify writes the field into the job's data
    ...checks.map((c) => `"n":"${c.mark}"`),
  )) as number[]
  return found.map((n) => (n === -1 ? undefined : n === 1))
}

// --- internal ---

// 1: the job's data holds ARGV[i]; 0: it does not; -1: no such job
const HOLDS_MARK = `local r = {}
for i = 1, #KEYS do
  local data = redis.call('HGET', KEYS[i], 'data')
  if not data then r[i] = -1
  elseif string.find(data, ARGV[i], 1, true) then r[i] = 1
  else r[i] = 0 end
end
return r`
