import { patch as p, type SourcePatch } from './fengari-loader.js'
import { LUA51_INTEGERS_FILE } from './lua51-integers.js'

/** Files whose 5.1 patches below call `__l51` (lua51-integers.ts). */
const USERS = ['lapi.js', 'ltablib.js', 'lstrlib.js']

/**
 * Lua 5.1's integer arguments, for `numbers: 'lua51'`: C casts where 5.3 raises. A number
 * argument is `(lua_Integer)d` (NaN and huge values are INT64_MIN, never an error), the
 * functions that take it through `luaL_checkint`/`luaL_optint` keep its low 32 bits, and a C
 * function has 8000 stack slots (LUAI_MAXCSTACK: `unpack` of more is "too many results to
 * unpack"). Behind `__num.lua51`; listed after the number patches, whose text they extend.
 */
export const LUA51_INTEGER_PATCHES: readonly SourcePatch[] = [
  ...USERS.map((file) =>
    p(
      file,
      '5.1 integers: the cast helpers are visible to the patched code as __l51',
      "const __num = require('./polyhost-numbers.js');\n",
      `const __num = require('./polyhost-numbers.js');\nconst __l51 = require('./${LUA51_INTEGERS_FILE}');\n`,
    ),
  ),
  p(
    'lapi.js',
    '5.1: lua_tointeger is C\'s cast of the number (string.sub("hello", 0/0) is "hello", not an error)',
    '    return __num.strict(lvm.tointeger(index2addr(L, idx)));',
    '    if (__num.lua51) return __l51.tointeger(lvm.tonumber(index2addr(L, idx)));\n' +
      '    return __num.strict(lvm.tointeger(index2addr(L, idx)));',
  ),
  p(
    'lapi.js',
    "5.1: a C function has LUAI_MAXCSTACK (8000) slots: lua_checkstack fails beyond (the host reading a thread's results is not limited)",
    '    api_check(L, n >= 0, "negative \'n\'");\n',
    '    api_check(L, n >= 0, "negative \'n\'");\n' +
      '    if (__num.lua51 && ci !== L.base_ci && (n > 8000 || L.top - (ci.funcOff + 1) + n > 8000)) return false;\n',
  ),
  p(
    'lbaselib.js',
    '5.1: select takes a C int (luaL_checkint)',
    '        let i = luaL_checkinteger(L, 1);\n',
    '        let i = luaL_checkinteger(L, 1);\n        if (__num.lua51) i |= 0;\n',
  ),
  p(
    'lbaselib.js',
    '5.1: error takes its level as a C int (luaL_optint)',
    '    let level = luaL_optinteger(L, 2, 1);\n',
    '    let level = luaL_optinteger(L, 2, 1);\n    if (__num.lua51) level |= 0;\n',
  ),
  p(
    'lbaselib.js',
    '5.1: tonumber takes its base as a C int (luaL_optint)',
    '        let base = luaL_checkinteger(L, 2);\n',
    '        let base = luaL_checkinteger(L, 2);\n        if (__num.lua51) base |= 0;\n',
  ),
  p(
    'lobject.js',
    '5.1: a string converts to a number as the C string it is: up to its first NUL (tonumber("10\\0") is 10)',
    'const luaO_str2num = function(s, o) {\n',
    'const luaO_str2num = function(s, o) {\n' +
      '    let nul51 = __num.lua51 ? s.indexOf(0) : -1;\n' +
      '    if (nul51 >= 0) return luaO_str2num(s.subarray(0, nul51), o) === 0 ? 0 : s.length + 1;\n',
  ),
  p(
    'ltablib.js',
    '5.1: table.concat takes its range as C ints (luaL_optint)',
    '    last = luaL_optinteger(L, 4, last);\n',
    '    last = luaL_optinteger(L, 4, last);\n    if (__num.lua51) { i |= 0; last |= 0; }\n',
  ),
  p(
    'ltablib.js',
    '5.1: unpack takes its range as C ints; more results than the C stack holds is the checkstack error',
    '    let e = lua_isnoneornil(L, 3) ? luaL_len(L, 1) : luaL_checkinteger(L, 3);\n',
    '    let e = lua_isnoneornil(L, 3) ? luaL_len(L, 1) : luaL_checkinteger(L, 3);\n    if (__num.lua51) { i |= 0; e |= 0; }\n',
  ),
  p(
    'lstrlib.js',
    '5.1: string.rep takes its count as a C int (luaL_checkint: 2^32 + 1 is 1)',
    '    let l = s.length;\n    let n = luaL_checkinteger(L, 2);\n',
    '    let l = s.length;\n    let n = luaL_checkinteger(L, 2);\n    if (__num.lua51) n |= 0;\n',
  ),
  p(
    'lstrlib.js',
    '5.1: gsub takes its maximum as a C int (luaL_optint)',
    '    let max_s = luaL_optinteger(L, 4, srcl + 1);  /* max replacements */\n',
    '    let max_s = luaL_optinteger(L, 4, srcl + 1);  /* max replacements */\n    if (__num.lua51) max_s |= 0;\n',
  ),
  p(
    'lstrlib.js',
    '5.1: string.format %d casts the number to long, %o %u %x %X to unsigned long (NaN and huge values included)',
    '                    let n = luaL_checkinteger(L, arg);\n                    luaL_addstring(b, to_luastring(__num.printf.number(String.fromCharCode(...form), n)));',
    '                    if (__num.lua51) {\n' +
      '                        luaL_addstring(b, to_luastring(__l51.format(__num.printf, String.fromCharCode(...form), luaL_checknumber(L, arg))));\n' +
      '                        break;\n' +
      '                    }\n' +
      '                    let n = luaL_checkinteger(L, arg);\n                    luaL_addstring(b, to_luastring(__num.printf.number(String.fromCharCode(...form), n)));',
  ),
]
