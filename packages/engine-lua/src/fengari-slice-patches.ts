import { patch, type SourcePatch } from './fengari-loader.js'

/**
 * Time slices through script-made coroutines (lcorolib.js). The count hook ends a slice by
 * yielding the thread it runs on; on the script's own thread the runner gets that yield and
 * gives the event loop a turn. Inside a coroutine the script made, the yield would reach the
 * script's `coroutine.resume` (or a `wrap` function) as an ordinary yield of no values, so the
 * hook used to let such a coroutine run on: a busy loop inside one held the event loop (and
 * every AbortSignal) for the whole time limit.
 *
 * Now the hook yields the coroutine too, and notes it (`__polyhost.slicedYield`); resume and
 * wrap, on seeing that note, pass the slice up: they yield their own thread with a
 * continuation that resumes the coroutine again (`lua_yieldk`), level by level up to the
 * script's thread and the runner. The script sees nothing of it: its resume returns only when
 * the coroutine really yields, returns or fails. Where the resumer cannot yield (a resume
 * inside a `table.sort` comparator, a metamethod fengari calls without continuation), the
 * coroutine is resumed at once and slices stay off until the next one the runner takes.
 */
export const FENGARI_SLICE_PATCHES: readonly SourcePatch[] = [
  patch(
    'lcorolib.js',
    'time slices: lcorolib yields its own thread with a continuation',
    "    lua_yield\n} = require('./lua.js');",
    "    lua_yield,\n    lua_yieldk\n} = require('./lua.js');",
  ),
  patch(
    'lcorolib.js',
    'time slices: a coroutine that yielded at the end of a slice is resumed again once its resumer has passed the slice up',
    'const auxresume = function(L, co, narg) {',
    'const resumeSliced = function(co, L, narg, k) {\n' +
      '    let status = lua_resume(co, L, narg);\n' +
      '    while (status === LUA_YIELD && __polyhost.slicedYield(co)) {\n' +
      '        if (__polyhost.passSlice(L, lua_isyieldable(L))) lua_yieldk(L, 0, 0, k);  /* unwinds; k resumes co */\n' +
      '        status = lua_resume(co, L, 0);\n' +
      '    }\n' +
      '    return status;\n' +
      '};\n\n' +
      'const auxresume = function(L, co, narg, k) {',
  ),
  patch(
    'lcorolib.js',
    'time slices: what auxresume does after the resume, also run by the continuations',
    '    lua_xmove(L, co, narg);\n    let status = lua_resume(co, L, narg);\n    if (status === LUA_OK || status === LUA_YIELD) {',
    '    lua_xmove(L, co, narg);\n' +
      '    return auxresult(L, co, resumeSliced(co, L, narg, k));\n' +
      '};\n\n' +
      'const auxresult = function(L, co, status) {\n' +
      '    if (status === LUA_OK || status === LUA_YIELD) {',
  ),
  patch(
    'lcorolib.js',
    'time slices: coroutine.resume continues after a slice it passed up',
    '    let r = auxresume(L, co, lua_gettop(L) - 1);\n    if (r < 0) {',
    '    return coresumeDone(L, auxresume(L, co, lua_gettop(L) - 1, coresumeK));\n' +
      '};\n\n' +
      'const coresumeK = function(L) {\n' +
      '    let co = lua_tothread(L, 1);\n' +
      '    return coresumeDone(L, auxresult(L, co, resumeSliced(co, L, 0, coresumeK)));\n' +
      '};\n\n' +
      'const coresumeDone = function(L, r) {\n' +
      '    if (r < 0) {',
  ),
  patch(
    'lcorolib.js',
    'time slices: a coroutine.wrap function continues after a slice it passed up',
    '    let co = lua_tothread(L, lua_upvalueindex(1));\n    let r = auxresume(L, co, lua_gettop(L));\n    if (r < 0) {',
    '    let co = lua_tothread(L, lua_upvalueindex(1));\n' +
      '    return auxwrapDone(L, auxresume(L, co, lua_gettop(L), auxwrapK));\n' +
      '};\n\n' +
      'const auxwrapK = function(L) {\n' +
      '    let co = lua_tothread(L, lua_upvalueindex(1));\n' +
      '    return auxwrapDone(L, auxresult(L, co, resumeSliced(co, L, 0, auxwrapK)));\n' +
      '};\n\n' +
      'const auxwrapDone = function(L, r) {\n' +
      '    if (r < 0) {',
  ),
]
