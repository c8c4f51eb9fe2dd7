import { patch as p, type SourcePatch } from './fengari-loader.js'

/**
 * Lua 5.1's wording of runtime and syntax errors, for `numbers: 'lua51'` (Redis returns
 * these messages to clients): `attempt to index field 'x' (a nil value)` where 5.3 says
 * `attempt to index a nil value (field 'x')`, no `constant` names, the basic type name (5.1
 * knows no `__name`), and every token quoted in syntax errors (`near '<eof>'`), and
 * `bad argument #1 to '?'` for a function called without a name.
 */
export const LUA51_ERROR_PATCHES: readonly SourcePatch[] = [
  p(
    'ldebug.js',
    '5.1 wording: the number runtime (its mode) is visible to ldebug as __num',
    '"use strict";\n',
    '"use strict";\nconst __num = require(\'./polyhost-numbers.js\');\n',
  ),
  p(
    'ldebug.js',
    "5.1 wording: luaG_typeerror names the variable before the type (ldebug.c of 5.1), without 'constant' names",
    'const luaG_typeerror = function(L, o, op) {\n',
    [
      'const typeerror51 = function(L, o, op) {',
      '    let ci = L.ci;',
      '    let kind = null;',
      '    if (ci.callstatus & lstate.CIST_LUA) {',
      '        kind = getupvalname(L, ci, o);',
      '        let stkid = isinstack(L, ci, o);',
      '        if (!kind && stkid) kind = getobjname(ci.func.value.p, currentpc(ci), stkid - ci.l_base);',
      '    }',
      '    let t = ltm.ttypename(o.ttnov());',
      '    if (kind && kind.funcname[0] !== 99 /* not a constant */)',
      '        luaG_runerror(L, to_luastring("attempt to %s %s \'%s\' (a %s value)", true), op, kind.funcname, kind.name, t);',
      '    luaG_runerror(L, to_luastring("attempt to %s a %s value", true), op, t);',
      '};',
      '',
      'const luaG_typeerror = function(L, o, op) {',
      '    if (__num.lua51) return typeerror51(L, o, op);',
      '',
    ].join('\n'),
  ),
  p(
    'ldebug.js',
    "5.1 wording: a for-in generator is named by its call site as the hidden local '(for generator)' (getobjname of 5.1), not 'for iterator'",
    '            r.name = to_luastring("for iterator", true);\n            r.funcname = to_luastring("for iterator", true);\n',
    '            r.name = to_luastring(__num.lua51 ? "(for generator)" : "for iterator", true);\n' +
      '            r.funcname = to_luastring(__num.lua51 ? "local" : "for iterator", true);\n',
  ),
  p(
    'ldebug.js',
    '5.1 wording: comparison errors name the basic types',
    '    let t1 = ltm.luaT_objtypename(L, p1);\n    let t2 = ltm.luaT_objtypename(L, p2);\n',
    '    let t1 = __num.lua51 ? ltm.ttypename(p1.ttnov()) : ltm.luaT_objtypename(L, p1);\n' +
      '    let t2 = __num.lua51 ? ltm.ttypename(p2.ttnov()) : ltm.luaT_objtypename(L, p2);\n',
  ),
  p(
    'lauxlib.js',
    '5.1 wording: the number runtime (its mode) is visible to lauxlib as __num',
    '"use strict";\n',
    '"use strict";\nconst __num = require(\'./polyhost-numbers.js\');\n',
  ),
  p(
    'lauxlib.js',
    "5.1 wording: a bad argument to a function called without a name (pcall(string.rep)) is to '?': 5.1 does not look the function up in the loaded libraries",
    '        ar.name = pushglobalfuncname(L, ar) ? lua_tostring(L, -1) : to_luastring("?");',
    '        ar.name = !__num.lua51 && pushglobalfuncname(L, ar) ? lua_tostring(L, -1) : to_luastring("?");',
  ),
  p(
    'lparser.js',
    '5.1 syntax: the number runtime (its mode) is visible to lparser as __num',
    '"use strict";\n',
    '"use strict";\nconst __num = require(\'./polyhost-numbers.js\');\n',
  ),
  p(
    'lparser.js',
    '5.1 syntax: an expression statement that is not a call is an assignment ("\'=\' expected near \'x\'", not "syntax error")',
    "    if (ls.t.token === 61 /* ('=').charCodeAt(0) */ || ls.t.token === 44 /* (',').charCodeAt(0) */) { /* stat . assignment ? */",
    "    if (__num.lua51 ? v.v.k !== expkind.VCALL : (ls.t.token === 61 /* ('=').charCodeAt(0) */ || ls.t.token === 44 /* (',').charCodeAt(0) */)) { /* stat . assignment ? */",
  ),
  p(
    'llex.js',
    "5.1 wording: syntax errors quote every token ('<eof>', '<name>'), a control character as 'char(n)', any other byte as is (0xC3, not <\\195>)",
    'const luaX_token2str = function(ls, token) {\n',
    'const luaX_token2str = function(ls, token) {\n' +
      '    if (__num.lua51) {\n' +
      '        if (token < FIRST_RESERVED)\n' +
      '            return token < 32 || token === 127 ? lobject.luaO_pushfstring(ls.L, to_luastring("\'char(%d)\'", true), token)\n' +
      '                : lobject.luaO_pushfstring(ls.L, to_luastring("\'%s\'", true), Uint8Array.of(token));\n' +
      '        return lobject.luaO_pushfstring(ls.L, to_luastring("\'%s\'", true), luaX_tokens[token - FIRST_RESERVED]);\n' +
      '    }\n',
  ),
  p(
    'ldebug.js',
    "5.1 wording: luaG_ordererror says 'two X values' when the third letters of the type names agree (a string and a thread are 'two string values')",
    '    if (luastring_eq(t1, t2))\n        luaG_runerror(L, to_luastring("attempt to compare two %s values", true), t1);',
    '    if (__num.lua51 ? t1[2] === t2[2] : luastring_eq(t1, t2))\n        luaG_runerror(L, to_luastring("attempt to compare two %s values", true), t1);',
  ),
  p(
    'lauxlib.js',
    '5.1 wording: a bad argument names its basic type; 5.1 knows no __name',
    '    if (luaL_getmetafield(L, arg, __name) === LUA_TSTRING)\n        typearg = lua_tostring(L, -1);',
    '    if (!__num.lua51 && luaL_getmetafield(L, arg, __name) === LUA_TSTRING)\n        typearg = lua_tostring(L, -1);',
  ),
  p(
    'lauxlib.js',
    "5.1: tostring of a table or userdata is 'table: 0x…' whatever its metatable's __name",
    '                let tt = luaL_getmetafield(L, idx, __name);\n',
    '                let tt = __num.lua51 ? LUA_TNIL : luaL_getmetafield(L, idx, __name);\n',
  ),
  p(
    'lvm.js',
    '5.1 wording: an __index chain of 100 tables is a "loop in gettable"',
    '    ldebug.luaG_runerror(L, to_luastring("\'__index\' chain too long; possible loop", true));',
    '    ldebug.luaG_runerror(L, to_luastring(__num.lua51 ? "loop in gettable" : "\'__index\' chain too long; possible loop", true));',
  ),
  p(
    'lvm.js',
    '5.1 wording: a __newindex chain of 100 tables is a "loop in settable"',
    '    ldebug.luaG_runerror(L, to_luastring("\'__newindex\' chain too long; possible loop", true));',
    '    ldebug.luaG_runerror(L, to_luastring(__num.lua51 ? "loop in settable" : "\'__newindex\' chain too long; possible loop", true));',
  ),
  p(
    'lcorolib.js',
    '5.1 wording: the number runtime (its mode) is visible to lcorolib as __num',
    '"use strict";\n',
    '"use strict";\nconst __num = require(\'./polyhost-numbers.js\');\n',
  ),
  p(
    'lcorolib.js',
    '5.1 wording: coroutine.resume/status of a non-thread: "coroutine expected"',
    '    luaL_argcheck(L, co, 1, "thread expected");',
    '    luaL_argcheck(L, co, 1, __num.lua51 ? "coroutine expected" : "thread expected");',
  ),
  p(
    'lcorolib.js',
    "5.1 wording: resuming a coroutine that is not suspended names its status ('cannot resume running coroutine'; 5.3 says 'non-suspended')",
    'const auxresume = function(L, co, narg, k) {\n',
    'const auxresume = function(L, co, narg, k) {\n' +
      '    if (__num.lua51) {\n' +
      '        let st = L === co ? "running" : lua_status(co) === LUA_YIELD ? "suspended" : lua_status(co) !== LUA_OK ? "dead"\n' +
      '            : lua_getstack(co, 0, new lua_Debug()) > 0 ? "normal" : lua_gettop(co) === 0 ? "dead" : "suspended";\n' +
      '        if (st !== "suspended") {\n' +
      '            lua_pushliteral(L, "cannot resume " + st + " coroutine");\n' +
      '            return -1;  /* error flag */\n' +
      '        }\n' +
      '    }\n',
  ),
  p(
    'lcorolib.js',
    '5.1: coroutine.create and wrap take a Lua function only (a C function is "Lua function expected")',
    'const luaB_cocreate = function(L) {\n    luaL_checktype(L, 1, LUA_TFUNCTION);\n',
    'const luaB_cocreate = function(L) {\n' +
      "    const lua51 = require('./lua.js');\n" +
      '    if (__num.lua51) luaL_argcheck(L, lua51.lua_isfunction(L, 1) && !lua51.lua_iscfunction(L, 1), 1, "Lua function expected");\n' +
      '    luaL_checktype(L, 1, LUA_TFUNCTION);\n',
  ),
]
