import { InvalidArgumentError } from '@polyhost/core'
import { describe, expect, it } from 'vitest'
import { createRequire } from 'node:module'
import {
  MAX_SCHEDULE_EVERY_MS,
  MIN_SCHEDULE_EVERY_MS,
  SCHEDULE_PATTERN_ALIASES,
  SCHEDULE_TICK_LIMIT_MS,
  type ScheduleTiming,
} from '../src/index.js'
import { uniqueName, useQueueFixture } from './support.js'

// A careless producer's schedules: BullMQ refused a bad cron pattern, an unknown zone, no
// timing and `every: 0` with bare Errors (no code), and stored the rest as given: `every: -5`
// ran four jobs and then never again, `every: 1.5` ticked every millisecond, an unknown field
// and an empty id were kept silently. Each is an InvalidArgumentError naming the field now,
// and nothing is stored. What BullMQ's repeat options allow (and the README documents) goes
// through and works.

const fx = useQueueFixture({ name: 'schedule-timing', concurrency: 2 })
const request = { script: { language: 'lua', source: 'return 1' } }
const future = Date.now() + 3_600_000

async function refusedSchedule(id: string, timing: unknown, message: RegExp): Promise<void> {
  const e = await fx.queue.schedule(id, timing as ScheduleTiming, request).then(
    () => undefined,
    (x: unknown) => x,
  )
  expect(e).toBeInstanceOf(InvalidArgumentError)
  expect((e as Error).message).toMatch(message)
  expect(await fx.queue.bull.getJobScheduler(id)).toBeUndefined()
}

