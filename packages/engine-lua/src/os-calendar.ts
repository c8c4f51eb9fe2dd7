/**
 * The C library's broken-down time for `os.date` and `os.time`, as glibc computes it:
 * `gmtime`, `localtime` and `mktime` over the proleptic Gregorian calendar for every
 * integer time the engine has (±(2^53 − 1) seconds, years beyond JS `Date`'s ±275,760).
 * Local time is the host process's zone (as C Lua's): its UTC offsets come from JS `Date`,
 * a time outside `Date`'s range uses the offset 400 years (one calendar cycle) nearer.
 */

/** C's `struct tm`, with the zone fields glibc adds (`tm_gmtoff`, `tm_zone`). */
export interface BrokenTime {
  readonly year: number
  /** 0–11 */
  readonly month: number
  /** 1–31 */
  readonly day: number
  readonly hour: number
  readonly min: number
  readonly sec: number
  /** 0–6, Sunday = 0 */
  readonly wday: number
  /** 0–365 */
  readonly yday: number
  /** 1 in daylight saving time, 0 not; -1 unknown (never set here) */
  readonly isdst: number
  /** Seconds east of UTC. */
  readonly gmtoff: number
  /** The zone's abbreviation (`GMT` for UTC, as glibc's gmtime). */
  readonly zone: string
}

/** The fields `os.time` reads from its table (already minus Lua's deltas: month 0-based, year − 1900 added back). */
export interface TimeFields {
  readonly year: number
  readonly month: number
  readonly day: number
  readonly hour: number
  readonly min: number
  readonly sec: number
  /** `isdst` as C's `tm_isdst`: -1 absent, 0 false, 1 true. */
  readonly isdst: number
}

const DAY = 86400
/** Seconds in 400 Gregorian years: the calendar (weekdays included) repeats after them. */
const CYCLE = 146097 * DAY
/** JS Date's range in seconds, less a day for offsets. */
const DATE_LIMIT = 8.64e12 - 2 * DAY

/** Days from 1970-01-01 to year-month(0-based)-01 (month may be any integer). */
export function daysFromCivil(year: number, month: number): number {
  const y0 = year + Math.floor(month / 12)
  const m = month - Math.floor(month / 12) * 12 + 1
  const y = m <= 2 ? y0 - 1 : y0
  const era = Math.floor(y / 400)
  const yoe = y - era * 400
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5)
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy
  return era * 146097 + doe - 719468
}

/** `gmtime` (utc) or `localtime` of `t` seconds since the epoch. */
export function breakDown(t: number, utc: boolean): BrokenTime {
  if (utc) return fields(t, 0, 0, 'GMT')
  const off = offsetAt(t)
  return fields(t + off, off, isDst(t, off) ? 1 : 0, '')
}

/**
 * glibc's `mktime` (its __mktime_internal): normalises out-of-range fields, iterates from
 * the offset `guess` (UTC − local, seconds; glibc keeps the last one, per process) to the
 * local time asked for; a time in a spring-forward gap or with an `isdst` the zone does not
 * have then is resolved as glibc resolves it. Null where glibc fails (-1, EOVERFLOW).
 */
export function makeTime(f: TimeFields, guess: number): { t: number; tm: BrokenTime; guess: number } | null {
  const sec = Math.min(Math.max(f.sec, 0), 59) // out-of-range seconds are added after the zone is found
  const local = (daysFromCivil(f.year, f.month) + f.day - 1) * DAY + f.hour * 3600 + f.min * 60 + sec
  let t = local + guess
  let t1 = t
  let t2 = t
  let dst2 = false
  let tm = breakDown(t, false)
  let probes = 6
  for (let dt = local - (t + tm.gmtoff); dt !== 0; dt = local - (t + tm.gmtoff)) {
    // oscillating between two times: a spring-forward gap; glibc prefers the DST side, or the side isdst does not ask for
    const dst = tm.isdst !== 0
    if (t === t1 && t !== t2 && (f.isdst < 0 ? dst2 <= dst : (f.isdst !== 0) !== dst)) return adjusted(t, tm, local, f.sec, sec)
    if (--probes === 0) return null
    t1 = t2
    t2 = t
    t += dt
    dst2 = dst
    tm = breakDown(t, false)
  }
  if (f.isdst >= 0 && f.isdst !== tm.isdst) {
    const found = sideAsked(t, local, f.isdst)
    t = found ?? t + (f.isdst === 0 ? 3600 : -3600)
    tm = breakDown(t, false)
  }
  return adjusted(t, tm, local, f.sec, sec)
}

/**
 * The zone's abbreviation for a local time (`%Z`), from ICU: tzdata's abbreviations are not
 * in JS, and ICU names some zones only in one locale (EST in en-US, CET in en-GB) and only
 * for recent years, so a time ICU has no name for takes the name of 2020's time with the
 * same offset. A zone with neither gets ICU's `GMT+5:30` where glibc has `IST`.
 */
