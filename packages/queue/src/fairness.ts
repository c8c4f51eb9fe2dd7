import { InvalidArgumentError, quoteText } from '@polyhost/core'
import { hasLoneSurrogate } from '@polyhost/core/engine'
import type { Job } from 'bullmq'
import type { Redis } from 'ioredis'
import type { QueueKeys } from './keys.js'
import { runScript } from './redis-scripts.js'
import type { ScriptRequest } from './request-schema.js'

/**
 * Fair service between tenants on open-source BullMQ (its per-group fairness is a paid
 * feature): start-time fair queuing expressed as BullMQ priorities. Each tenant's next job gets
 * priority `max(tenant's last priority, virtual time) + 1`, where the virtual time is the
 * highest priority of a job that has ended. A tenant with 5,000 queued jobs holds priorities up
 * to 5,000; a tenant arriving later starts at the current virtual time, so its jobs interleave
 * with the backlog instead of waiting behind it. Within a tenant, order stays FIFO.
 *
 * A tenant's last priority is dropped when its pending count reaches 0 (the FINISH script), so
 * the hash holds only tenants with jobs pending, not every tenant ever seen. This changes no
 * priority: its jobs have all ended, the one holding its last priority included, and the
 * script that ended it raised the virtual time to at least that priority; a returning tenant
 * gets `max(0, virtual time) + 1`, as `max(last, virtual time) + 1` gave it.
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
 * Run by a worker once fair jobs have ended for good, in one round trip for all the jobs that
 * end within one turn of the event loop (with `concurrency` above 1, completions come in
 * bursts): each tenant's pending count lowered, and the virtual time advanced to the highest
 * priority among them. Advancing it at the end rather than at the start saves a round trip
 * per job; a tenant arriving meanwhile starts at most `concurrency` jobs earlier in the order,
 * which only favours the newcomer. Each job's `finish` resolves once its batch is stored.
 */
export class FinishedJobs {
  private batch: { counts: Map<string, number>; priority: number; done: Promise<void> } | undefined

  constructor(
    private readonly redis: Redis,
    private readonly keys: QueueKeys,
  ) {}

  finish(tenant: string, priority: number): Promise<void> {
    let b = this.batch
    if (!b) {
      let flush!: () => void
      const ready = new Promise<void>((resolve) => {
        flush = resolve
      })
      b = { counts: new Map(), priority: 0, done: ready.then(() => this.store()) }
      this.batch = b
      setImmediate(flush)
    }
    b.counts.set(tenant, (b.counts.get(tenant) ?? 0) + 1)
    if (priority > b.priority) b.priority = priority
    return b.done
  }

  // --- internal ---

  private async store(): Promise<void> {
    const b = this.batch
    this.batch = undefined
    if (!b) return
    const args = [...b.counts].flat()
    await runScript(this.redis, FINISH, 3, this.keys.tenantPending, this.keys.virtualTime, this.keys.tenantNext, b.priority, ...args)
  }
}

/**
 * Gives fair priorities to the jobs of `prepared` that have none (each tenant's in one script),
 * marking each with its tenant key as `data.fair` (`''` without tenant).
 */
export async function assignFairPriorities(
  redis: Redis,
  keys: QueueKeys,
  prepared: readonly { data: { tenant?: string; fair?: string }; opts: { priority?: number } }[],
): Promise<void> {
  const byTenant = new Map<string, (typeof prepared)[number][]>()
  for (const p of prepared) {
    if (p.opts.priority !== undefined) continue
    p.data.fair = p.data.tenant ?? ''
    const group = byTenant.get(p.data.fair)
    if (group) group.push(p)
    else byTenant.set(p.data.fair, [p])
  }
  for (const [tenant, group] of byTenant) {
    const priorities = await fairPriorities(redis, keys, tenant, group.length)
    group.forEach((p, i) => {
      p.opts.priority = priorities[i]
    })
  }
}