describe('schedule refuses', () => {
  it.each([
    ['a pattern cron-parser cannot read', { pattern: 'this is not a cron' }, /^schedule: timing\.pattern: not a cron pattern: /],
    ['a minute out of range', { pattern: '61 * * * *' }, /^schedule: timing\.pattern: not a cron pattern: .*0-59/],
    ['a day no month has', { pattern: '0 0 30 2 *' }, /^schedule: timing\.pattern: not a cron pattern: /],
    ['an empty pattern', { pattern: ' ' }, /^schedule: timing\.pattern: a cron pattern cannot be empty/],
    // cron-parser fills missing leading fields: '5' ticked next on a Friday at midnight, '* * *' every minute
    ['a pattern of 1 field', { pattern: '5' }, /^schedule: timing\.pattern: expected 5 fields .*, received 1 in "5"$/],
    ['a pattern of 1 field (*)', { pattern: '*' }, /^schedule: timing\.pattern: expected 5 fields .*, received 1 /],
    ['a pattern of 2 fields', { pattern: '* *' }, /^schedule: timing\.pattern: expected 5 fields .*, received 2 /],
    ['a pattern of 3 fields', { pattern: '* * *' }, /^schedule: timing\.pattern: expected 5 fields .*, received 3 /],
    ['a pattern of 4 fields', { pattern: '0 3 * *' }, /^schedule: timing\.pattern: expected 5 fields .*, received 4 /],
    ['a pattern of 7 fields', { pattern: '* * * * * * *' }, /^schedule: timing\.pattern: expected 5 fields .*, received 7 /],
    ['a pattern with a trailing space', { pattern: '* * * * * * ' }, /^schedule: timing\.pattern: "\* \* \* \* \* \* " has whitespace/],
    ['a pattern with a leading tab', { pattern: '\t0 3 * * *' }, /^schedule: timing\.pattern: .* has whitespace/],
    [
      '@reboot, which cron-parser read as a month alias',
      { pattern: '@reboot' },
      /^schedule: timing\.pattern: unknown alias "@reboot" \(supported: @yearly, @annually, .*@weekends\)$/,
    ],
    ['an alias with a trailing space', { pattern: '@daily ' }, /^schedule: timing\.pattern: unknown alias "@daily "/],
    [
      'a long unknown alias, quoted in part',
      { pattern: `@${'x'.repeat(900)}` },
      /^schedule: timing\.pattern: unknown alias "@x{39}…" \(901 characters\) \(supported: /,
    ],
    ['an unknown time zone', { pattern: '0 3 * * *', tz: 'Nope/Nope' }, /^schedule: timing\.tz: unknown time zone "Nope\/Nope"/],
    ['an offset as the zone', { pattern: '0 3 * * *', tz: '+02:00' }, /^schedule: timing\.tz: unknown time zone/],
    ['an empty zone', { pattern: '0 3 * * *', tz: '' }, /^schedule: timing\.tz: unknown time zone/],
    ['null timing', null, /^schedule: timing: /],
    ['timing that is a number', 5000, /^schedule: timing: /],
    ['no pattern nor every', {}, /^schedule: timing: expected a cron pattern or every/],
    ['both pattern and every', { pattern: '0 3 * * *', every: 60_000 }, /^schedule: timing: give either pattern or every, not both/],
    ['every: 0', { every: 0 }, /^schedule: timing\.every: /],
    ['a negative every', { every: -5 }, /^schedule: timing\.every: /],
    ['a fractional every', { every: 1.5 }, /^schedule: timing\.every: /],
    ['every: NaN', { every: Number.NaN }, /^schedule: timing\.every: /],
    ['every: Infinity', { every: Number.POSITIVE_INFINITY }, /^schedule: timing\.every: /],
    ['every below the minimum', { every: MIN_SCHEDULE_EVERY_MS - 1 }, /^schedule: timing\.every: /],
    ['every as text', { every: '60000' }, /^schedule: timing\.every: /],
    // BullMQ's Lua made the second tick's id `repeat:<id>:1.0179667545313e+14` (Lua 5.1's %.14g)
    [
      'every over the maximum',
      { every: MAX_SCHEDULE_EVERY_MS + 1 },
      /^schedule: timing\.every: Too big: expected number to be <=10000000000000$/,
    ],
    ['every of 2^53 − 1', { every: Number.MAX_SAFE_INTEGER }, /^schedule: timing\.every: Too big/],
    // and the first tick's `repeat:<id>:2e+14`
    [
      'a startDate whose ticks BullMQ cannot name',
      { every: 60_000, startDate: SCHEDULE_TICK_LIMIT_MS * 2 },
      /^schedule: timing\.startDate: must be before 4821-12-26T16:00:00\.000Z \(BullMQ's tick ids after 5138-11-16T09:46:40\.000Z are not integers\)$/,
    ],
    [
      'a pattern startDate past the bound',
      { pattern: '0 3 * * *', startDate: SCHEDULE_TICK_LIMIT_MS - MAX_SCHEDULE_EVERY_MS },
      /^schedule: timing\.startDate: must be before /,
    ],
    ['an unknown field', { every: 60_000, foo: 1 }, /^schedule: timing: unknown field 'foo'$/],
    ['a BullMQ-internal field', { every: 60_000, prevMillis: 5 }, /^schedule: timing: unknown field 'prevMillis'$/],
    ['a zone for every', { every: 60_000, tz: 'UTC' }, /^schedule: timing\.tz: applies to a pattern only/],
    ['immediately for every', { every: 60_000, immediately: true }, /^schedule: timing\.immediately: applies to a pattern only/],
    ['immediately with startDate', { pattern: '0 3 * * *', immediately: true, startDate: future }, /^schedule: timing\.immediately: /],
    ['a limit of 0', { every: 60_000, limit: 0 }, /^schedule: timing\.limit: /],
    ['a fractional limit', { every: 60_000, limit: 2.5 }, /^schedule: timing\.limit: /],
    ['an endDate in the past', { every: 60_000, endDate: Date.now() - 1000 }, /^schedule: timing\.endDate: must be in the future/],
    [
      'an endDate before startDate',
      { every: 60_000, startDate: future + 1000, endDate: future },
      /^schedule: timing\.endDate: must be after startDate/,
    ],
    ['a startDate that is no date', { every: 60_000, startDate: 'soon' }, /^schedule: timing\.startDate: not a date/],
    ['an invalid Date', { every: 60_000, startDate: new Date(Number.NaN) }, /^schedule: timing\.startDate: /],
    ['immediately as text', { pattern: '0 3 * * *', immediately: 'yes' }, /^schedule: timing\.immediately: /],
    [
      'a pattern with no time before endDate',
      { pattern: '0 3 1 1 *', endDate: Date.now() + 60_000 },
      /^schedule: timing\.pattern: never matches a time before endDate$/,
    ],
    [
      // no endDate given: the message named one all the same
      'a pattern with no time after a startDate at the end of what a date can hold',
      { pattern: '0 0 1 1 *', startDate: 8.64e15 },
      /^schedule: timing\.pattern: never matches a time after startDate that a date can hold \(the last is \+275760-09-13T00:00:00\.000Z\)$/,
    ],
  ])('%s', async (_what, timing, message) => {
    await refusedSchedule(uniqueName('s'), timing, message)
  })

  it.each([
    ['an empty id', ''],
    ['an id with a colon', 'a:b:c:d:5'],
    ['a number', 7],
    ['null', null],
  ])('%s as the schedule id, in schedule and unschedule', async (_what, id) => {
    const e = await fx.queue.schedule(id as never, { every: 60_000 }, request).catch((x: unknown) => x)
    expect(e).toBeInstanceOf(InvalidArgumentError)
    expect((e as Error).message).toMatch(/^schedule: a schedule id must be a non-empty string without ':'/)
    await expect(fx.queue.unschedule(id as never)).rejects.toThrow(/^unschedule: a schedule id must be a non-empty string/)
    expect(await fx.queue.bull.getJobSchedulersCount()).toBe(0)
  })
})

describe('schedule takes', () => {
  it.each([
    ['a pattern in an IANA zone', { pattern: '0 3 * * *', tz: 'Europe/Berlin' }],
    ['a 6-field pattern (seconds)', { pattern: '*/30 * * * * *', tz: 'UTC' }],
    ['fields apart by several spaces', { pattern: '0  3 * *\t*', tz: 'UTC' }],
    [
      'a pattern starting later, with an end and a limit',
      { pattern: '0 3 * * *', startDate: new Date(future), endDate: future + 86_400_000 * 9, limit: 3 },
    ],
    ['a pattern running at once', { pattern: '0 3 * * *', immediately: true }],
    ['every at the minimum', { every: MIN_SCHEDULE_EVERY_MS, startDate: future }],
    ['every with an ISO endDate', { every: 60_000, endDate: new Date(future).toISOString() }],
  ])('%s', async (_what, timing) => {
    const id = uniqueName('s')
    await fx.queue.schedule(id, timing as ScheduleTiming, request)
    const stored = await fx.queue.bull.getJobScheduler(id)
    expect(stored).toMatchObject('every' in timing ? { every: timing.every } : { pattern: timing.pattern })
    if ('tz' in timing) expect(stored?.tz).toBe(timing.tz)
    await fx.queue.unschedule(id)
  })

  it('every alias cron-parser knows (and no other), each stored as given', async () => {
    // cron-parser's own list, read where BullMQ resolves it (the package does not export it)
    const bullmqRequire = createRequire(createRequire(import.meta.url).resolve('bullmq'))
    const parser = bullmqRequire('cron-parser/dist/CronExpressionParser.js') as { PredefinedExpressions: Record<string, string> }
    expect([...SCHEDULE_PATTERN_ALIASES].sort()).toEqual(Object.keys(parser.PredefinedExpressions).sort())
    for (const pattern of SCHEDULE_PATTERN_ALIASES) {
      const id = uniqueName('s')
      await fx.queue.schedule(id, { pattern, tz: 'UTC' }, request)
      expect((await fx.queue.bull.getJobScheduler(id))?.pattern).toBe(pattern)
      await fx.queue.unschedule(id)
    }
  })

  it('every at the maximum: each tick id BullMQ writes is an integer time, the next one `every` later', async () => {
    const id = uniqueName('s')
    await fx.queue.schedule(id, { every: MAX_SCHEDULE_EVERY_MS }, request)
    const ids = async () =>
      (await fx.queue.bull.getJobs(['completed', 'delayed'])).map((j) => String(j.id)).filter((j) => j.startsWith(`repeat:${id}:`))
    const deadline = Date.now() + 20_000
    while ((await ids()).length < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50))
    const times = (await ids()).map((j) => j.slice(`repeat:${id}:`.length)).sort((a, b) => Number(a) - Number(b))
    expect(times).toHaveLength(2)
    for (const t of times) expect(t).toMatch(/^\d+$/)
    expect(Number(times[1]) - Number(times[0])).toBe(MAX_SCHEDULE_EVERY_MS)
    await fx.queue.unschedule(id)
  })

  it('limit: a schedule every 100 ms with limit 2 runs two jobs, then no more', async () => {
    const id = uniqueName('s')
    await fx.queue.schedule(id, { every: 100, limit: 2 }, request)
    const ours = async () => (await fx.queue.bull.getJobs(['completed'])).filter((j) => String(j.id).startsWith(`repeat:${id}:`))
    const deadline = Date.now() + 10_000
    while ((await ours()).length < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50))
    await new Promise((r) => setTimeout(r, 500))
    expect((await ours()).length).toBe(2)
    await fx.queue.unschedule(id)
  })
})
