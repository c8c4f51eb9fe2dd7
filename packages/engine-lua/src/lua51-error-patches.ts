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
    "5.1 wording: syntax errors quote every token ('<eof>', '<name>'), a control character as 'char(n)'",
    'const luaX_token2str = function(ls, token) {\n',
    'const luaX_token2str = function(ls, token) {\n' +
      '    if (__num.lua51) {\n' +
      '        if (token < FIRST_RESERVED)\n' +
      '            return lobject.luaO_pushfstring(ls.L, to_luastring(token < 32 || token === 127 ? "\'char(%d)\'" : "\'%c\'", true), token);\n' +
      '        return lobject.luaO_pushfstring(ls.L, to_luastring("\'%s\'", true), luaX_tokens[token - FIRST_RESERVED]);\n' +
      '    }\n',
  ),
]
