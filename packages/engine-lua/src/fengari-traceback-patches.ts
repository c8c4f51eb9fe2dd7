import { patch, type SourcePatch } from './fengari-loader.js'

/**
 * fengari's changes for `debug.traceback` (the function itself is the engine's, traceback.ts):
 * Lua 5.3's wording, the count of lost tail calls Lua 5.1's traceback prints one line each
 * for, and a step per entry of the function-name search a script's tables can make long.
 * Tests: src/fengari-traceback-patches.test.ts; against native Lua in test/traceback-fidelity.test.ts.
 */
export const TRACEBACK_PATCHES: readonly SourcePatch[] = [
  patch(
    'lauxlib.js',
    'wording: lua5.3 marks lost tail calls "(...tail calls...)"; fengari printed two dots',
    '                lua_pushliteral(L, "\\n\\t(...tail calls..)");',
    '                lua_pushliteral(L, "\\n\\t(...tail calls...)");',
  ),
  patch(
    'lauxlib.js',
    "limits: naming a frame walks package.loaded and each table in it (a script's globals, its modules); " +
      'every entry visited is a builtin step, so a script with a huge table cannot make each traceback line unbounded work',
    '    while (lua_next(L, -2)) {  /* for each pair in table */\n',
    '    while (lua_next(L, -2)) {  /* for each pair in table */\n        __polyhost.step(L);\n',
  ),
  patch(
    'lstate.js',
    'Lua 5.1 tracebacks: how many tail calls a frame replaced (valid while the frame has CIST_TAIL)',
    '        this.nresults = NaN;\n',
    '        this.nresults = NaN;\n        this.tailcalls = 0;  /* polyhost: tail calls lost in this frame (Lua 5.1 ci->tailcalls) */\n',
  ),
  patch(
    'lvm.js',
    'Lua 5.1 tracebacks: a tail call into a Lua function counts one more lost call in the frame it reuses ' +
      '(5.1 prints a "(tail call): ?" level for each; fengari kept only the CIST_TAIL flag)',
    '                    oci.callstatus |= lstate.CIST_TAIL;\n',
    '                    oci.tailcalls = oci.callstatus & lstate.CIST_TAIL ? oci.tailcalls + 1 : 1;\n' +
      '                    oci.callstatus |= lstate.CIST_TAIL;\n',
  ),
]
