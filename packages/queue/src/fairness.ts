import type { Redis } from 'ioredis'
import type { QueueKeys } from './keys.js'
import { runScript } from './redis-scripts.js'

/**
 * Fair service between tenants on open-source BullMQ (its per-group fairness is a paid
 * feature): start-time fair queuing expressed as BullMQ priorities. Each tenant's next job gets
 * priority `max(tenant's last priority, virtual time) + 1`, where the virtual time is the
 * highest priority of a job that has ended. A tenant with 5,000 queued jobs holds priorities up
 * to 5,000; a tenant arriving later starts at the current virtual time, so its jobs interleave
 * with the backlog instead of waiting behind it. Within a tenant, order stays FIFO.
 */
export const MAX_PRIORITY = 2 ** 21 - 1

/** Priorities for `count` jobs of `tenant`, and its pending count raised by `count`. */
export async function fairPriorities(redis: Redis, keys: QueueKeys, tenant: string, count: number): Promise<number[]> {
  const first = Number(
    await runScript(redis, ASSIGN, 3, keys.virtualTime, keys.tenantNext, keys.tenantPending, tenant, count, MAX_PRIORITY),
  )
  // past BullMQ's highest priority the order degrades to FIFO among the clamped jobs
  return Array.from({ length: count }, (_, i) => Math.min(first + i, MAX_PRIORITY))
}

/**
 * Run by a worker once a fair job has ended for good, in one round trip: the tenant's pending
 * count lowered, and the virtual time advanced to the job's priority. Advancing it at the end
 * rather than at the start saves a round trip per job; a tenant arriving meanwhile starts at
 * most `concurrency` jobs earlier in the order, which only favours the newcomer.
 */
export async function finishJob(redis: Redis, keys: QueueKeys, tenant: string, fairPriority: number): Promise<void> {
  await runScript(redis, FINISH, 2, keys.tenantPending, keys.virtualTime, tenant, fairPriority)
}

/** Jobs enqueued per tenant (fair queues) that have not ended yet. */
export async function pendingByTenant(redis: Redis, keys: QueueKeys): Promise<Record<string, number>> {
  const all = await redis.hgetall(keys.tenantPending)
  return Object.fromEntries(Object.entries(all).map(([t, n]) => [t, Number(n)]))
}

// --- internal ---

const ASSIGN = `
local v = tonumber(redis.call('GET', KEYS[1])) or 0
local n = tonumber(redis.call('HGET', KEYS[2], ARGV[1])) or 0
local count = tonumber(ARGV[2])
local first = math.max(n, v) + 1
redis.call('HSET', KEYS[2], ARGV[1], math.min(first + count - 1, tonumber(ARGV[3])))
redis.call('HINCRBY', KEYS[3], ARGV[1], count)
return first
`

const FINISH = `
if redis.call('HINCRBY', KEYS[1], ARGV[1], -1) <= 0 then redis.call('HDEL', KEYS[1], ARGV[1]) end
local p = tonumber(ARGV[2])
if p > 0 and p > (tonumber(redis.call('GET', KEYS[2])) or 0) then redis.call('SET', KEYS[2], p) end
return 0
`
