import type { BrokenTime } from './os-calendar.js'

/**
 * `os.date`'s conversions as Lua 5.3 (LUA_STRFTIMEOPTIONS, ISO C99) accepts them and glibc's
 * `strftime` formats them in the C locale: ISO weeks (`%g %G %V`), the `E` and `O`
 * modifiers (the C locale has no alternative forms, so `%Ey` is `%y`), unpadded `%Y` and
 * `%C` for years below 1000 or negative, `%Z` as `tm_zone`. fengari's own strftime had
 * `%t` as a backspace, no ISO weeks and no modifiers, and took `%k %l %P` which C Lua refuses.
 */

/** Lua 5.3's LUA_STRFTIMEOPTIONS (C99): one-character options, then two-character ones. */
const ONE = new Set('aAbBcCdDeFgGhHIjmMnprRStTuUVwWxXyYzZ%')
const TWO = new Set(['Ec', 'EC', 'Ex', 'EX', 'Ey', 'EY', 'Od', 'Oe', 'OH', 'OI', 'Om', 'OM', 'OS', 'Ou', 'OU', 'OV', 'Ow', 'OW', 'Oy'])

const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday']
const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December']

/**
 * loslib.c's checkoption: the length of the conversion specifier at `fmt[i]` (after its
 * `%`), or 0 when Lua refuses it. A two-character option needs both characters present.
 */
export function specifierLength(fmt: Uint8Array, i: number): number {
  const left = fmt.length - i
  if (left >= 1 && ONE.has(String.fromCharCode(fmt[i] as number))) return 1
  if (left >= 2 && TWO.has(String.fromCharCode(fmt[i] as number, fmt[i + 1] as number))) return 2
  return 0
}

/** One conversion (`spec` without its `%`, one of specifierLength's) of `tm`; `zone` names a local time's zone. */
export function convert(spec: string, tm: BrokenTime, zone: () => string): string {
  const c = spec.length === 2 ? spec[1] : spec
  switch (c) {
    case 'a':
      return (DAYS[tm.wday] as string).slice(0, 3)
    case 'A':
      return DAYS[tm.wday] as string
    case 'b':
    case 'h':
      return (MONTHS[tm.month] as string).slice(0, 3)
    case 'B':
      return MONTHS[tm.month] as string
    case 'c':
      return `${convert('a', tm, zone)} ${convert('b', tm, zone)} ${convert('e', tm, zone)} ${convert('T', tm, zone)} ${tm.year}`
    case 'C':
      return String(Math.floor(tm.year / 100))
    case 'd':
      return pad(tm.day, 2, '0')
    case 'D':
    case 'x':
      return `${pad(tm.month + 1, 2, '0')}/${pad(tm.day, 2, '0')}/${pad(mod(tm.year, 100), 2, '0')}`
    case 'e':
      return pad(tm.day, 2, ' ')
    case 'F':
      return `${tm.year}-${pad(tm.month + 1, 2, '0')}-${pad(tm.day, 2, '0')}`
    case 'g':
      return pad(mod(isoWeek(tm).year, 100), 2, '0')
    case 'G':
      return String(isoWeek(tm).year)
    case 'V':
      return pad(isoWeek(tm).week, 2, '0')
    case 'H':
      return pad(tm.hour, 2, '0')
    case 'I':
      return pad(tm.hour % 12 || 12, 2, '0')
    case 'j':
      return pad(tm.yday + 1, 3, '0')
    case 'm':
      return pad(tm.month + 1, 2, '0')
    case 'M':
      return pad(tm.min, 2, '0')
    case 'n':
      return '\n'
    case 'p':
      return tm.hour < 12 ? 'AM' : 'PM'
    case 'r':
      return `${pad(tm.hour % 12 || 12, 2, '0')}:${pad(tm.min, 2, '0')}:${pad(tm.sec, 2, '0')} ${tm.hour < 12 ? 'AM' : 'PM'}`
    case 'R':
      return `${pad(tm.hour, 2, '0')}:${pad(tm.min, 2, '0')}`
    case 'S':
      return pad(tm.sec, 2, '0')
    case 't':
      return '\t'
    case 'T':
    case 'X':
      return `${pad(tm.hour, 2, '0')}:${pad(tm.min, 2, '0')}:${pad(tm.sec, 2, '0')}`
    case 'u':
      return String(tm.wday || 7)
    case 'U':
      return pad(Math.floor((tm.yday - tm.wday + 7) / 7), 2, '0')
    case 'w':
      return String(tm.wday)
    case 'W':
      return pad(Math.floor((tm.yday - mod(tm.wday - 1, 7) + 7) / 7), 2, '0')
    case 'y':
      return pad(mod(tm.year, 100), 2, '0')
    case 'Y':
      return String(tm.year)
    case 'z': {
      const off = Math.abs(tm.gmtoff)
      return `${tm.gmtoff < 0 ? '-' : '+'}${pad(Math.trunc(off / 3600) * 100 + (Math.trunc(off / 60) % 60), 4, '0')}`
    }
    case 'Z':
      return tm.zone || zone()
    default:
      return '%'
  }
}

// --- internal ---

function pad(n: number, width: number, fill: string): string {
  return String(n).padStart(width, fill)
}

function mod(a: number, b: number): number {
  return ((a % b) + b) % b
}

const isLeap = (y: number) => y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0)

/** glibc's iso_week_days: days since the Monday starting the ISO year's week 1 (may be negative). */
function isoWeekDays(yday: number, wday: number): number {
  return yday - mod(yday - wday + 4, 7) + 3
}

/** The ISO 8601 week-based year and week number of `tm` (`%G`, `%V`). */
function isoWeek(tm: BrokenTime): { year: number; week: number } {
  let year = tm.year
  let days = isoWeekDays(tm.yday, tm.wday)
  if (days < 0) {
    year--
    days = isoWeekDays(tm.yday + (isLeap(year) ? 366 : 365), tm.wday)
  } else {
    const d = isoWeekDays(tm.yday - (isLeap(year) ? 366 : 365), tm.wday)
    if (d >= 0) {
      year++
      days = d
    }
  }
  return { year, week: Math.floor(days / 7) + 1 }
}
