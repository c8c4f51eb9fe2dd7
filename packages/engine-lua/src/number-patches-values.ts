import { patch as p, type SourcePatch } from './fengari-loader.js'

/** fengari's number model, part 1: integer limits, float↔integer conversion, integer table keys. Listed in fengari-numbers.ts; the arithmetic is in number-runtime.ts. */
export const VALUE_PATCHES: readonly SourcePatch[] = [
  p(
    'luaconf.js',
    'numbers: integers span ±(2^53 − 1), every one an exact double',
    'const LUA_MAXINTEGER = 2147483647;\nconst LUA_MININTEGER = -2147483648;',
    'const LUA_MAXINTEGER = 9007199254740991;\nconst LUA_MININTEGER = -9007199254740991;',
  ),
  p(
    'luaconf.js',
    'numbers: float to integer is exact; a float Lua 5.3 would convert but that does not fit raises',
    '    return n >= LUA_MININTEGER && n < -LUA_MININTEGER ? n : false;',
    '    return __num.toint(n);',
  ),
  p(
    'lvm.js',
    'numbers (5.1): integer arguments of a fractional double are truncated, as 5.1 casts',
    '            if (mode === 0)\n                return false;  /* fails if mode demands integral value */',
    '            if (mode === 0) {\n                if (!__num.lua51) return false;  /* fails if mode demands integral value */\n                f = Math.trunc(n);\n            }',
  ),
  p(
    'lobject.js',
    'numbers: integer numerals (decimal, hex wrapping modulo 2^64) read exactly; a long one is charged as heavy work',
    'const l_str2int = function(s) {\n',
    'const l_str2int = function(s) {\n    __polyhost.scanned(s.length);\n    return __num.str2int(s);\n',
  ),
  p(
    'lobject.js',
    'numbers: hex float numerals are rounded once, as strtod (lua_strx2number summed digits in a double, rounding past 53 bits)',
    'const lua_strx2number = function(s) {\n',
    'const lua_strx2number = function(s) {\n    return __num.strx2number(s);\n',
  ),
  p(
    'lbaselib.js',
    'numbers: tonumber(s, base) accumulates modulo 2^64 as C Lua, then must fit',
    'const b_str2int = function(s, base) {\n',
    'const b_str2int = function(s, base) {\n    return __num.str2intBase(s, base);\n',
  ),
  p(
    'lbaselib.js',
    'numbers: tonumber(s, base) counts a step per digit (2e7 digits ran 2.5 s without a check)',
    '        let n = b_str2int(s, base);\n',
    '        let n = __num.str2intBase(s, base, (k) => __polyhost.eachStep(L, k));\n',
  ),
  p(
    'lobject.js',
    'numbers: integers print their exact digits (a key made from the float 2^60 printed 1152921504606847000)',
    '        buff = to_luastring(lua_integer2str(obj.value));',
    '        buff = to_luastring(__num.inttostr(obj.value));',
  ),
  p(
    'lobject.js',
    'numbers: floats print as C Lua (%.14g, ".0" on integral values in 5.3)',
    "        let str = lua_number2str(obj.value);\n        if (!LUA_COMPAT_FLOATSTRING && /^[-0123456789]+$/.test(str)) {  /* looks like an int? */\n            str += '.0'; /* adds '.0' to result: lua_getlocaledecpoint removed as optimisation */\n        }",
    '        let str = __num.tostr(obj.value);',
  ),
  p(
    'lapi.js',
    "numbers: API integers are any safe integer; a library's index + 1 past the range (table.insert at #t = maxinteger, ipairs at maxinteger) is integer overflow, as the VM raises, not a host TypeError",
    '    fengari_argcheck(typeof n === "number" && (n|0) === n);',
    '    if (!__num.lua51 && Number.isInteger(n) && !Number.isSafeInteger(n)) __num.overflow();\n' +
      '    fengari_argcheck(Number.isSafeInteger(n) || (__num.lua51 && Number.isInteger(n)));',
  ),
  p(
    'lapi.js',
    "numbers (5.1): lua_pushinteger pushes the mode's integer type",
    '    fengari_argcheckinteger(n);\n    L.stack[L.top] = new TValue(LUA_TNUMINT, n);\n    api_incr_top(L);\n};',
    '    fengari_argcheckinteger(n);\n    L.stack[L.top] = new TValue(__num.INT, n);\n    api_incr_top(L);\n};',
  ),
  p(
    'lapi.js',
    'numbers (5.1): lua_seti keys',
    '    let t = index2addr(L, idx);\n    L.stack[L.top] = new TValue(LUA_TNUMINT, n);',
    '    let t = index2addr(L, idx);\n    L.stack[L.top] = new TValue(__num.INT, n);',
  ),
  p(
    'lapi.js',
    'numbers (5.1): lua_geti keys',
    '    fengari_argcheckinteger(n);\n    L.stack[L.top] = new TValue(LUA_TNUMINT, n);\n    api_incr_top(L);\n    lvm.luaV_gettable',
    '    fengari_argcheckinteger(n);\n    L.stack[L.top] = new TValue(__num.INT, n);\n    api_incr_top(L);\n    lvm.luaV_gettable',
  ),
  p(
    'lcode.js',
    'numbers (5.1): integer constants made by the code generator',
    '    let o = new TValue(LUA_TNUMINT, n);',
    '    let o = new TValue(__num.INT, n);',
  ),
  // --- tables ------------------------------------------------------------------------------
  p(
    'ltable.js',
    'numbers: integer keys beyond 32 bits (t[2^40] and t[1099511627776] are one slot)',
    '    lua_assert(typeof key == "number" && (key|0) === key);',
    '    lua_assert(Number.isSafeInteger(key));',
  ),
  p(
    'ltable.js',
    'numbers: luaH_setint with any integer key',
    '    lua_assert(typeof key == "number" && (key|0) === key && value instanceof lobject.TValue);',
    '    lua_assert(Number.isSafeInteger(key) && value instanceof lobject.TValue);',
  ),
  p(
    'ltable.js',
    'numbers (5.1): luaH_setint keys',
    '        let k = new lobject.TValue(LUA_TNUMINT, key);',
    '        let k = new lobject.TValue(__num.INT, key);',
  ),
  p(
    'ltable.js',
    'numbers: a float key with an integer value is stored as that integer (never -0), as C Lua does up to 2^63',
    '        if ((key.ttisfloat() && (kv|0) === kv)) { /* does index fit in an integer? */\n            /* insert it as an integer */\n            k = new lobject.TValue(LUA_TNUMINT, kv);',
    '        if (key.ttisfloat() && __num.intkey(kv)) { /* does index fit in an integer? */\n            /* insert it as an integer */\n            k = new lobject.TValue(__num.INT, __num.key(kv));',
  ),
]
