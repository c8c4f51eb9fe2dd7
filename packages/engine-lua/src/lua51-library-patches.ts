import { patch as p, type SourcePatch } from './fengari-loader.js'

/**
 * Lua 5.1's rules in fengari's base, table and string libraries, for `numbers: 'lua51'`
 * (Redis scripts must compute what redis-server's Lua 5.1 computes). Every change is behind
 * `__num.lua51`, so lua53 mode runs fengari's code unchanged. string.format is in
 * lua51-format-patches.ts; functions 5.3 dropped are in lua51-library.ts.
 */
export const LUA51_LIBRARY_PATCHES: readonly SourcePatch[] = [
  // --- base ----------------------------------------------------------------------------------
  p(
    'lbaselib.js',
    '5.1: tonumber(v, 10) is the standard conversion (floats, inf, exponents), not digits in base 10',
    '    if (lua_type(L, 2) <= 0) {  /* standard conversion? */',
    '    if (lua_type(L, 2) <= 0 || (__num.lua51 && (luaL_checkinteger(L, 2) | 0) === 10)) {  /* standard conversion? */',
  ),
  p(
    'lbaselib.js',
    '5.1: tonumber(36, 36) converts the number to its string first (luaL_checkstring)',
    '        luaL_checktype(L, 1, LUA_TSTRING);  /* no numbers as strings */',
    "        if (__num.lua51) require('./lauxlib.js').luaL_checklstring(L, 1);\n" +
      '        else luaL_checktype(L, 1, LUA_TSTRING);  /* no numbers as strings */',
  ),
  p(
    'lbaselib.js',
    '5.1: pairs takes a table only and knows no __pairs',
    '    return pairsmeta(L, to_luastring("__pairs", true), 0, luaB_next);',
    '    if (__num.lua51) {\n' +
      '        luaL_checktype(L, 1, LUA_TTABLE);\n' +
      '        lua_pushcfunction(L, luaB_next);\n' +
      '        lua_pushvalue(L, 1);\n' +
      '        lua_pushnil(L);\n' +
      '        return 3;\n' +
      '    }\n' +
      '    return pairsmeta(L, to_luastring("__pairs", true), 0, luaB_next);',
  ),
  p(
    'lbaselib.js',
    '5.1: ipairs takes a table only',
    '    luaL_checkany(L, 1);\n    lua_pushcfunction(L, ipairsaux);  /* iteration function */',
    '    if (__num.lua51) luaL_checktype(L, 1, LUA_TTABLE);\n' +
      '    else luaL_checkany(L, 1);\n' +
      '    lua_pushcfunction(L, ipairsaux);  /* iteration function */',
  ),
  p('lbaselib.js', '5.1: ipairs reads raw (see ipairsaux below)', '    lua_geti,\n', '    lua_geti,\n    lua_rawgeti,\n'),
  p(
    'lbaselib.js',
    "5.1: ipairs' iterator reads its control through luaL_checkint (a C int: 2^32 is 0, inf and nan are 0), then the table, " +
      'and t[i] raw, without __index (a never-nil __index looped until the time limit); at the end it returns no value',
    '    let i = luaL_checkinteger(L, 2) + 1;\n',
    '    if (__num.lua51) {\n' +
      '        let c = luaL_checkinteger(L, 2) | 0;\n' +
      '        luaL_checktype(L, 1, LUA_TTABLE);\n' +
      '        c = (c + 1) | 0;  /* a C int: 2^31 - 1 + 1 wraps */\n' +
      '        lua_pushinteger(L, c);\n' +
      '        return lua_rawgeti(L, 1, c) === LUA_TNIL ? 0 : 2;\n' +
      '    }\n' +
      '    let i = luaL_checkinteger(L, 2) + 1;\n',
  ),
  p(
    'lbaselib.js',
    '5.1: xpcall accepts any handler (a non-function one fails as "error in error handling") and calls f without arguments',
    'const luaB_xpcall = function(L) {\n    let n = lua_gettop(L);\n    luaL_checktype(L, 2, LUA_TFUNCTION);  /* check error function */',
    '/* 5.1 calls a non-function handler, which fails: the error becomes "error in error handling" */\n' +
      'const errerr51 = function(L) {\n' +
      '    lua_pushliteral(L, "error in error handling");\n' +
      '    return 1;\n' +
      '};\n' +
      'const luaB_xpcall = function(L) {\n' +
      '    let n = lua_gettop(L);\n' +
      '    if (__num.lua51) {\n' +
      '        luaL_checkany(L, 2);\n' +
      '        n = 2;\n' +
      '        lua_settop(L, n);\n' +
      '        if (lua_type(L, 2) !== LUA_TFUNCTION) {\n' +
      '            lua_settop(L, 1);\n' +
      '            lua_pushcfunction(L, errerr51);\n' +
      '        }\n' +
      '    } else\n' +
      '    luaL_checktype(L, 2, LUA_TFUNCTION);  /* check error function */',
  ),
  p(
    'lbaselib.js',
    '5.1: assert raises luaL_error("%s", luaL_optstring(L, 2, "assertion failed!")): a string (a number converted), nil is the default text, a table is a bad argument',
    '        luaL_checkany(L, 1);  /* there must be a condition */\n',
    '        luaL_checkany(L, 1);  /* there must be a condition */\n' +
      '        if (__num.lua51)\n' +
      '            return luaL_error(L, to_luastring("%s"), luaL_optstring(L, 2, to_luastring("assertion failed!")));\n',
  ),
  p(
    'lmathlib.js',
    '5.1: math.atan takes one argument (atan2 is math.atan2); a second one is ignored, not a divisor',
    '    let x = luaL_optnumber(L, 2, 1);\n    lua_pushnumber(L, Math.atan2(y, x));',
    '    if (__num.lua51) {\n' +
      '        lua_pushnumber(L, __num.nanPassing(Math.atan, y));\n' +
      '        return 1;\n' +
      '    }\n' +
      '    let x = luaL_optnumber(L, 2, 1);\n    lua_pushnumber(L, Math.atan2(y, x));',
  ),
  p(
    'lmathlib.js',
    '5.1: math.deg divides by RADIANS_PER_DEGREE, x/(PI/180), where 5.3 multiplies by 180/PI (math.deg(0.1) differs in the last bit); math.rad is x*(PI/180) in both',
    '    lua_pushnumber(L, luaL_checknumber(L, 1) * (180 / Math.PI));',
    '    lua_pushnumber(L, __num.lua51 ? luaL_checknumber(L, 1) / (Math.PI / 180) : luaL_checknumber(L, 1) * (180 / Math.PI));',
  ),
  // --- table ---------------------------------------------------------------------------------
  p(
    'ltablib.js',
    '5.1: table.insert at any position (luaL_checkint: a C int); a position past the end grows the array',
    '            luaL_argcheck(L, 1 <= pos && pos <= e, 2, "position out of bounds");',
    '            if (!__num.lua51) luaL_argcheck(L, 1 <= pos && pos <= e, 2, "position out of bounds");\n' +
      '            else if ((pos |= 0) > e) e = pos;',
  ),
  p(
    'ltablib.js',
    '5.1: table.remove outside 1..#t removes nothing and returns no value (table.remove({}) too)',
    '    let pos = luaL_optinteger(L, 2, size);\n',
    '    let pos = luaL_optinteger(L, 2, size);\n    if (__num.lua51 && !(1 <= (pos |= 0) && pos <= size)) return 0;\n',
  ),
  p(
    'ltablib.js',
    '5.1: table.sort checks the comparator whatever the length',
    '    let n = aux_getn(L, 1, TAB_RW);\n    if (n > 1) {  /* non-trivial interval? */',
    '    let n = aux_getn(L, 1, TAB_RW);\n' +
      '    if (__num.lua51 && !lua_isnoneornil(L, 2)) luaL_checktype(L, 2, LUA_TFUNCTION);\n' +
      '    if (n > 1) {  /* non-trivial interval? */',
  ),
  // --- string: find, patterns, gsub ----------------------------------------------------------
  p(
    'lstrlib.js',
    "5.1: string.find/match clamp an init beyond the length to the end (find('abc', '', 10) is 4, 3)",
    "    else if (init > ls + 1) {  /* start after string's end? */",
    "    else if (init > ls + 1 && __num.lua51) init = ls + 1;\n    else if (init > ls + 1) {  /* start after string's end? */",
  ),
  p(
    'lstrlib.js',
    '5.1: string.char takes its arguments through luaL_checkint, a C int cast (2^32 + 65 is "A")',
    '        let c = luaL_checkinteger(L, i);\n',
    '        let c = luaL_checkinteger(L, i);\n        if (__num.lua51) c |= 0;\n',
  ),
  p(
    'lstrlib.js',
    '5.1 wording: "invalid capture index" (a back-reference in a pattern)',
    '        return luaL_error(ms.L, to_luastring("invalid capture index %%%d"), l + 1);',
    '        return luaL_error(ms.L, to_luastring(__num.lua51 ? "invalid capture index" : "invalid capture index %%%d"), l + 1);',
  ),
  p(
    'lstrlib.js',
    '5.1 wording: "invalid capture index" (a capture in a replacement)',
    '            luaL_error(ms.L, to_luastring("invalid capture index %%%d"), i + 1);',
    '            luaL_error(ms.L, to_luastring(__num.lua51 ? "invalid capture index" : "invalid capture index %%%d"), i + 1);',
  ),
  p(
    'lstrlib.js',
    '5.1 wording: \'%b\' without its two characters is an "unbalanced pattern"',
    '    if (p >= ms.p_end - 1)\n        luaL_error(ms.L, ',
    '    if (p >= ms.p_end - 1 && __num.lua51)\n        luaL_error(ms.L, to_luastring("unbalanced pattern"));\n' +
      '    else if (p >= ms.p_end - 1)\n        luaL_error(ms.L, ',
  ),
  p(
    'lstrlib.js',
    "5.1: in a gsub replacement '%' before a non-digit is that character, and a final '%' copies C's terminating NUL",
    '                if (news[i] !== L_ESC)\n' +
      '                    luaL_error(L, to_luastring("invalid use of \'%c\' in replacement string"), L_ESC);\n' +
      '                luaL_addchar(b, news[i]);',
    '                if (news[i] !== L_ESC && !__num.lua51)\n' +
      '                    luaL_error(L, to_luastring("invalid use of \'%c\' in replacement string"), L_ESC);\n' +
      '                luaL_addchar(b, i < l ? news[i] : 0);',
  ),
  p(
    'lstrlib.js',
    '5.1: gsub replaces an empty match right after the previous match (gsub("abc", "%w*", "x") is "xx", 2)',
    '        if ((e = match(ms, src, p)) !== null && e !== lastmatch) {  /* match? */\n' +
      '            n++;\n' +
      '            add_value(ms, b, src, e, tr);  /* add replacement to buffer */\n' +
      '            src = lastmatch = e;\n' +
      '        } else if',
    '        if ((e = match(ms, src, p)) !== null && (e !== lastmatch || __num.lua51)) {  /* match? */\n' +
      '            n++;\n' +
      '            add_value(ms, b, src, e, tr);  /* add replacement to buffer */\n' +
      '            if (!__num.lua51 || e > src) src = lastmatch = e;\n' +
      '            else if (src < ms.src_end) luaL_addchar(b, ms.src[src++]);  /* 5.1: an empty match copies one character */\n' +
      '            else break;\n' +
      '        } else if',
  ),
  p(
    'lstrlib.js',
    '5.1: gmatch yields an empty match right after the previous match, then moves one character on',
    '        if ((e = match(gm.ms, src, gm.p)) !== null && e !== gm.lastmatch) {\n            gm.src = gm.lastmatch = e;',
    '        if ((e = match(gm.ms, src, gm.p)) !== null && (e !== gm.lastmatch || __num.lua51)) {\n' +
      '            gm.src = gm.lastmatch = e;\n' +
      '            if (__num.lua51 && e === src) gm.src++;',
  ),
  // 5.1's matcher has no depth count (C recursion until the C stack ends; Redis's Lua answers
  // a 50,000-item pattern). fengari's recurses on the JS stack, where a RangeError would end
  // the run as 'not enough memory': measured, it overflowed Node's default stack past ~3,300
  // levels at top level and ~1,950 under 190 nested gsub callbacks, so 1,000 keeps a margin
  // and stays a Lua error ('pattern too complex', 5.3's words).
  p(
    'lstrlib.js',
    "5.1: patterns recurse up to 1,000 levels, not 5.3's MAXCCALLS (200)",
    '    ms.matchdepth = MAXCCALLS;\n',
    '    ms.matchdepth = __num.lua51 ? MAXMATCH51 : MAXCCALLS;\n',
  ),
  p(
    'lstrlib.js',
    '5.1: the match depth starts at its own bound',
    '    lualib.lua_assert(ms.matchdepth === MAXCCALLS);',
    '    lualib.lua_assert(ms.matchdepth === (__num.lua51 ? MAXMATCH51 : MAXCCALLS));',
  ),
  p(
    'lstrlib.js',
    '5.1: the match depth bound',
    'const MAXCCALLS      = 200;\n',
    'const MAXCCALLS      = 200;\nconst MAXMATCH51     = 1000;\n',
  ),
  p(
    'lstrlib.js',
    "5.1: patterns have no %g class: '%g' is a plain 'g'",
    "        case 103 /* 'g'.charCodeAt(0) */: return  isgraph(c);\n        case 71  /* 'G'.charCodeAt(0) */: return !isgraph(c);",
    "        case 103 /* 'g'.charCodeAt(0) */: return __num.lua51 ? cl === c : isgraph(c);\n" +
      "        case 71  /* 'G'.charCodeAt(0) */: return __num.lua51 ? cl === c : !isgraph(c);",
  ),
  p(
    'ltablib.js',
    '5.1: table.concat checks its separator before the table (ltablib.c of 5.1 reads luaL_optlstring first)',
    'const tconcat = function(L) {\n    let last = aux_getn(L, 1, TAB_R);\n',
    'const tconcat = function(L) {\n    if (__num.lua51) luaL_optlstring(L, 2, "");\n    let last = aux_getn(L, 1, TAB_R);\n',
  ),
  p(
    'loslib.js',
    '5.1: the number runtime (its mode) is visible to loslib as __num',
    '"use strict";\n',
    '"use strict";\nconst __num = require(\'./polyhost-numbers.js\');\n',
  ),
  p(
    'loslib.js',
    '5.1: os.difftime(t1, t2) casts both to time_t, t2 optional (luaL_optnumber(L, 2, 0)) and read first, as C evaluates the call',
    '    let t1 = l_checktime(L, 1);\n    let t2 = l_checktime(L, 2);\n',
    '    let t2 = __num.lua51 && !lua_isnoneornil(L, 2) ? l_checktime(L, 2) : 0;\n' +
      '    let t1 = l_checktime(L, 1);\n' +
      '    if (!__num.lua51) t2 = l_checktime(L, 2);\n',
  ),
]
