import { patch as p, type SourcePatch } from './fengari-loader.js'

/**
 * Lua 5.1 reads a pattern as a C string, for `numbers: 'lua51'` (5.3 takes its full length).
 * lua-5.1.5's lstrlib.c: `str_find_aux` looks for specials with `strpbrk`, which stops at
 * the first NUL, and without specials searches for the whole pattern with `lmemfind` and its
 * full length; `match` and `classEnd` stop at the first NUL (`case '\0': return s`, "missing
 * ']'"), in find, match, gmatch/gfind and gsub. The replacement string of gsub keeps its full
 * length in both versions (`add_s` reads `lua_tolstring`'s length), as fengari already does.
 */
export const LUA51_PATTERN_PATCHES: readonly SourcePatch[] = [
  p(
    'lstrlib.js',
    "5.1: a pattern ends at its first NUL for the matcher (find with specials, match, gmatch, gsub): '[\\0-a]' is missing its ']'",
    '    ms.p = p;\n    ms.p_end = lp;\n',
    '    ms.p = p;\n    ms.p_end = __num.lua51 ? strlen(p) : lp;\n',
  ),
  p(
    'lstrlib.js',
    "5.1: string.find looks for specials up to the pattern's first NUL (strpbrk) and then searches for the whole pattern",
    '    if (find && (lua_toboolean(L, 4) || nospecials(p, lp))) {',
    '    if (find && (lua_toboolean(L, 4) || nospecials(p, __num.lua51 ? strlen(p) : lp))) {',
  ),
]
