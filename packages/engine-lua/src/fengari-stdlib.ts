import type { SourcePatch } from './fengari-loader.js'

/**
 * Fixes of fengari's standard library where it differs from C Lua 5.3 (not guards: they
 * change what scripts compute, not what they may do). Applied after the guards. Where Lua
 * 5.1 words a message differently, the patch asks the number runtime (`__num.lua51`).
 */
export const STDLIB_PATCHES: readonly SourcePatch[] = [
  {
    file: 'ldo.js',
    why: 'wording: more than LUAI_MAXCCALLS (200) nested host calls is "C stack overflow" in Lua 5.3, as scripts match it',
    find: '        ldebug.luaG_runerror(L, to_luastring("JS stack overflow", true));',
    replace: '        ldebug.luaG_runerror(L, to_luastring("C stack overflow", true));',
  },
  {
    file: 'ldo.js',
    why:
      'a coroutine resumed 200 levels deep fails with "C stack overflow" (fengari: "JS stack overflow"); Lua 5.1 checks ' +
      "the resumer's count before adding the resume's level (5.3 after), so a chain of resumes goes one level deeper there",
    find: '    if (L.nCcalls >= LUAI_MAXCCALLS)\n        return resume_error(L, "JS stack overflow", nargs);',
    replace: '    if (L.nCcalls >= LUAI_MAXCCALLS + (__num.lua51 ? 1 : 0))\n        return resume_error(L, "C stack overflow", nargs);',
  },
  {
    file: 'ldo.js',
    why:
      'wording: a coroutine yielding inside a host function that cannot continue (a table.sort comparator, a gsub ' +
      'callback, tostring) is refused "across a C-call boundary" in Lua 5.3, "across metamethod/C-call boundary" in 5.1',
    find: '            ldebug.luaG_runerror(L, to_luastring("attempt to yield across a JS-call boundary", true));',
    replace:
      '            ldebug.luaG_runerror(L, to_luastring(__num.lua51 ? "attempt to yield across metamethod/C-call boundary"\n' +
      '                : "attempt to yield across a C-call boundary", true));',
  },
  {
    file: 'ldebug.js',
    why: 'wording: tracebacks and messages name a host function\'s frame "[C]" in Lua 5.3 ("[C]: in function \'pcall\'")',
    find: '        ar.source = to_luastring("=[JS]", true);',
    replace: '        ar.source = to_luastring("=[C]", true);',
  },
  {
    file: 'lparser.js',
    why: 'wording: the parser\'s nesting limit is named "C levels" in Lua 5.3',
    find: '    checklimit(ls.fs, L.nCcalls, LUAI_MAXCCALLS, to_luastring("JS levels", true));',
    replace: '    checklimit(ls.fs, L.nCcalls, LUAI_MAXCCALLS, to_luastring("C levels", true));',
  },
  {
    file: 'lstrlib.js',
    why: "string.format: an option cut off by the end of the format reads C's terminating NUL ('%<\\0>' in 5.3; 5.1 prints the byte raw, so the NUL ends it); fengari printed a JS undefined",
    find: "                    return luaL_error(L, to_luastring(\"invalid option '%%%c' to 'format'\"), strfrmt[i-1]);",
    replace:
      '                    let c = i - 1 < strfrmt.length ? strfrmt[i-1] : 0;\n' +
      "                    if (__num.lua51) return luaL_error(L, to_luastring(\"invalid option '%%%s' to 'format'\"), Uint8Array.of(c));\n" +
      "                    return luaL_error(L, to_luastring(\"invalid option '%%%c' to 'format'\"), c);",
  },
  {
    file: 'lstrlib.js',
    why: 'string.format %s with modifiers: sprintf-js failed on the " " and "#" flags, zero-padded, and counted UTF-16 units of a decoded string (a non-UTF-8 one ran out of memory); glibc pads and cuts bytes',
    find: '                            luaL_addstring(b, to_luastring(sprintf(String.fromCharCode(...form), to_jsstring(s))));',
    replace: '                            luaL_addstring(b, __num.printf.text(String.fromCharCode(...form), s));',
  },
  {
    file: 'lstrlib.js',
    why: 'string.char: the argument number was missing (an internal error instead of the argument error); 5.1 words it "invalid value"',
    find: '        luaL_argcheck(L, c >= 0 && c <= 255, "value out of range"); // Strings are 8-bit clean',
    replace: '        luaL_argcheck(L, c >= 0 && c <= 255, i, __num.lua51 ? "invalid value" : "value out of range");',
  },
  {
    file: 'lstrlib.js',
    why: "wording: the '%b' message lacked its closing parenthesis",
    find: '"malformed pattern (missing arguments to \'%%b\'"',
    replace: '"malformed pattern (missing arguments to \'%%b\')"',
  },
  {
    file: 'lstrlib.js',
    why:
      "patterns: a back-reference to a position capture ('()%1') never matches: C compares the capture's length as a size_t, " +
      'and CAP_POSITION (-2) is huge; fengari matched it with length -2, moving back 2 bytes (gmatch never ended, "(()(%2" ' +
      "reported 'unfinished capture')",
    find: '    if ((ms.src_end-s) >= len && array_cmp(ms.src, ms.capture[l].init, ms.src, s, len))',
    replace: '    if (len >= 0 && (ms.src_end-s) >= len && array_cmp(ms.src, ms.capture[l].init, ms.src, s, len))',
  },
  {
    file: 'lstrlib.js',
    why:
      "patterns: a greedy item ('*', '+') whose rest matched ending at index 0 was taken as a failure: fengari tested " +
      "the end index for truth where C tests the pointer for NULL (string.find('ab', 'a*%f[a]') was nil, not 1 0; " +
      "string.find('Z)', '(.*)%1') was 2 1, not 1 0)",
    find: '        if (res) return res;',
    replace: '        if (res !== null) return res;',
  },
  ...(
    [
      ['string.pack', '    luaL_buffinit(L, b);\n'],
      ['string.packsize', '    let totalsize = 0;  /* accumulate total size of result */\n'],
      ['string.unpack', '    luaL_argcheck(L, pos <= ld && pos >= 0, 3, "initial position out of string");\n'],
    ] as const
  ).map(
    ([name, before]): SourcePatch => ({
      file: 'lstrlib.js',
      why: `${name}: the format is a C string in Lua 5.3, read up to its first NUL (string.pack("i\\0x") packs one "i"); fengari read on and refused the NUL as "invalid format option"`,
      find: `${before}    while (fmt.off < fmt.s.length) {\n`,
      replace: `${before}    while (fmt.off < fmt.s.length && fmt.s[fmt.off] !== 0) {\n`,
    }),
  ),
  {
    file: 'ltable.js',
    why:
      "next(t, 0/0): C Lua looks the NaN key up and finds no node, 'invalid key to 'next'' (5.3 and 5.1); fengari hashed " +
      "it as for a write, 'table index is NaN'",
    find: '        /* First find current key */\n        let hash = table_hash(L, keyO);',
    replace:
      '        /* First find current key */\n' +
      '        if (keyO.type === LUA_TNUMFLT && isNaN(keyO.value))\n' +
      '            return ldebug.luaG_runerror(L, to_luastring("invalid key to \'next\'"));\n' +
      '        let hash = table_hash(L, keyO);',
  },
  {
    file: 'lstrlib.js',
    why: 'wording: "string contains zeros" (fengari: "strings") in pack\'s "z"',
    find: '"strings contains zeros"',
    replace: '"string contains zeros"',
  },
  {
    file: 'lstrlib.js',
    why: "string.unpack 'z' without a terminator: C's strlen stops at the end of the data (fengari measured the length from the start, not from the position)",
    find: '                if (e === -1) e = data.length - pos;',
    replace: '                if (e === -1) e = data.length;',
  },
  {
    file: 'lstrlib.js',
    why: "string.unpack 's': a length of 2^63 or more wraps C's size_t bound check and then fails to allocate; fengari returned an empty string",
    find: '                luaL_argcheck(L, pos + len + size <= ld, 2, "data string too short");',
    replace:
      '                if (len < 0 && pos + len + size >= 0) {\n' +
      '                    lua_pushliteral(L, "memory allocation error: block too big");\n' +
      "                    require('./lua.js').lua_error(L);\n" +
      '                }\n' +
      '                luaL_argcheck(L, len >= 0 && pos + len + size <= ld, 2, "data string too short");',
  },
  {
    file: 'ltablib.js',
    why: "table.concat's 'invalid value' error: C passes the lua_Integer index to lua_pushfstring's %d, which reads an int (the low 32 bits: index 2^31 prints as -2147483648)",
    find: '            luaL_typename(L, -1), i);',
    replace: '            luaL_typename(L, -1), i | 0);',
  },
  {
    file: 'lmathlib.js',
    why: "math.fmod checks argument #2 first: C evaluates fmod(luaL_checknumber(L, 1), luaL_checknumber(L, 2))'s arguments right to left; the float result is C's fmod, NaN signs included",
    find: '        let a = luaL_checknumber(L, 1);\n        let b = luaL_checknumber(L, 2);\n        lua_pushnumber(L, a%b);',
    replace:
      '        let b = luaL_checknumber(L, 2);\n        let a = luaL_checknumber(L, 1);\n        lua_pushnumber(L, __num.fmod(a, b));',
  },
  {
    file: 'lvm.js',
    why:
      'an __index chain: Lua 5.3 reads the first table before its MAXTAGLOOP (2000) steps and the next one at the end ' +
      'of each, so 2001 tables (fengari refused the 2001st); Lua 5.1 reads 100, its MAXTAGLOOP (fengari: 2000)',
    find: 'const luaV_gettable = function(L, t, key, ra) {\n    for (let loop = 0; loop < MAXTAGLOOP; loop++) {\n        let tm;\n',
    replace:
      'const luaV_gettable = function(L, t, key, ra) {\n' +
      '    for (let loop = 0, end = __num.lua51 ? 100 : MAXTAGLOOP + 1; loop < end; loop++) {\n' +
      '        let tm;\n' +
      '        if (loop === MAXTAGLOOP) {  /* 5.3 luaV_fastget after the last step: a present key only */\n' +
      '            let slot = t.ttistable() ? ltable.luaH_get(L, t.value, key) : null;\n' +
      '            if (slot === null || slot.ttisnil()) break;\n' +
      '            lobject.setobj2s(L, ra, slot);\n' +
      '            return;\n' +
      '        }\n',
  },
  {
    file: 'lvm.js',
    why:
      'a __newindex chain: as for __index, Lua 5.3 writes to a 2001st table that has the key (luaV_fastset after the ' +
      'last step), and to a 2000th that has not; Lua 5.1 reaches 100 tables (fengari: 2000)',
    find: 'const settable = function(L, t, key, val) {\n    for (let loop = 0; loop < MAXTAGLOOP; loop++) {\n        let tm;\n',
    replace:
      'const settable = function(L, t, key, val) {\n' +
      '    for (let loop = 0, end = __num.lua51 ? 100 : MAXTAGLOOP + 1; loop < end; loop++) {\n' +
      '        let tm;\n' +
      '        if (loop === MAXTAGLOOP) {  /* 5.3 luaV_fastset after the last step: a present key only */\n' +
      '            let slot = t.ttistable() ? ltable.luaH_get(L, t.value, key) : null;\n' +
      '            if (slot === null || slot.ttisnil()) break;\n' +
      '            ltable.luaH_setfrom(L, t.value, key, val);\n' +
      '            ltable.invalidateTMcache(t.value);\n' +
      '            return;\n' +
      '        }\n',
  },
  {
    file: 'lparser.js',
    why: 'wording: the parser\'s nesting limit is named "C levels" in Lua 5.3',
    find: '        checklimit(ls.fs, nvars + ls.L.nCcalls, LUAI_MAXCCALLS, to_luastring("JS levels", true));',
    replace: '        checklimit(ls.fs, nvars + ls.L.nCcalls, LUAI_MAXCCALLS, to_luastring("C levels", true));',
  },
  {
    file: 'ltablib.js',
    why:
      "table.unpack takes the length (luaL_len: __len, or 'attempt to get length' of a non-table) only when j is absent, " +
      "as C's luaL_opt does: unpack(nil, 2, 1) is empty and a given j is checked before any length",
    find: '    let e = luaL_opt(L, luaL_checkinteger, 3, luaL_len(L, 1));\n',
    replace: '    let e = lua_isnoneornil(L, 3) ? luaL_len(L, 1) : luaL_checkinteger(L, 3);\n',
  },
  {
    file: 'ltablib.js',
    why: "table.sort: Lua 5.3 refuses INT_MAX elements or more ('array too big': its indices are C unsigned ints); fengari's bound was LUA_MAXINTEGER",
    find: '        luaL_argcheck(L, n < LUA_MAXINTEGER, 1, "array too big");',
    replace: '        luaL_argcheck(L, n < 2147483647, 1, "array too big");',
  },
  {
    file: 'lobject.js',
    why:
      "chunk ids: the source is a C string to luaO_chunkid (strlen), so it ends at a NUL: load('return 1\\0 +') fails in " +
      '[string "return 1"], where the NUL cut the whole id in the message (`[string "return 1:1:`)',
    find: '    let l = source.length;\n    let out;\n    if (source[0] === 61',
    replace:
      '    let nul = source.indexOf(0);\n    if (nul >= 0) source = source.subarray(0, nul);\n    let l = source.length;\n    let out;\n    if (source[0] === 61',
  },
]
