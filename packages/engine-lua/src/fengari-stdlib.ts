import type { SourcePatch } from './fengari-loader.js'

/**
 * Fixes of fengari's standard library where it differs from C Lua 5.3 (not guards: they
 * change what scripts compute, not what they may do). Applied after the guards.
 */
export const STDLIB_PATCHES: readonly SourcePatch[] = [
  {
    file: 'loslib.js',
    why: 'os.date("!...") printed the "!" and used local time: the format after "!" is UTC, as in C',
    find: '        strftime(L, b, s, stm);',
    replace:
      '        /* local-time getters on a date shifted by the zone offset read UTC fields */\n' +
      '        strftime(L, b, s.subarray(i), utc ? new Date(stm.getTime() + stm.getTimezoneOffset() * 60000) : stm);',
  },
  {
    file: 'loslib.js',
    why: 'os.date("%j") counted days from 0 (C: 001 for January 1st) and shifted by an hour across DST',
    find: '                    let yday = Math.floor((date - new Date(date.getFullYear(), 0, 1)) / 86400000);',
    replace:
      '                    let yday = (Date.UTC(date.getFullYear(), date.getMonth(), date.getDate()) - Date.UTC(date.getFullYear(), 0, 1)) / 86400000 + 1;',
  },
]
