import type { SourcePatch } from './fengari-loader.js'
import { TOUCHED_FROM } from './guard-runtime.js'

/**
 * Changes to fengari 0.1.5 that bound the builtins whose work grows with their input
 * (string building, numerals, utf8 scans, pack formats). Part of FENGARI_PATCHES; each
 * calls the guard runtime (`__polyhost`, see guard-runtime.ts) and has a test in
 * test/builtin-limits.test.ts.
 */
export const FENGARI_BUILTIN_PATCHES: readonly SourcePatch[] = [
  {
    file: 'llex.js',
    why: 'compiling: a single token (a 10 MB numeral, string or comment) is read one character at a time without a step; each character is one',
    find: 'const next = function(ls) {\n    ls.current = ls.z.zgetc();',
    replace: 'const next = function(ls) {\n    __polyhost.step(ls.L);\n    ls.current = ls.z.zgetc();',
  },
  {
    file: 'llex.js',
    why: 'load(reader): a token streamed from a reader that never ends grows the lexer buffer without any accounting; the new buffer is charged before it is allocated',
    find: '        let newsize = b.buffer.length*2;\n        luaZ_resizebuffer(ls.L, b, newsize);',
    replace:
      '        let newsize = b.buffer.length*2;\n        __polyhost.alloc(ls.L, newsize);\n        luaZ_resizebuffer(ls.L, b, newsize);',
  },
  {
    file: 'lstring.js',
    why: "first touch: a builtin's result is copied out of its buffer into the string's own bytes (luaS_new), a second large allocation nothing asked about: string.rep('x', 2^24) touched 32 MiB where only the buffer's 16 were checked, and held a 200 ms limit 0.45-0.55 s; a copy of 4 MiB or more is checked as an allocation is",
    find: 'const luaS_new = function(L, str) {\n',
    replace: `const luaS_new = function(L, str) {\n    if (str.length >= ${TOUCHED_FROM}) __polyhost.copying(L, str.length);\n`,
  },
  {
    file: 'sprintf-js',
    why: 'string.format: sprintf-js caches the parse of every format spec it sees, process-wide (621,600 specs kept ~233 MB after host.close())',
    find: '        if (sprintf_cache[fmt]) {\n            return sprintf_cache[fmt]\n        }\n',
    replace: '',
  },
  {
    file: 'sprintf-js',
    why: 'string.format: see above (nothing is stored)',
    find: '        return sprintf_cache[fmt] = parse_tree',
    replace: '        return parse_tree',
  },
  {
    file: 'lauxlib.js',
    why: 'builtins: every luaL_Buffer addition is a step (os.date, string.format/%q, gsub replacements, concat, utf8.char, pack ran seconds without a deadline check)',
    find: 'const luaL_prepbuffsize = function(B, sz) {\n',
    replace: 'const luaL_prepbuffsize = function(B, sz) {\n    __polyhost.step(B.L);\n',
  },
  {
    file: 'lstrlib.js',
    why: 'string.rep: one JS call per copy (6e7 copies ran 1.25 s); copies now double natively, after the memory check of luaL_buffinitsize',
    find: "        let pi = 0;\n        while (n-- > 1) {  /* first n-1 copies (followed by separator) */\n            p.set(s, pi);\n            pi += l;\n            if (lsep > 0) {  /* empty 'memcpy' is not that cheap */\n                p.set(sep, pi);\n                pi += lsep;\n            }\n        }\n        p.set(s, pi);  /* last copy (not followed by separator) */",
    replace: '        __polyhost.repeat(p, s, sep, totallen);',
  },
  {
    file: 'lobject.js',
    why: 'numerals: fengari decodes the whole string one character at a time (a 14M-digit string: 3.1 s, +470 MB); a long one is scanned as bytes',
    find: 'const lua_str2number = function(s) {\n    try {',
    replace: 'const lua_str2number = function(s) {\n    if (s.length > 256) return __polyhost.str2number(s);\n    try {',
  },
  {
    file: 'lobject.js',
    why: "numerals: the scan for '.xXnN' called indexOf on an array per byte",
    find: '    let pmode = 0;\n    for (let i=0; i<l; i++) {\n        let v = s[i];\n        if (SIGILS.indexOf(v) !== -1) {\n            pmode = v;\n            break;\n        }\n    }',
    replace: '    let pmode = __polyhost.numeralMode(s);',
  },
  {
    file: 'lutf8lib.js',
    why: 'utf8.len decodes the whole string without hooks',
    find: '            return 2;\n        }\n        posi = dec.pos;\n        n++;\n',
    replace: '            return 2;\n        }\n        posi = dec.pos;\n        n++;\n        __polyhost.step(L);\n',
  },
  {
    file: 'lutf8lib.js',
    why: 'utf8.codepoint decodes up to a million characters per call without hooks',
    find: '        lua_pushinteger(L, dec.code);\n        posi = dec.pos;\n        n++;\n',
    replace: '        lua_pushinteger(L, dec.code);\n        posi = dec.pos;\n        n++;\n        __polyhost.step(L);\n',
  },
  // utf8.offset and the utf8.codes iterator: a step per byte scanned, not per character (a
  // "character" of 32M continuation bytes was one step: a loop of such calls ran 30-60 s of a 1 s limit)
  {
    file: 'lutf8lib.js',
    why: 'utf8.offset walks backwards character by character without hooks; a step per byte',
    find: '                do {  /* find beginning of previous character */\n                    posi--;\n                } while (posi > 0 && iscont(s[posi]));\n                n++;\n',
    replace:
      '                let from = posi;\n                do {  /* find beginning of previous character */\n                    posi--;\n                } while (posi > 0 && iscont(s[posi]));\n                n++;\n                __polyhost.eachStep(L, from - posi);\n',
  },
  {
    file: 'lutf8lib.js',
    why: 'utf8.offset walks forwards character by character without hooks; a step per byte',
    find: "                do {  /* find beginning of next character */\n                    posi++;\n                } while (iscont(s[posi]));  /* (cannot pass final '\\0') */\n                n--;\n",
    replace:
      "                let from = posi;\n                do {  /* find beginning of next character */\n                    posi++;\n                } while (iscont(s[posi]));  /* (cannot pass final '\\0') */\n                n--;\n                __polyhost.eachStep(L, posi - from);\n",
  },
  {
    file: 'lutf8lib.js',
    why: 'utf8.offset(s, 0, i) walks back over the continuation bytes at i without hooks; a step per byte',
    find: '        while (posi > 0 && iscont(s[posi])) posi--;\n',
    replace:
      '        let from = posi;\n        while (posi > 0 && iscont(s[posi])) posi--;\n        __polyhost.eachStep(L, from - posi);\n',
  },
  {
    file: 'lutf8lib.js',
    why: "the utf8.codes iterator skips the current character's continuation bytes without hooks (32M of them: 3.2 s a call); natively, a step per byte",
    find: '        while (iscont(s[n])) n++;  /* and its continuations */\n',
    replace: '        n = __polyhost.skipContinuation(L, s, n);  /* and its continuations */\n',
  },
  {
    file: 'lstrlib.js',
    why: 'string.pack/unpack/packsize: each format option is a step (a 60 MB format of paddings ran without hooks)',
    find: 'const getdetails = function(h, totalsize, fmt) {\n',
    replace: 'const getdetails = function(h, totalsize, fmt) {\n    __polyhost.step(h.L);\n',
  },
  {
    file: 'lstrlib.js',
    why: 'string.reverse: allocated its result unchecked and copied byte by byte (30 MB: 1.1 s); memory is checked first, the copy is native',
    find: 'const str_reverse = function(L) {\n    let s = luaL_checkstring(L, 1);\n    let l = s.length;\n    let r = new Uint8Array(l);\n    for (let i=0; i<l; i++)\n        r[i] = s[l-1-i];',
    replace:
      'const str_reverse = function(L) {\n    let s = luaL_checkstring(L, 1);\n    let l = s.length;\n    __polyhost.alloc(L, l);\n    let r = new Uint8Array(l);\n    r.set(s);\n    r.reverse();',
  },
  {
    file: 'lstrlib.js',
    why: 'string.lower: allocated its result unchecked and looped without hooks (30 MB: 1.1 s); memory first, a step per KiB',
    find: 'const str_lower = function(L) {\n    let s = luaL_checkstring(L, 1);\n    let l = s.length;\n    let r = new Uint8Array(l);\n    for (let i=0; i<l; i++) {\n',
    replace:
      'const str_lower = function(L) {\n    let s = luaL_checkstring(L, 1);\n    let l = s.length;\n    __polyhost.alloc(L, l);\n    let r = new Uint8Array(l);\n    for (let i=0; i<l; i++) {\n        if ((i & 1023) === 0) __polyhost.step(L);\n',
  },
  {
    file: 'lstrlib.js',
    why: 'string.upper: as string.lower',
    find: 'const str_upper = function(L) {\n    let s = luaL_checkstring(L, 1);\n    let l = s.length;\n    let r = new Uint8Array(l);\n    for (let i=0; i<l; i++) {\n',
    replace:
      'const str_upper = function(L) {\n    let s = luaL_checkstring(L, 1);\n    let l = s.length;\n    __polyhost.alloc(L, l);\n    let r = new Uint8Array(l);\n    for (let i=0; i<l; i++) {\n        if ((i & 1023) === 0) __polyhost.step(L);\n',
  },
  // Values moved n at a time: one instruction or call pushed up to 1e6 stack values (each a
  // new TValue) with no step at all; a loop of them ran for minutes between two hooks.
  {
    file: 'ldo.js',
    why: 'varargs: `...` (OP_VARARG) copies every extra argument in one instruction ({...} of 4e5 values: 0.9 s); a step per value beyond a frame, before the copy',
    find: 'const luaD_checkstack = function(L, n) {\n',
    replace: 'const luaD_checkstack = function(L, n) {\n    if (n > 255) __polyhost.eachStep(L, n);  /* frames are at most 255 slots */\n',
  },
  {
    file: 'ltablib.js',
    why: 'table.unpack: pushes up to 1e6 values (0.55 s a call, uncounted; with `__index = tostring` 3-20 µs each); a step per value',
    find: '    for (; i < e; i++)  /* push arg[i..e - 1] (to avoid overflows) */\n        lua_geti(L, 1, i);\n    lua_geti(L, 1, e);  /* push last element */\n',
    replace:
      '    for (; i < e; i++) {  /* push arg[i..e - 1] (to avoid overflows) */\n        __polyhost.step(L);\n        lua_geti(L, 1, i);\n    }\n    __polyhost.step(L);\n    lua_geti(L, 1, e);  /* push last element */\n',
  },
  {
    file: 'lstrlib.js',
    why: 'string.byte: pushes a value per byte of the slice (9e5: 0.33 s a call, uncounted); a step per value once the stack has room',
    find: '    luaL_checkstack(L, n, "string slice too long");\n',
    replace: '    luaL_checkstack(L, n, "string slice too long");\n    __polyhost.eachStep(L, n);\n',
  },
  {
    file: 'lvm.js',
    why:
      "time: `s < u` compared the two strings' whole table keys, built for the purpose (10 MB: a loop ran 1.7 s past " +
      'its deadline; one compare of 50 MB took seconds); now their bytes, up to the first difference, charged as heavy work',
    find:
      'const l_strcmp = function(ls, rs) {\n' +
      '    let l = luaS_hashlongstr(ls);\n' +
      '    let r = luaS_hashlongstr(rs);\n' +
      '    /* In fengari we assume string hash has same collation as byte values */\n' +
      '    if (l === r)\n' +
      '        return 0;\n' +
      '    else if (l < r)\n' +
      '        return -1;\n' +
      '    else\n' +
      '        return 1;\n' +
      '};',
    replace: 'const l_strcmp = function(ls, rs) {\n    return __polyhost.compareBytes(ls.realstring, rs.realstring);\n};',
  },
  {
    file: 'lstrlib.js',
    why: "string.format('%.3s', s) looked for a NUL in all of s one byte at a time in JS (30 MB: a loop ran 5.4 s past its deadline); natively now, charged as heavy work",
    find: '    let len = luastring_indexOf(s, 0);\n    return len > -1 ? len : s.length;',
    replace: '    __polyhost.scanned(s.length);\n    let len = s.indexOf(0);\n    return len > -1 ? len : s.length;',
  },
  {
    file: 'lstrlib.js',
    why: 'pattern matching: match() walks a run of single-character items in one call (a 1e6-character literal pattern with a "." in it: O(n·m) work, one step a subject position); each item is a step',
    find: '    while (gotoinit || gotodefault) {\n        gotoinit = false;\n',
    replace: '    while (gotoinit || gotodefault) {\n        __polyhost.step(ms.L);\n        gotoinit = false;\n',
  },
  {
    file: 'lstrlib.js',
    why: 'pattern matching: a set is scanned to its end for every subject character ([...] of 300 KB: 2.4 ms a character, 1,024 characters between two checks); a step per 64 bytes of set',
    find: 'const matchbracketclass = function(ms, c, p, ec) {\n',
    replace: 'const matchbracketclass = function(ms, c, p, ec) {\n    if (ec - p > 64) __polyhost.eachStep(ms.L, (ec - p) >> 6);\n',
  },
  {
    file: 'lstrlib.js',
    why: "pattern matching: finding a set's end scans it too; a step per 64 bytes of set",
    find: "            } while (ms.p[p] !== 93 /* ']'.charCodeAt(0) */);\n            return p + 1;",
    replace:
      "            } while (ms.p[p] !== 93 /* ']'.charCodeAt(0) */);\n            if (p - start > 64) __polyhost.eachStep(ms.L, (p - start) >> 6);\n            return p + 1;",
  },
  {
    file: 'lstrlib.js',
    why: 'pattern matching: the start of a set, for the step above',
    find: "        case 91 /* '['.charCodeAt(0) */: {\n            if (ms.p[p] === 94 /* '^'.charCodeAt(0) */) p++;",
    replace:
      "        case 91 /* '['.charCodeAt(0) */: {\n            let start = p;\n            if (ms.p[p] === 94 /* '^'.charCodeAt(0) */) p++;",
  },
  {
    file: 'lstrlib.js',
    why: "string.find: the test for specials searched the list of specials once per pattern byte (2 MB with a '.' at the end: 0.25 s a call, uncharged); a table lookup a byte, charged as heavy work",
    find: 'const nospecials = function(p, l) {\n',
    replace: 'const nospecials = function(p, l) {\n    return __polyhost.noSpecials(p, l);\n',
  },
]
