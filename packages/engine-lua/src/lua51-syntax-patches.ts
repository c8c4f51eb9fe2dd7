import { patch as p, type SourcePatch } from './fengari-loader.js'
import { READ_LONG_STRING_51, READ_NUMERAL_51, READ_STRING_51 } from './lua51-lexer-source.js'

/** The environment's name in 5.1 mode: not a Lua name, so no 5.1 source can name (or assign) it. */
export const LUA51_ENV_NAME = '(ENV)'

/**
 * Lua 5.1's syntax, for `numbers: 'lua51'` (llex.c and lparser.c of 5.1): no `//`, `<<`, `>>`,
 * `::`, bitwise `& | ~`, `goto` (a plain name), empty statements or string escapes beyond 5.1's;
 * numerals read by strtod; `break` ends its block and needs a loop at once; a call's `(` on a
 * new line is ambiguous; `_ENV` is an ordinary name. Each change is behind `__num.lua51`; test/lua51-syntax.test.ts.
 */
export const LUA51_SYNTAX_PATCHES: readonly SourcePatch[] = [
  p(
    'llex.js',
    "5.1 syntax: '_ENV' is an ordinary name; the environment's own name (the chunk's first upvalue, ldebug's 'global' test) is one no source can write",
    'const LUA_ENV = to_luastring("_ENV", true);',
    `const LUA_ENV = to_luastring(__num.lua51 ? ${JSON.stringify(LUA51_ENV_NAME)} : "_ENV", true);`,
  ),
  p(
    'llex.js',
    '5.1 syntax: numerals',
    'const read_numeral = function(ls, seminfo) {\n',
    `${READ_NUMERAL_51}const read_numeral = function(ls, seminfo) {\n    if (__num.lua51) return read_numeral51(ls, seminfo);\n`,
  ),
  p(
    'llex.js',
    '5.1 syntax: short strings and their escapes',
    'const read_string = function(ls, del, seminfo) {\n',
    `${READ_STRING_51}const read_string = function(ls, del, seminfo) {\n    if (__num.lua51) return read_string51(ls, del, seminfo);\n`,
  ),
  p(
    'llex.js',
    '5.1 syntax: long strings and comments',
    'const read_long_string = function(ls, seminfo, sep) {\n',
    `${READ_LONG_STRING_51}const read_long_string = function(ls, seminfo, sep) {\n    if (__num.lua51) return read_long_string51(ls, seminfo, sep);\n`,
  ),
  p(
    'llex.js',
    "5.1 syntax: after a '.', check_next(ls, \".\") is strchr, which also finds the NUL ending \".\": '.' and a NUL make '..' (and '...')",
    "                if (check_next1(ls, 46 /* ('.').charCodeAt(0) */)) {\n                    if (check_next1(ls, 46 /* ('.').charCodeAt(0) */))\n",
    '                if (check_next1(ls, 46) || (__num.lua51 && check_next1(ls, 0))) {\n                    if (check_next1(ls, 46) || (__num.lua51 && check_next1(ls, 0)))\n',
  ),
  p(
    'llex.js',
    "5.1 syntax: no '<<'",
    "                else if (check_next1(ls, 60 /* ('<').charCodeAt(0) */)) return TK_SHL;",
    '                else if (!__num.lua51 && check_next1(ls, 60)) return TK_SHL;',
  ),
  p(
    'llex.js',
    "5.1 syntax: no '>>'",
    "                else if (check_next1(ls, 62 /* ('>').charCodeAt(0) */)) return TK_SHR;",
    '                else if (!__num.lua51 && check_next1(ls, 62)) return TK_SHR;',
  ),
  p(
    'llex.js',
    "5.1 syntax: no '//'",
    "                if (check_next1(ls, 47 /* ('/').charCodeAt(0) */)) return TK_IDIV;",
    '                if (!__num.lua51 && check_next1(ls, 47)) return TK_IDIV;',
  ),
  p(
    'llex.js',
    "5.1 syntax: no '::'",
    "                if (check_next1(ls, 58 /* (':').charCodeAt(0) */)) return TK_DBCOLON;",
    '                if (!__num.lua51 && check_next1(ls, 58)) return TK_DBCOLON;',
  ),
  p(
    'llex.js',
    "5.1 syntax: 'goto' is a name",
    '                    if (kidx !== void 0 && kidx <= 22)  /* reserved word? */',
    '                    if (kidx !== void 0 && kidx <= 22 && !(__num.lua51 && kidx + FIRST_RESERVED === TK_GOTO))  /* reserved word? */',
  ),
  p(
    'lparser.js',
    "5.1 syntax: no unary '~'",
    "        case 126 /* ('~').charCodeAt(0) */: return OPR_BNOT;",
    '        case 126: return __num.lua51 ? OPR_NOUNOPR : OPR_BNOT;',
  ),
  p(
    'lparser.js',
    "5.1 syntax: no binary '&', '|', '~'",
    "        case 38 /* ('&').charCodeAt(0) */: return OPR_BAND;\n        case 124 /* ('|').charCodeAt(0) */: return OPR_BOR;\n        case 126 /* ('~').charCodeAt(0) */: return OPR_BXOR;",
    '        case 38: return __num.lua51 ? OPR_NOBINOPR : OPR_BAND;\n        case 124: return __num.lua51 ? OPR_NOBINOPR : OPR_BOR;\n        case 126: return __num.lua51 ? OPR_NOBINOPR : OPR_BXOR;',
  ),
  p(
    'lparser.js',
    "5.1 syntax: no empty statement (';' only ends a statement)",
    "        case 59 /* (';').charCodeAt(0) */: {  /* stat -> ';' (empty statement) */\n            llex.luaX_next(ls);  /* skip ';' */\n            break;\n        }",
    "        case 59 /* (';').charCodeAt(0) */: {  /* stat -> ';' (empty statement) */\n            if (__num.lua51) { exprstat(ls); break; }\n            llex.luaX_next(ls);  /* skip ';' */\n            break;\n        }",
  ),
  p(
    'lparser.js',
    "5.1 syntax: a statement may end with one ';', and 'break' (as 'return') is the last statement of its block",
    '    while (!block_follow(ls, 1)) {\n        if (ls.t.token === R.TK_RETURN) {',
    '    while (!block_follow(ls, 1)) {\n' +
      '        if (__num.lua51 && ls.t.token !== R.TK_RETURN) {\n' +
      '            let last = ls.t.token === R.TK_BREAK;\n' +
      '            statement(ls);\n' +
      '            testnext(ls, 59);\n' +
      '            if (last) return;\n' +
      '            continue;\n' +
      '        }\n' +
      '        if (ls.t.token === R.TK_RETURN) {',
  ),
  p(
    'lparser.js',
    "5.1 syntax: 'if c then break' is an ordinary block",
    '    if (ls.t.token === R.TK_GOTO || ls.t.token === R.TK_BREAK) {',
    '    if (!__num.lua51 && (ls.t.token === R.TK_GOTO || ls.t.token === R.TK_BREAK)) {',
  ),
  p(
    'lparser.js',
    "5.1 syntax: 'break' outside a loop is an error where it stands",
    '        llex.luaX_next(ls);  /* skip break */\n',
    '        llex.luaX_next(ls);  /* skip break */\n' +
      '        if (__num.lua51) {\n' +
      '            let bl = ls.fs.bl;\n' +
      '            while (bl && !bl.isloop) bl = bl.previous;\n' +
      '            if (!bl) llex.luaX_syntaxerror(ls, to_luastring("no loop to break", true));\n' +
      '        }\n',
  ),
  p(
    'llex.js',
    '5.1 wording: the lexer error without a token is visible to the parser',
    'module.exports.luaX_syntaxerror = luaX_syntaxerror;\n',
    'module.exports.luaX_syntaxerror = luaX_syntaxerror;\nmodule.exports.luaX_lexerror = lexerror;\n',
  ),
  p(
    'lparser.js',
    "5.1 wording: a limit is 'main function has more than 200 local variables' (no token), the nesting limit 'chunk has too many syntax levels'",
    'const errorlimit = function(fs, limit, what) {\n    let L = fs.ls.L;\n    let line = fs.f.linedefined;\n',
    'const errorlimit = function(fs, limit, what) {\n    let L = fs.ls.L;\n    let line = fs.f.linedefined;\n' +
      '    if (__num.lua51) {\n' +
      '        let msg = String.fromCharCode(...what) === "C levels" ? to_luastring("chunk has too many syntax levels", true)\n' +
      '            : line === 0 ? lobject.luaO_pushfstring(L, to_luastring("main function has more than %d %s", true), limit, what)\n' +
      '            : lobject.luaO_pushfstring(L, to_luastring("function at line %d has more than %d %s", true), line, limit, what);\n' +
      '        llex.luaX_lexerror(fs.ls, msg, 0);\n' +
      '    }\n',
  ),
  p(
    'lparser.js',
    '5.1 syntax: at most 60 upvalues (LUAI_MAXUPVALUES)',
    '    checklimit(fs, fs.nups + 1, lfunc.MAXUPVAL, to_luastring("upvalues", true));',
    '    checklimit(fs, fs.nups + 1, __num.lua51 ? 60 : lfunc.MAXUPVAL, to_luastring("upvalues", true));',
  ),
  p(
    'lparser.js',
    "5.1 wording: a multiple assignment's limit is its own ('variables in assignment')",
    '        checklimit(ls.fs, nvars + ls.L.nCcalls, LUAI_MAXCCALLS, to_luastring("C levels", true));',
    '        if (__num.lua51) checklimit(ls.fs, nvars, LUAI_MAXCCALLS - ls.L.nCcalls, to_luastring("variables in assignment", true));\n        else checklimit(ls.fs, nvars + ls.L.nCcalls, LUAI_MAXCCALLS, to_luastring("C levels", true));',
  ),
  p(
    'lobject.js',
    "5.1 wording: chunk ids as 5.1's luaO_chunkid makes them in a buffer of bufflen + 1 bytes (fengari passes LUA_IDSIZE - 1): " +
      '[string "source"] up to the first line break, cut with "..." to fit; "@name" cut to "..." and its end; "=name" cut; each source a C string (it ends at a NUL)',
    'const luaO_chunkid = function(source, bufflen) {\n',
    'const luaO_chunkid = function(source, bufflen) {\n' +
      '    if (__num.lua51) {\n' +
      '        let end = source.indexOf(0);\n' +
      '        if (end < 0) end = source.length;\n' +
      '        let size = bufflen + 1;\n' +
      '        if (source[0] === 61) return source.slice(1, Math.min(end, size));\n' +
      '        if (source[0] === 64) {\n' +
      '            let room = size - 8;  /* sizeof(" \'...\' ") */\n' +
      '            if (end - 1 <= room) return source.slice(1, end);\n' +
      '            let out = new Uint8Array(RETS.length + room);\n' +
      '            out.set(RETS);\n' +
      '            out.set(source.subarray(end - room, end), RETS.length);\n' +
      '            return out;\n' +
      '        }\n' +
      '        let len = 0;\n' +
      '        while (len < end && source[len] !== 10 && source[len] !== 13) len++;\n' +
      '        let room = size - 17;  /* sizeof(" [string \\"...\\"] ") */\n' +
      '        if (len > room) len = room;\n' +
      '        let more = len < end;\n' +
      '        let out = new Uint8Array(PRE.length + len + (more ? RETS.length : 0) + POS.length);\n' +
      '        out.set(PRE);\n' +
      '        out.set(source.subarray(0, len), PRE.length);\n' +
      '        if (more) out.set(RETS, PRE.length + len);\n' +
      '        out.set(POS, out.length - POS.length);\n' +
      '        return out;\n' +
      '    }\n',
  ),
  p(
    'llex.js',
    "5.1 wording: a compile error's chunk id is made in the lexer's own buffer (MAXSRC, 80 bytes), not LUA_IDSIZE",
    '    msg = ldebug.luaG_addinfo(ls.L, msg, ls.source, ls.linenumber);\n',
    '    msg = __num.lua51 && ls.source\n' +
      '        ? lobject.luaO_pushfstring(ls.L, to_luastring("%s:%d: %s", true), lobject.luaO_chunkid(ls.source.getstr(), 80 - 1), ls.linenumber, msg)\n' +
      '        : ldebug.luaG_addinfo(ls.L, msg, ls.source, ls.linenumber);\n',
  ),
  p(
    'lparser.js',
    "5.1 syntax: a call's '(' on a later line than the function is ambiguous",
    "        case 40 /* ('(').charCodeAt(0) */: {  /* funcargs -> '(' [ explist ] ')' */\n            llex.luaX_next(ls);",
    "        case 40 /* ('(').charCodeAt(0) */: {  /* funcargs -> '(' [ explist ] ')' */\n" +
      '            if (__num.lua51 && ls.linenumber !== ls.lastline)\n' +
      '                llex.luaX_syntaxerror(ls, to_luastring("ambiguous syntax (function call x new statement)", true));\n' +
      '            llex.luaX_next(ls);',
  ),
  p(
    'lparser.js',
    "5.1: a call is charged to the line where its arguments start ('(', '{' or the string), not where the called expression starts (test/call-lines.test.ts)",
    'const funcargs = function(ls, f, line) {\n    let fs = ls.fs;\n',
    'const funcargs = function(ls, f, line) {\n    let fs = ls.fs;\n    if (__num.lua51) line = ls.linenumber;\n',
  ),
  p(
    'lcode.js',
    "5.1: a unary operator's instruction keeps the line of its operand's last token (lcode.c 5.1 codearith fixes no line; 5.3 takes the operator's)",
    '    e.k = lparser.expkind.VRELOCABLE;  /* all those operations are relocatable */\n    luaK_fixline(fs, line);\n',
    '    e.k = lparser.expkind.VRELOCABLE;  /* all those operations are relocatable */\n    if (!__num.lua51) luaK_fixline(fs, line);\n',
  ),
  p(
    'lcode.js',
    "5.1: an arithmetic or concatenation instruction keeps the line of its second operand's last token, not the operator's",
    '    e1.k = lparser.expkind.VRELOCABLE;  /* all those operations are relocatable */\n    luaK_fixline(fs, line);\n',
    '    e1.k = lparser.expkind.VRELOCABLE;  /* all those operations are relocatable */\n    if (!__num.lua51) luaK_fixline(fs, line);\n',
  ),
  p(
    'lcode.js',
    "5.1: a function's registers are at most 250 (MAXSTACK), and more is 'function or expression too complex'",
    '        if (newstack >= MAXREGS)\n            llex.luaX_syntaxerror(fs.ls, to_luastring("function or expression needs too many registers", true));',
    '        if (newstack >= (__num.lua51 ? 250 : MAXREGS))\n' +
      '            llex.luaX_syntaxerror(fs.ls, to_luastring(__num.lua51 ? "function or expression too complex"\n' +
      '                : "function or expression needs too many registers", true));',
  ),
]
