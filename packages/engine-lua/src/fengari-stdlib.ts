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
  {
    file: 'ldo.js',
    why: 'wording: more than LUAI_MAXCCALLS (200) nested host calls is "C stack overflow" in Lua 5.3, as scripts match it',
    find: '        ldebug.luaG_runerror(L, to_luastring("JS stack overflow", true));',
    replace: '        ldebug.luaG_runerror(L, to_luastring("C stack overflow", true));',
  },
  {
    file: 'ldo.js',
    why: 'wording: a coroutine resumed 200 levels deep fails with "C stack overflow" in Lua 5.3',
    find: '        return resume_error(L, "JS stack overflow", nargs);',
    replace: '        return resume_error(L, "C stack overflow", nargs);',
  },
  {
    file: 'ldebug.js',
    why: 'wording: tracebacks and messages name a host function\'s frame "[C]" in Lua 5.3 ("[C]: in function \'pcall\'")',
    find: '        ar.source = to_luastring("=[JS]", true);',
    replace: '        ar.source = to_luastring("=[C]", true);',
  },
  {
    file: 'lparser.js',
    why: 'wording: the parser\'s nesting limit is named "C levels" in Lua 5.3',
    find: '    checklimit(ls.fs, L.nCcalls, LUAI_MAXCCALLS, to_luastring("JS levels", true));',
    replace: '    checklimit(ls.fs, L.nCcalls, LUAI_MAXCCALLS, to_luastring("C levels", true));',
  },
  {
    file: 'lparser.js',
    why: 'wording: the parser\'s nesting limit is named "C levels" in Lua 5.3',
    find: '        checklimit(ls.fs, nvars + ls.L.nCcalls, LUAI_MAXCCALLS, to_luastring("JS levels", true));',
    replace: '        checklimit(ls.fs, nvars + ls.L.nCcalls, LUAI_MAXCCALLS, to_luastring("C levels", true));',
  },
]