/**
 * Takes back the pending counts `fairPriorities` raised for enqueues BullMQ folded into a job
 * that exists (job-folds.ts): that job is counted already, and ends once. `tenants`: one key a fold.
 */
export async function uncount(redis: Redis, keys: QueueKeys, tenants: readonly string[]): Promise<void> {
  if (tenants.length === 0) return
  const counts = new Map<string, number>()
  for (const t of tenants) counts.set(t, (counts.get(t) ?? 0) + 1)
  // FINISH with priority 0 leaves the virtual time as it is
  await runScript(redis, FINISH, 3, keys.tenantPending, keys.virtualTime, keys.tenantNext, 0, ...[...counts].flat())
}

/** Jobs enqueued per tenant (fair queues) that have not ended yet. */
export async function pendingByTenant(redis: Redis, keys: QueueKeys): Promise<Record<string, number>> {
  const all = await redis.hgetall(keys.tenantPending)
  return Object.fromEntries(Object.entries(all).map(([t, n]) => [t, Number(n)]))
}

/** Runs `finish` once, before BullMQ's own `moveToFailed` of this job instance. */
export function finishBeforeFailing(job: Job, finish: () => Promise<void>): void {
  const moveToFailed = job.moveToFailed.bind(job)
  job.moveToFailed = async (...args: Parameters<Job['moveToFailed']>) => {
    job.moveToFailed = moveToFailed
    await finish()
    return moveToFailed(...args)
  }
}

/** A job's fair tenant and priority, read without validating the rest of its data. */
export function fairOf(job: Job): { tenant: string; priority: number } | undefined {
  const fair = (job.data as { fair?: unknown } | null)?.fair
  return typeof fair === 'string' ? { tenant: fair, priority: job.opts.priority ?? 0 } : undefined
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

// ARGV: the highest priority that ended, then tenant, count pairs; a tenant without pending
// jobs loses its last priority too (the virtual time below is past it)
const FINISH = `
for i = 2, #ARGV, 2 do
  if redis.call('HINCRBY', KEYS[1], ARGV[i], -tonumber(ARGV[i + 1])) <= 0 then
    redis.call('HDEL', KEYS[1], ARGV[i])
    redis.call('HDEL', KEYS[3], ARGV[i])
  end
end
local p = tonumber(ARGV[1])
if p > 0 and p > (tonumber(redis.call('GET', KEYS[2])) or 0) then redis.call('SET', KEYS[2], p) end
return 0
`

/**
 * The longest tenant id `enqueue` takes, in UTF-8 bytes: a fair queue keeps each tenant with
 * jobs pending as a field of two Redis hashes.
 */
export const MAX_TENANT_BYTES = 256

/**
 * The tenant a job runs for: the request's `tenant`, else a non-empty string `context.tenant`;
 * over MAX_TENANT_BYTES or with a lone surrogate an InvalidArgumentError (it is a field of fair
 * queues' hashes).
 */
export function tenantKey(r: ScriptRequest): string | undefined {
  // an empty context.tenant names no tenant, as in a host (a job's tenant is never empty)
  const t = r.tenant ?? (typeof r.context?.tenant === 'string' && r.context.tenant !== '' ? r.context.tenant : undefined)
  if (t === undefined) return t
  const field = r.tenant === undefined ? 'context.tenant' : 'tenant'
  if (Buffer.byteLength(t) > MAX_TENANT_BYTES)
    throw new InvalidArgumentError(`enqueue: ${field}: at most ${MAX_TENANT_BYTES} bytes (UTF-8), received ${Buffer.byteLength(t)}`)
  // Redis keeps hash fields as UTF-8, where a lone surrogate is U+FFFD: 'a\uD800', 'a\uDC00'
  // and 'a\uFFFD' would share one pending count and one place in the fair order
  if (hasLoneSurrogate(t))
    throw new InvalidArgumentError(
      `enqueue: ${field}: cannot contain a lone surrogate (its UTF-8 is another tenant's), received ${quoteText(t)}`,
    )
  return t
}
