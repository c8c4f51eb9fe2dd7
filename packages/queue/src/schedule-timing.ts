import { InvalidArgumentError, quoteText } from '@polyhost/core'
import { getNextMillis, type RepeatOptions } from 'bullmq'
import { z } from 'zod'
import { idTooLong } from './job-options.js'
import { parseOrThrow } from './request-schema.js'

// `schedule(id, timing, …)` checked before anything reaches Redis. BullMQ refuses little of it,
// and what it refuses is a bare Error: a pattern cron-parser cannot read, an unknown zone, no
// timing at all, `every: 0`. The rest it stores: `every: -5` ran four jobs and then never again,
// `every: 1.5` ticked every millisecond, an unknown field or an empty id were kept silently.
// Each is an InvalidArgumentError naming the field here.

/**
 * The shortest `every` a schedule takes, in ms. Each tick is a whole job (a Redis hash kept
 * per `removeOnComplete`, a worker execution); faster than 10 a second a schedule is a stream
 * that outruns workers and fills Redis with ticks rather than periodic work — enqueue those
 * jobs instead. 100 ms is also the finest step the tests rely on (`every: 150`).
 */
export const MIN_SCHEDULE_EVERY_MS = 100

/**
 * The first tick time (ms since the epoch, 5138-11-16) whose id BullMQ writes in exponent form.
 * BullMQ's Lua computes an `every` schedule's next tick (`prevMillis + every`, or a `startDate`
 * read with `tonumber`) as a number and makes the tick's id `repeat:<id>:` .. it, which Redis'
 * Lua 5.1 formats with `%.14g`: from 10^14 on that is `1.0179667545313e+14` (rounded to 14
 * digits), not an integer.
 */
export const SCHEDULE_TICK_LIMIT_MS = 1e14

/**
 * The longest `every` a schedule takes, in ms (10^13, about 317 years): with a start before
 * {@link SCHEDULE_TICK_LIMIT_MS} − this, the first ticks stay integers (every tick before 5138).
 */
export const MAX_SCHEDULE_EVERY_MS = 1e13

/** How often a schedule ticks, and within which bounds (BullMQ's repeat options). */
export type ScheduleTiming = (
  | {
      /** A cron pattern (5 fields, or 6 with seconds first), as BullMQ's cron-parser reads it. */
      readonly pattern: string
      /** The IANA time zone the pattern is read in (default: the process's). */
      readonly tz?: string
      /** The first job runs at once rather than at the pattern's first time. */
      readonly immediately?: boolean
    }
  | {
      /** A whole number of milliseconds between ticks, at least {@link MIN_SCHEDULE_EVERY_MS}. */
      readonly every: number
    }
) & {
  /** No tick before this time (a Date, ms since the epoch, or a date string). */
  readonly startDate?: Date | number | string
  /** No tick after this time, which must be in the future. */
  readonly endDate?: Date | number | string
  /** At most this many ticks. */
  readonly limit?: number
}

const instant = z.union([z.date(), z.number().int(), z.string().min(1)]).refine((v) => Number.isFinite(new Date(v).getTime()), 'not a date')

const timingSchema = z
  .object({
    pattern: z
      .string()
      .refine((p) => p.trim() !== '', 'a cron pattern cannot be empty')
      .optional(),
    tz: z.string().optional(),
    immediately: z.boolean().optional(),
    every: z.number().int().min(MIN_SCHEDULE_EVERY_MS).max(MAX_SCHEDULE_EVERY_MS).optional(),
    startDate: instant.optional(),
    endDate: instant.optional(),
    limit: z.number().int().positive().max(Number.MAX_SAFE_INTEGER).optional(),
  })
  .strict()

/**
 * Checks `schedule`'s timing and answers the copy to give BullMQ (each field read once).
 * Errors read `schedule: timing.every: …`, `schedule: timing: unknown field 'foo'`.
 */
export function checkScheduleTiming(timing: unknown): RepeatOptions {
  const t = parseOrThrow(z.object({ timing: timingSchema }), { timing }, 'schedule', 'timing').timing
  const bad = (field: string, why: string) => new InvalidArgumentError(`schedule: timing${field ? `.${field}` : ''}: ${why}`)
  if (t.pattern !== undefined && t.every !== undefined) throw bad('', 'give either pattern or every, not both')
  if (t.pattern === undefined && t.every === undefined) throw bad('', 'expected a cron pattern or every (ms)')
  if (t.every !== undefined) {
    if (t.tz !== undefined) throw bad('tz', 'applies to a pattern only')
    if (t.immediately !== undefined) throw bad('immediately', 'applies to a pattern only (an every schedule runs its first job at once)')
  }
  if (t.immediately && t.startDate !== undefined) throw bad('immediately', 'cannot be combined with startDate')
  if (t.tz !== undefined && !isTimeZone(t.tz))
    throw bad('tz', `unknown time zone ${quoteText(t.tz)} (expected an IANA name such as 'Europe/Berlin')`)
  const now = Date.now()
  const end = t.endDate === undefined ? undefined : new Date(t.endDate).getTime()
  if (end !== undefined && end <= now) throw bad('endDate', 'must be in the future')
  if (end !== undefined && t.startDate !== undefined && new Date(t.startDate).getTime() >= end)
    throw bad('endDate', 'must be after startDate')
  const options: RepeatOptions = { ...t }
  if (t.pattern !== undefined) checkPatternShape(t.pattern, bad)
  if (t.pattern !== undefined) checkPattern({ ...options, immediately: false }, now, bad, noTimeLeft(end, t.startDate !== undefined))
  // after the pattern's own check: a pattern with no time at all says so first
  if (t.startDate !== undefined && new Date(t.startDate).getTime() >= SCHEDULE_TICK_LIMIT_MS - MAX_SCHEDULE_EVERY_MS)
    throw bad(
      'startDate',
      `must be before ${new Date(SCHEDULE_TICK_LIMIT_MS - MAX_SCHEDULE_EVERY_MS).toISOString()} (BullMQ's tick ids after ${LAST_TICK} are not integers)`,
    )
  return options
}

