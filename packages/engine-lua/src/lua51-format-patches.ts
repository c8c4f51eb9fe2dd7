import { patch as p, type SourcePatch } from './fengari-loader.js'

/**
 * Lua 5.1's `string.format` for `numbers: 'lua51'`: 5.1 hands `%s` and `%q` only strings and
 * numbers (luaL_checklstring), passes `%s` to sprintf (which stops at a NUL), quotes with its
 * own escapes, and has no `%a`. Behind `__num.lua51`; the flags count is C's in both modes.
 */
export const LUA51_FORMAT_PATCHES: readonly SourcePatch[] = [
  p(
    'lstrlib.js',
    "string.format: up to five flags are allowed (C compares with sizeof(FLAGS), which counts the NUL; '%-+ #0d' is valid in 5.1 and 5.3)",
    '    if (p - i >= FLAGS.length)\n',
    '    if (p - i > FLAGS.length)\n',
  ),
  p(
    'lstrlib.js',
    "5.1: %q quotes with 5.1's escapes, and %s takes a string or number cut at a NUL as sprintf does",
    'const addquoted = function(b, s, len) {\n',
    [
      '/* 5.1 addquoted: a number is quoted as its %.14g string; \\000 for NUL, \\r for CR, a newline',
      '   after a backslash, every other byte raw */',
      'const addquoted51 = function(L, b, arg) {',
      '    let s = luaL_checkstring(L, arg);',
      '    luaL_addchar(b, 34);',
      '    for (let i = 0; i < s.length; i++) {',
      '        let c = s[i];',
      '        if (c === 34 || c === 92 || c === 10) { luaL_addchar(b, 92); luaL_addchar(b, c); }',
      '        else if (c === 13) luaL_addstring(b, to_luastring("\\\\r"));',
      '        else if (c === 0) luaL_addstring(b, to_luastring("\\\\000"));',
      '        else luaL_addchar(b, c);',
      '    }',
      '    luaL_addchar(b, 34);',
      '};',
      '/* 5.1 %s: pushes the argument (a string or number) as sprintf sees it: cut at a NUL unless',
      '   5.1 keeps it whole (no precision and 100 bytes or more) */',
      'const fmtstring51 = function(L, arg, form) {',
      '    let s = luaL_checkstring(L, arg);',
      '    let z = luastring_indexOf(s, 0);',
      '    if (z >= 0 && (s.length < 100 || luastring_indexOf(form, 46) >= 0)) s = s.subarray(0, z);',
      '    lua_pushlstring(L, s, s.length);',
      '    return s;',
      '};',
      '',
      'const addquoted = function(b, s, len) {',
      '',
    ].join('\n'),
  ),
  p(
    'lstrlib.js',
    '5.1: %q through addquoted51',
    "                case 'q': {\n                    addliteral(L, b, arg);",
    "                case 'q': {\n                    if (__num.lua51) addquoted51(L, b, arg);\n                    else addliteral(L, b, arg);",
  ),
  p(
    'lstrlib.js',
    '5.1: %s through fmtstring51 (booleans and nil are "string expected")',
    "                case 's': {\n                    let s = luaL_tolstring(L, arg);",
    "                case 's': {\n                    let s = __num.lua51 ? fmtstring51(L, arg, form) : luaL_tolstring(L, arg);",
  ),
  p(
    'lstrlib.js',
    '5.1: %s with modifiers keeps a string of 100 bytes or more whole, NULs included',
    '                        luaL_argcheck(L, s.length === strlen(s), arg, "string contains zeros");',
    '                        luaL_argcheck(L, __num.lua51 || s.length === strlen(s), arg, "string contains zeros");',
  ),
  p(
    'lstrlib.js',
    "5.1: %a is not an option (\"invalid option '%a' to 'format'\")",
    "                case 'a': case 'A': {\n",
    "                case 'a': case 'A': {\n" +
      "                    if (__num.lua51) return luaL_error(L, to_luastring(\"invalid option '%%%c' to 'format'\"), strfrmt[i-1]);\n",
  ),
]
