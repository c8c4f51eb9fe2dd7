import { type BrokenTime, makeTime } from './os-calendar.js'
import { convert } from './os-strftime.js'

/**
 * `os.date`'s conversions as Lua 5.1 makes them, for `numbers: 'lua51'`: 5.1's loslib.c
 * checks nothing. It reads the format as a C string (up to its first NUL) and hands glibc's
 * `strftime` each `%` with the one character after it, alone (`"%Q"`, `"%E"`), so C99's
 * conversions give what 5.3's do, glibc's own `%k %l %P %s` work, a width digit pads the
 * unfinished conversion (`"%5"` is `"   %5"`), and anything else (`%Q`, a lone modifier or
 * flag) is copied as it is. A `%` that ends the format is itself.
 */
const C99 = new Set('aAbBcCdDeFgGhHIjmMnprRStTuUVwWxXyYzZ%')

/** glibc's `strftime` of `"%" + c` for `tm`; `zone` names a local time's zone. */
export function convert51(c: string, tm: BrokenTime, zone: () => string): string {
  if (C99.has(c)) return convert(c, tm, zone)
  switch (c) {
    case 'k':
      return String(tm.hour).padStart(2, ' ')
    case 'l':
      return String(tm.hour % 12 || 12).padStart(2, ' ')
    case 'P':
      return tm.hour < 12 ? 'am' : 'pm'
    case 's':
      return String(secondsOf(tm))
  }
  if (c >= '1' && c <= '9') return `%${c}`.padStart(Number(c), ' ')
  return `%${c}`
}

/** glibc's `%s`: `mktime` of the broken time, read as local time (also for `!`'s UTC fields). */
function secondsOf(tm: BrokenTime): number {
  const made = makeTime({ year: tm.year, month: tm.month, day: tm.day, hour: tm.hour, min: tm.min, sec: tm.sec, isdst: tm.isdst }, 0)
  return made === null ? -1 : made.t
}
