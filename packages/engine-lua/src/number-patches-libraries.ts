import { patch as p, type SourcePatch } from './fengari-loader.js'

/** fengari's number model, part 4: the math, string (format, rep, sub, pack) and base libraries. Listed in fengari-numbers.ts. */
export const LIBRARY_PATCHES: readonly SourcePatch[] = [
  p(
    'lstrlib.js',
    '%c as C printf: a width pads the byte (fengari dropped the modifiers); 5.1 goes through C int and char casts and a NUL ends the piece',
    '                    luaL_addchar(b, luaL_checkinteger(L, arg));',
    '                    luaL_addstring(b, __num.printf.char(String.fromCharCode(...form), luaL_checkinteger(L, arg)));',
  ),
  p(
    'lstrlib.js',
    'numbers (5.1): string.rep has no separator in 5.1',
    '    let sep = luaL_optstring(L, 3, "");',
    '    let sep = __num.lua51 ? luaL_optstring(L, 4, "") : luaL_optstring(L, 3, "");',
  ),
  p(
    'lmathlib.js',
    'numbers: math.abs of an integer (the range is symmetric)',
    '        if (n < 0) n = (-n)|0;',
    '        if (n < 0) n = -n;',
  ),
  p(
    'lmathlib.js',
    'numbers: math.fmod of integers, without -0',
    '            lua_pushinteger(L, (lua_tointeger(L, 1) % d)|0);',
    '            lua_pushinteger(L, (lua_tointeger(L, 1) % d) + 0);',
  ),
  p(
    'lstrlib.js',
    'numbers: string.format %d %i %u %o %x %X of any integer, as C printf',
    '                    let n = luaL_checkinteger(L, arg);\n                    addlenmod(form, to_luastring(LUA_INTEGER_FRMLEN, true));\n                    luaL_addstring(b, to_luastring(sprintf(String.fromCharCode(...form), n)));',
    '                    let n = luaL_checkinteger(L, arg);\n                    luaL_addstring(b, to_luastring(__num.printf.number(String.fromCharCode(...form), n)));',
  ),
  p(
    'lstrlib.js',
    'numbers: string.format %e %f %g as C printf (sprintf-js differs: %g, rounding, inf/nan)',
    '                    let n = luaL_checknumber(L, arg);\n                    addlenmod(form, to_luastring(LUA_INTEGER_FRMLEN, true));\n                    luaL_addstring(b, to_luastring(sprintf(String.fromCharCode(...form), n)));',
    '                    let n = luaL_checknumber(L, arg);\n                    luaL_addstring(b, to_luastring(__num.printf.number(String.fromCharCode(...form), n)));',
  ),
  p(
    'lstrlib.js',
    'numbers: %a and %q of floats as glibc %a: flags, width and precision (fengari refused them), subnormals as 0x0.…p-1022, the NaN sign',
    'const lua_number2strx = function(L, fmt, x) {\n',
    'const lua_number2strx = function(L, fmt, x) {\n    return to_luastring(__num.printf.number(String.fromCharCode(...fmt), x));\n',
  ),
  p(
    'lstrlib.js',
    'numbers: string.pack works on 64-bit integers like C Lua',
    'const SZINT = 4; // Size of lua_Integer',
    'const SZINT = 8; // Size of lua_Integer',
  ),
  p(
    'lstrlib.js',
    'numbers: string.pack option "s" without a size prefixes a size_t, 8 bytes as "T" (fengari: 4)',
    "        case 115 /*'s'*/: r.size = getnumlimit(h, fmt, 4); r.opt = Kstring; return r;",
    "        case 115 /*'s'*/: r.size = getnumlimit(h, fmt, 8); r.opt = Kstring; return r;",
  ),
  p(
    'lstrlib.js',
    'numbers: string.pack sizes of long, lua_Integer and size_t are 8 (as on 64-bit C Lua)',
    "        case 108 /*'l'*/: r.size = 4; r.opt = Kint;   return r; // sizeof(long): 4\n        case 76  /*'L'*/: r.size = 4; r.opt = Kuint;  return r;\n        case 106 /*'j'*/: r.size = 4; r.opt = Kint;   return r; // sizeof(lua_Integer): 4\n        case 74  /*'J'*/: r.size = 4; r.opt = Kuint;  return r;\n        case 84  /*'T'*/: r.size = 4; r.opt = Kuint;  return r; // sizeof(size_t): 4",
    "        case 108 /*'l'*/: r.size = 8; r.opt = Kint;   return r;\n        case 76  /*'L'*/: r.size = 8; r.opt = Kuint;  return r;\n        case 106 /*'j'*/: r.size = 8; r.opt = Kint;   return r;\n        case 74  /*'J'*/: r.size = 8; r.opt = Kuint;  return r;\n        case 84  /*'T'*/: r.size = 8; r.opt = Kuint;  return r;",
  ),
  p(
    'lstrlib.js',
    "numbers: packed integers are two's complement of the exact value, any size up to 16 (sign-extended beyond 8 bytes only when signed)",
    '    let buff = luaL_prepbuffsize(b, size);\n    buff[islittle ? 0 : size - 1] = n & MC;  /* first byte */',
    '    let buff = luaL_prepbuffsize(b, size);\n    __num.packint(buff, n, islittle, size, neg);\n    luaL_addsize(b, size);\n    return;\n    buff[islittle ? 0 : size - 1] = n & MC;  /* first byte */',
  ),
  p(
    'lstrlib.js',
    'numbers: string.pack signed range check for sizes below 8',
    '                    let lim = 1 << (size * 8) - 1;',
    '                    let lim = 2 ** (size * 8 - 1);',
  ),
  p(
    'lstrlib.js',
    'numbers: string.pack unsigned range check, and no 32-bit truncation',
    '                    luaL_argcheck(L, (n>>>0) < (1 << (size * NB)), arg, "unsigned overflow");\n                packint(b, n>>>0, h.islittle, size, false);',
    '                    luaL_argcheck(L, n >= 0 && n < 2 ** (size * NB), arg, "unsigned overflow");\n                packint(b, n, h.islittle, size, false);',
  ),
  p(
    'lstrlib.js',
    'numbers: string.unpack reads integers of any size exactly; beyond 64 bits or ±(2^53 − 1) it raises',
    '    let res = 0;\n    let limit = size <= SZINT ? size : SZINT;',
    '    let res = __num.unpackint(str, islittle, size, issigned);\n    if (res === null)\n        luaL_error(L, to_luastring("%d-byte integer does not fit into Lua Integer"), size);\n    return res;\n    let limit = size <= SZINT ? size : SZINT;',
  ),
  p(
    'lstrlib.js',
    'numbers: %q prints every integer in decimal (no 64-bit minimum to special-case)',
    '                let format = (n === LUA_MININTEGER)  /* corner case? */',
    '                let format = false  /* no corner case within ±(2^53 - 1) */',
  ),
]
