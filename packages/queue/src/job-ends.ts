import type { Redis } from 'ioredis'
import { ERROR_EVENT, type QueueKeys } from './keys.js'
import { runScript } from './redis-scripts.js'

/** How a job ended, as BullMQ's events stream tells it. */
export type JobEnd =
  | { readonly event: 'completed'; readonly returnvalue: string }
  | { readonly event: 'failed'; readonly failedReason: string; readonly stored?: string }
  | { readonly event: 'removed' }

/**
 * The end of job `jobId` as the queue's events stream records it after entry `since` (an id
 * read before the job could end: at its enqueue, or when the producer started listening), or
 * undefined when the stream holds none. A job BullMQ removes as it ends (`removeOnComplete`,
 * `removeOnFail`) leaves its outcome there only: `completed` carries the return value, and a
 * worker adds the stored error before `failed` (ERROR_EVENT). Read in Redis, so only the entry
 * found crosses the network; the stream is BullMQ's, trimmed to `opts.maxLenEvents` (10,000).
 */
export async function findJobEnd(redis: Redis, keys: QueueKeys, jobId: string, since: string): Promise<JobEnd | undefined> {
  const found = (await runScript(redis, FIND_END, 1, keys.events, since, jobId, ERROR_EVENT)) as [string, string, string] | null
  if (!found) return undefined
  const [event, value, stored] = found
  if (event === 'completed') return { event, returnvalue: value }
  if (event === 'failed') return { event, failedReason: value, ...(stored && { stored }) }
  return { event: 'removed' }
}

/**
 * Whether BullMQ may remove a job as it ends under its `removeOnComplete`/`removeOnFail` value:
 * `true`, a number of jobs to keep (0 too), or `{ count, age }` (false or none: never).
 */
export function removedOnEnd(keep: unknown): boolean {
  return keep !== undefined && keep !== false
}

// --- internal ---

// pages of 200 entries from after ARGV[1]; the first completed, failed or removed event of job
// ARGV[2], with the error of its last ERROR_EVENT (ARGV[3]) before a failure
const FIND_END = `local from = '(' .. ARGV[1]
local stored = ''
while true do
  local page = redis.call('XRANGE', KEYS[1], from, '+', 'COUNT', 200)
  if #page == 0 then return false end
  for _, entry in ipairs(page) do
    local f = entry[2]
    local event, id, value = '', '', ''
    for i = 1, #f, 2 do
      local k = f[i]
      if k == 'event' then event = f[i + 1]
      elseif k == 'jobId' then id = f[i + 1]
      elseif k == 'returnvalue' or k == 'failedReason' or k == 'error' then value = f[i + 1] end
    end
    if id == ARGV[2] then
      if event == ARGV[3] then stored = value
      elseif event == 'completed' or event == 'failed' or event == 'removed' then return { event, value, stored } end
    end
  end
  from = '(' .. page[#page][1]
end`
