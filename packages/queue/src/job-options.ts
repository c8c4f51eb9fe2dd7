import { InvalidArgumentError } from '@polyhost/core'
import { z } from 'zod'
import { MAX_PRIORITY } from './fairness.js'
import { parseOrThrow } from './request-schema.js'

// The BullMQ job options this package passes through, checked before anything reaches Redis:
// a misspelled option (`attemps`) or a value BullMQ would refuse with a bare Error (a jobId
// with ':'), store as nonsense (a negative delay) or fail inside a Redis script with (a NaN
// priority) is an InvalidArgumentError naming the field.

/** The longest time a Node timer holds; longer ones fire after 1 ms. */
const MAX_TIMER_MS = 2 ** 31 - 1

const count = z.number().int().nonnegative()
const ms = z.number().int().nonnegative()

/**
 * The longest `delay` an enqueue takes, in ms (10^13, about 317 years): a job's due time then
 * stays within what a Date holds. BullMQ took `delay: 2^53 − 1` and stored a job that could
 * never run.
 */
export const MAX_DELAY_MS = 1e13

/**
 * The longest job, deduplication or schedule id, in UTF-8 bytes. BullMQ sets no limit: a
 * megabyte id was added (3.2 s) and then repeated in every key, event and message naming the job.
 */
export const MAX_ID_BYTES = 256

/** Why `id` is too long to be an id, or undefined. */
export function idTooLong(id: string): string | undefined {
  // a string's UTF-8 is at most 3 bytes per UTF-16 unit: no need to count a short one
  if (id.length * 3 <= MAX_ID_BYTES) return undefined
  const n = Buffer.byteLength(id)
  return n > MAX_ID_BYTES ? `at most ${MAX_ID_BYTES} bytes (UTF-8), received ${n}` : undefined
}

/** A non-empty id of at most MAX_ID_BYTES; later checks do not run on a longer one. */
const id = z
  .string()
  .min(1)
  .check((ctx) => {
    const tooLong = idTooLong(ctx.value)
    if (tooLong) ctx.issues.push({ code: 'custom', message: tooLong, input: ctx.value, continue: false })
  })

/**
 * BullMQ takes a custom id that is not an integer's decimal form and has no ':'. Its check is
 * `${parseInt(id, 10)}` === id, which also holds for 'NaN': that one is named as what it is.
 */
const jobId = id
  .refine((id) => id === 'NaN' || `${Number.parseInt(id, 10)}` !== id, 'a custom job id cannot be an integer (BullMQ numbers its own jobs)')
  .refine(
    (id) => id !== 'NaN',
    "a custom job id cannot be 'NaN' (BullMQ refuses it as an integer: its check is String(parseInt(id, 10)) === id)",
  )
  .refine((id) => !id.includes(':'), "a custom job id cannot contain ':'")

/**
 * BullMQ's built-in backoff strategies. Any other type needs a custom strategy in the worker's
 * `settings.backoffStrategy`, which a ScriptWorker does not take: BullMQ would throw while
 * failing the job, leaving it active.
 */
export const BACKOFF_TYPES = ['fixed', 'exponential'] as const

const backoffType = z.enum(BACKOFF_TYPES, {
  error: (i) =>
    `${typeof i.input === 'string' ? `unknown backoff type '${i.input}'` : `received ${typeof i.input}`}: expected 'fixed' or 'exponential' (BullMQ's built-in strategies)`,
})

/** Whether BullMQ can compute a retry's delay from `backoff` (none, a number of ms, or a built-in type). */
export function knownBackoff(backoff: unknown): boolean {
  if (backoff === undefined || typeof backoff === 'number') return true
  const type = (backoff as { type?: unknown } | null)?.type
  return BACKOFF_TYPES.some((t) => t === type)
}

const backoff = z.union([ms, z.object({ type: backoffType, delay: ms.optional(), jitter: z.number().min(0).max(1).optional() }).strict()], {
  error: "expected a delay in ms or { type: 'fixed' | 'exponential', delay?, jitter? }",
})

/** true/false, a number of jobs to keep, or BullMQ's KeepJobs. */
const keep = z.union([
  z.boolean(),
  count,
  z.object({ count }).strict(),
  z.object({ age: ms, count: count.optional(), limit: count.optional() }).strict(),
])

const deduplication = z
  .object({
    id,
    ttl: ms.optional(),
    extend: z.boolean().optional(),
    replace: z.boolean().optional(),
    reschedule: z.boolean().optional(),
    keepLastIfActive: z.boolean().optional(),
  })
  .strict()

const enqueueOptionsSchema = z
  .object({
    jobId: jobId.optional(),
    delay: ms.max(MAX_DELAY_MS).optional(),
    priority: z.number().int().min(0).max(MAX_PRIORITY).optional(),
    attempts: z.number().int().positive().optional(),
    backoff: backoff.optional(),
    deduplication: deduplication.optional(),
    removeOnComplete: keep.optional(),
    removeOnFail: keep.optional(),
  })
  .strict()

const scheduleOptionsSchema = enqueueOptionsSchema.pick({ attempts: true, backoff: true, priority: true }).strict()

const resultOptionsSchema = z.object({ timeoutMs: ms.max(MAX_TIMER_MS).optional() }).strict()

/**
 * Checks job options given to `what` (`enqueue`) as its argument `field` (`options`,
 * `defaultJobOptions`): errors read `enqueue: options.delay: …`, `enqueue: options: unknown field 'attemps'`.
 */
export function checkEnqueueOptions<T>(options: T, what: string, field = 'options'): T {
  if (options === undefined) return options
  // the checked copy: each getter is read once, so what was checked is what BullMQ gets
  return parseOrThrow(z.object({ [field]: enqueueOptionsSchema }), { [field]: options }, what, field)[field] as T
}

/** Checks `schedule`'s job options (attempts, backoff, priority). */
export function checkScheduleOptions<T>(options: T): T {
  if (options !== undefined) parseOrThrow(z.object({ options: scheduleOptionsSchema }), { options }, 'schedule', 'options')
  return options
}

/** Checks `job.result()`'s options: `timeoutMs` a whole number of ms a timer can hold (0: no limit). */
export function checkResultOptions(options: unknown): number | undefined {
  if (options === undefined) return undefined
  return parseOrThrow(z.object({ options: resultOptionsSchema }), { options }, 'job.result', 'options').options.timeoutMs
}

/** A job id as `job(id)` and `cancel(id)` take it. */
export function checkJobId(id: unknown, what: string): string {
  if (typeof id !== 'string' || id.length === 0)
    throw new InvalidArgumentError(`${what}: a job id must be a non-empty string, received ${describe(id)}`)
  const tooLong = idTooLong(id)
  if (tooLong) throw new InvalidArgumentError(`${what}: a job id is ${tooLong}`)
  return id
}

function describe(v: unknown): string {
  return v === null ? 'null' : typeof v === 'string' ? '""' : typeof v
}