export function zoneName(t: number, gmtoff: number): string {
  // a zone's local mean time, before its first standard offset
  if (gmtoff % 60 !== 0) return 'LMT'
  const named = (at: number) => {
    for (const format of shortNameFormats()) {
      const n = format.formatToParts(at * 1000).find((p) => p.type === 'timeZoneName')?.value ?? ''
      if (!/^GMT[+-]/.test(n)) return n
    }
    return undefined
  }
  const recent = [daysFromCivil(2020, 0), daysFromCivil(2020, 6)].map((d) => d * DAY).filter((at) => offsetAt(at) === gmtoff)
  for (const at of [inDateRange(t), ...recent]) {
    const n = named(at)
    if (n !== undefined) return n
  }
  if (gmtoff === 0) return 'UTC'
  const h = Math.trunc(Math.abs(gmtoff) / 3600)
  const m = Math.trunc(Math.abs(gmtoff) / 60) % 60
  return `GMT${gmtoff < 0 ? '-' : '+'}${h}${m ? `:${String(m).padStart(2, '0')}` : ''}`
}

// --- internal ---

function fields(s: number, gmtoff: number, isdst: number, zone: string): BrokenTime {
  const days = Math.floor(s / DAY)
  const rem = s - days * DAY
  // civil from days (H. Hinnant): exact for any day count below 2^53 / 400
  const z = days + 719468
  const era = Math.floor(z / 146097)
  const doe = z - era * 146097
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365)
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100))
  const mp = Math.floor((5 * doy + 2) / 153)
  const month = mp < 10 ? mp + 2 : mp - 10
  const year = yoe + era * 400 + (month < 2 ? 1 : 0)
  return {
    year,
    month,
    day: doy - Math.floor((153 * mp + 2) / 5) + 1,
    hour: Math.floor(rem / 3600),
    min: Math.floor(rem / 60) % 60,
    sec: rem % 60,
    wday: (((days + 4) % 7) + 7) % 7,
    yday: days - daysFromCivil(year, 0),
    isdst,
    gmtoff,
    zone,
  }
}

/**
 * `t` within JS Date's range: an earlier time is the earliest (a zone's local mean time has
 * no end in the past); a later one moves by whole 400-year cycles (the zone's rules repeat).
 */
function inDateRange(t: number): number {
  if (t < -DATE_LIMIT) return -DATE_LIMIT
  return t <= DATE_LIMIT ? t : t - Math.trunc(t / CYCLE) * CYCLE
}

/** Since 1973 no zone has had an offset of seconds (Africa/Monrovia's -0:44:30 ended in 1972). */
const WHOLE_MINUTES_SINCE = 1e8
let offsetFormat: { tz: string | undefined; format: Intl.DateTimeFormat } | undefined

let shortNames: { tz: string | undefined; formats: Intl.DateTimeFormat[] } | undefined

/** ICU's short zone names in the two locales that have them, made once per host zone (a format costs ~50 µs). */
function shortNameFormats(): Intl.DateTimeFormat[] {
  const tz = process.env.TZ
  if (shortNames?.tz !== tz || !shortNames) {
    shortNames = { tz, formats: ['en-US', 'en-GB'].map((locale) => new Intl.DateTimeFormat(locale, { timeZoneName: 'short' })) }
  }
  return shortNames.formats
}

/** The host zone's offset from UTC at `t`, seconds east. */
function offsetAt(t: number): number {
  const at = inDateRange(t)
  if (at >= WHOLE_MINUTES_SINCE) return Math.round(-new Date(at * 1000).getTimezoneOffset() * 60)
  // JS Date rounds an offset to minutes (local mean time: New York's -4:56:02); Intl has the seconds
  const tz = process.env.TZ
  if (offsetFormat?.tz !== tz || !offsetFormat)
    offsetFormat = { tz, format: new Intl.DateTimeFormat('en-US', { timeZoneName: 'longOffset' }) }
  const name = offsetFormat.format.formatToParts(at * 1000).find((p) => p.type === 'timeZoneName')?.value ?? ''
  const m = /^GMT([+-])(\d\d):(\d\d)(?::(\d\d))?$/.exec(name)
  if (!m) return 0
  return (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 3600 + Number(m[3]) * 60 + Number(m[4] ?? 0))
}

/** Daylight saving time: an offset above the lesser of the year's January and July offsets. */
function isDst(t: number, off: number): boolean {
  const y = fields(t + off, 0, 0, '').year
  const jan = offsetAt(daysFromCivil(y, 0) * DAY)
  const jul = offsetAt(daysFromCivil(y, 6) * DAY)
  return jan !== jul && off > Math.min(jan, jul)
}

/**
 * glibc's mktime when `tm_isdst` differs from the zone's at the time: the offset of the
 * nearest time (probing a week apart, up to ~7 years each way) that has the requested
 * side; undefined when none has (glibc then assumes one hour).
 */
function sideAsked(t: number, local: number, isdst: number): number | undefined {
  const stride = 601200
  const bound = 457243200 / 2 + stride
  for (let delta = stride; delta < bound; delta += stride) {
    for (const dir of [-1, 1]) {
      const ot = t + delta * dir
      const off = offsetAt(ot)
      if ((isDst(ot, off) ? 1 : 0) === isdst) return local - off
    }
  }
  return undefined
}

/** mktime's end: the seconds asked for beyond 0–59 added, and the next call's guess. */
function adjusted(t: number, tm: BrokenTime, local: number, secAsked: number, sec: number) {
  const guess = t - local
  if (secAsked === tm.sec) return { t, tm, guess }
  const t2 = t + secAsked - sec
  return { t: t2, tm: breakDown(t2, false), guess }
}