/**
 * The nicknames cron-parser reads as a whole pattern (its `PredefinedExpressions`, which it does
 * not export; test/schedule-timing.test.ts compares this list with it). `@reboot` is not one.
 */
export const SCHEDULE_PATTERN_ALIASES: readonly string[] = [
  '@yearly',
  '@annually',
  '@monthly',
  '@weekly',
  '@daily',
  '@hourly',
  '@minutely',
  '@secondly',
  '@weekdays',
  '@weekends',
]

/**
 * cron-parser fills missing leading fields (`'5'` is `'0 * * * * 5'`, next tick a Friday at
 * midnight; `'* * *'` every minute), and an alias it does not know reaches its month/weekday
 * alias lookup (`@reboot` read as `cannot resolve alias "reb"`). What the README promises is
 * checked here: an alias from the list, or 5 or 6 fields with nothing around them.
 */
function checkPatternShape(pattern: string, bad: (field: string, why: string) => Error): void {
  if (pattern.startsWith('@') && !SCHEDULE_PATTERN_ALIASES.includes(pattern))
    throw bad('pattern', `unknown alias ${quoteText(pattern)} (supported: ${SCHEDULE_PATTERN_ALIASES.join(', ')})`)
  if (pattern.startsWith('@')) return
  if (pattern.trim() !== pattern) throw bad('pattern', `${quoteText(pattern)} has whitespace before or after its fields`)
  const fields = pattern.split(/\s+/).length
  if (fields !== 5 && fields !== 6)
    throw bad(
      'pattern',
      `expected 5 fields (minute hour day month weekday) or 6 with seconds first, received ${fields} in ${quoteText(pattern)}`,
    )
}

/**
 * Reads the pattern as BullMQ will: its own `getNextMillis`, which hands the options to
 * cron-parser's `CronExpressionParser.parse` (the same parser, at the version BullMQ pins) and
 * asks for the next time. A pattern without a next time (all of them after `endDate`) would be
 * stored by BullMQ and never tick.
 */
function checkPattern(options: RepeatOptions, now: number, bad: (field: string, why: string) => Error, noTime: string): void {
  let next: number | undefined
  try {
    next = getNextMillis(now, options)
  } catch (e) {
    throw bad('pattern', `not a cron pattern: ${e instanceof Error ? e.message : String(e)}`)
  }
  if (next === undefined) throw bad('pattern', noTime)
}

/** The latest time a Date holds (+275760-09-13), past which cron-parser finds nothing. */
const LAST_DATE = new Date(8.64e15).toISOString()
const LAST_TICK = new Date(SCHEDULE_TICK_LIMIT_MS).toISOString()

/**
 * Why a pattern has no next time, naming only the bounds the caller gave: before their
 * endDate, else between startDate (or now) and the last time a Date can hold.
 */
function noTimeLeft(end: number | undefined, hasStart: boolean): string {
  if (end !== undefined) return 'never matches a time before endDate'
  return `never matches a time after ${hasStart ? 'startDate' : 'now'} that a date can hold (the last is ${LAST_DATE})`
}

/** True for a time zone `Intl` knows (an IANA name, or `UTC`); anything else is a RangeError there. */
function isTimeZone(tz: string): boolean {
  if (tz === '') return false
  try {
    new Intl.DateTimeFormat(undefined, { timeZone: tz })
    return true
  } catch {
    return false
  }
}

/** A schedule id as `schedule(id)` and `unschedule(id)` take it. */
export function checkScheduleId(id: unknown, what: string): string {
  // each tick's job id is `repeat:<id>:<time>`; an id with ':' may take the shape of a legacy
  // repeat key, which BullMQ then probes for at each tick and reports as unsupported once gone
  if (typeof id !== 'string' || id.length === 0 || id.includes(':'))
    throw new InvalidArgumentError(
      `${what}: a schedule id must be a non-empty string without ':', received ${typeof id === 'string' ? quoteText(id) : id === null ? 'null' : typeof id}`,
    )
  const tooLong = idTooLong(id)
  if (tooLong) throw new InvalidArgumentError(`${what}: a schedule id is ${tooLong}`)
  return id
}
