import { patch, type SourcePatch } from './fengari-loader.js'

/**
 * The C-call count (`L.nCcalls`, C Lua's 200-level "C stack overflow" limit) across the
 * engine's own suspensions. A yield unwinds every JS frame of the thread, and on the next
 * resume fengari, as C Lua, starts the count again at the resumer's plus one: the frames it
 * then continues (`unroll`) run as if no metamethod or `lua_call` were active below them.
 * The engine yields where the script cannot see it (a time slice, an async host call) and
 * runs the script in a yieldable thread where C Lua runs it on the non-yieldable main thread
 * (its `pcall` is protected there and restores the count after an error): an `__index` chain
 * that C Lua stops at 200 levels went on without end whenever a slice ended inside it, or an
 * error was caught inside it, so the outcome depended on timing.
 *
 * Now every frame records the count it runs at (`ci.ncc`, set when it is called), and a frame
 * continued after a yield or a caught error gets it back (`keep`): always on the script's own
 * thread (`L.keepCcalls` 2, set by the runner), on the resume that ends a slice for a
 * coroutine (1, set by time-slices.ts), and on error recovery in Lua 5.1, whose `pcall` is
 * always protected. Otherwise (a script's coroutine really resumed, 5.3's caught error in a
 * coroutine) the frame runs at the resumer's count as in C Lua, and records it.
 */
export const FENGARI_CCALLS_PATCHES: readonly SourcePatch[] = [
  patch(
    'lstate.js',
    'C-call count: the count a frame runs at',
    '        this.callstatus = NaN;\n    }',
    '        this.callstatus = NaN;\n        this.ncc = 0;  /* polyhost: L.nCcalls while this frame runs */\n    }',
  ),
  patch(
    'lstate.js',
    "C-call count: whether a resumed thread gets its frames' counts back (0 no, 1 on the next resume, 2 always)",
    '        this.nCcalls = 0;\n',
    '        this.nCcalls = 0;\n        this.keepCcalls = 0;\n',
  ),
  patch(
    'ldo.js',
    'C-call count: a host function records the count it runs at',
    '            ci.callstatus = 0;\n            if (L.hookmask & LUA_MASKCALL)',
    '            ci.callstatus = 0;\n            ci.ncc = L.nCcalls;\n            if (L.hookmask & LUA_MASKCALL)',
  ),
  patch(
    'ldo.js',
    'C-call count: a Lua function records the count it runs at',
    '            ci.callstatus = lstate.CIST_LUA;\n',
    '            ci.callstatus = lstate.CIST_LUA;\n            ci.ncc = L.nCcalls;\n',
  ),
  patch(
    'ldo.js',
    "C-call count: a continued frame runs at its own count (keep) or at the resumer's, which it records",
    'const unroll = function(L, ud) {\n' +
      '    if (ud !== null)  /* error status? */\n' +
      "        finishCcall(L, ud);  /* finish 'lua_pcallk' callee */\n" +
      '\n' +
      '    while (L.ci !== L.base_ci) {  /* something in the stack */\n',
    'const keepCcalls = function(L, keep) {\n' +
      '    if (keep) L.nCcalls = L.ci.ncc;\n' +
      '    else L.ci.ncc = L.nCcalls;\n' +
      '};\n' +
      '\n' +
      'const unroll = function(L, ud, keep = L.keepCcalls === 2 || __num.lua51) {\n' +
      '    if (ud !== null) {  /* error status? */\n' +
      '        keepCcalls(L, keep);\n' +
      "        finishCcall(L, ud);  /* finish 'lua_pcallk' callee */\n" +
      '    }\n' +
      '\n' +
      '    while (L.ci !== L.base_ci) {  /* something in the stack */\n' +
      '        keepCcalls(L, keep);\n',
  ),
  patch(
    'ldo.js',
    "C-call count: a resume after a slice (or on the script's thread) gives the frames their counts back",
    '        ci.funcOff = ci.extra;\n        ci.func = L.stack[ci.funcOff];\n',
    '        ci.funcOff = ci.extra;\n        ci.func = L.stack[ci.funcOff];\n' +
      '        let keep = L.keepCcalls !== 0;\n' +
      '        if (L.keepCcalls === 1) L.keepCcalls = 0;\n' +
      '        keepCcalls(L, keep);\n',
  ),
  patch(
    'ldo.js',
    'C-call count: the frames below keep theirs too',
    '        unroll(L, null);  /* run continuation */',
    '        unroll(L, null, keep);  /* run continuation */',
  ),
]
