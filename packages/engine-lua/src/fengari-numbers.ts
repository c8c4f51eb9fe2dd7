import type { SourcePatch } from './fengari-loader.js'
import { type NumberMode, NumberRuntime } from './number-runtime.js'

/** The module name under which patched fengari files reach their NumberRuntime (`__num`). */
const RUNTIME_FILE = 'polyhost-numbers.js'

/** Files that call `__num`: each gets `const __num = require('./polyhost-numbers.js')`. */
const USERS = [
  'llimits.js',
  'lvm.js',
  'lobject.js',
  'luaconf.js',
  'lapi.js',
  'ltable.js',
  'lmathlib.js',
  'lstrlib.js',
  'lbaselib.js',
  'lcode.js',
  'llex.js',
  'ldo.js',
]

/**
 * fengari's number model, replaced: its integers are 32-bit and wrap (`(a + b)|0`). With
 * these patches an integer is a JS number within ±(2^53 − 1); each integer operation gives
 * Lua 5.3's 64-bit result when it fits and raises `integer overflow` otherwise; floats print
 * as C Lua's `%.14g`. In `lua51` mode there is no integer subtype at all (Lua 5.1 doubles).
 * The arithmetic lives in number-runtime.ts; this list only reroutes fengari to it.
 */
export function numberPatches(mode: NumberMode): SourcePatch[] {
  const header = USERS.map((file) => ({
    file,
    why: 'numbers: the number runtime is visible to the patched code as __num',
    find: '"use strict";\n',
    replace: `"use strict";\nconst __num = require('./${RUNTIME_FILE}');\n`,
  }))
  const modal: SourcePatch[] =
    mode === 'lua51'
      ? [
          {
            file: 'lobject.js',
            why: 'numbers (5.1): every number is a double; "integers" made anywhere are floats',
            find: '    setivalue(x) {\n        this.type = LUA_TNUMINT;',
            replace: '    setivalue(x) {\n        this.type = LUA_TNUMFLT;',
          },
        ]
      : []
  return [...header, ...modal, ...PATCHES]
}

/** The substitute module that gives the patched files their runtime. */
export function numberSubstitutes(mode: NumberMode): Record<string, unknown> {
  return { [RUNTIME_FILE]: new NumberRuntime(mode) }
}

// --- internal ---

const p = (file: string, why: string, find: string, replace: string): SourcePatch => ({ file, why, find, replace })

const PATCHES: readonly SourcePatch[] = [
  // --- limits and conversions --------------------------------------------------------------
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
    'numbers: integer numerals (decimal, hex wrapping modulo 2^64) read exactly',
    'const l_str2int = function(s) {\n',
    'const l_str2int = function(s) {\n    return __num.str2int(s);\n',
  ),
  p(
    'lbaselib.js',
    'numbers: tonumber(s, base) accumulates modulo 2^64 as C Lua, then must fit',
    'const b_str2int = function(s, base) {\n',
    'const b_str2int = function(s, base) {\n    return __num.str2intBase(s, base);\n',
  ),
  p(
    'lobject.js',
    'numbers: floats print as C Lua (%.14g, ".0" on integral values in 5.3)',
    "        let str = lua_number2str(obj.value);\n        if (!LUA_COMPAT_FLOATSTRING && /^[-0123456789]+$/.test(str)) {  /* looks like an int? */\n            str += '.0'; /* adds '.0' to result: lua_getlocaledecpoint removed as optimisation */\n        }",
    '        let str = __num.tostr(obj.value);',
  ),
  p(
    'lapi.js',
    'numbers: API integers are any safe integer',
    '    fengari_argcheck(typeof n === "number" && (n|0) === n);',
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
  // --- the VM --------------------------------------------------------------------------------
  p(
    'lvm.js',
    'numbers: checked integer + (inline: the hottest integer operation)',
    '                    L.stack[ra].setivalue((op1.value + op2.value)|0);',
    '                    let r = op1.value + op2.value;\n                    if (r > 9007199254740991 || r < -9007199254740991) __num.overflow();\n                    L.stack[ra].setivalue(r);',
  ),
  p(
    'lvm.js',
    'numbers: checked integer - (inline: the hottest integer operation)',
    '                    L.stack[ra].setivalue((op1.value - op2.value)|0);',
    '                    let r = op1.value - op2.value;\n                    if (r > 9007199254740991 || r < -9007199254740991) __num.overflow();\n                    L.stack[ra].setivalue(r);',
  ),
  p(
    'lvm.js',
    'numbers: integer & on 64 bits',
    '                    L.stack[ra].setivalue(numberop1 & numberop2);',
    '                    L.stack[ra].setivalue(__num.band(numberop1, numberop2));',
  ),
  p(
    'lvm.js',
    'numbers: integer | on 64 bits',
    '                    L.stack[ra].setivalue(numberop1 | numberop2);',
    '                    L.stack[ra].setivalue(__num.bor(numberop1, numberop2));',
  ),
  p(
    'lvm.js',
    'numbers: integer ~ (xor) on 64 bits',
    '                    L.stack[ra].setivalue(numberop1 ^ numberop2);',
    '                    L.stack[ra].setivalue(__num.bxor(numberop1, numberop2));',
  ),
  p(
    'lvm.js',
    'numbers: integer unary minus (the range is symmetric)',
    '                    L.stack[ra].setivalue((-op.value)|0);',
    '                    L.stack[ra].setivalue(0 - op.value);',
  ),
  p(
    'lvm.js',
    'numbers: ~x accepts integral floats and strings, as C Lua',
    '                if (op.ttisinteger()) {\n                    L.stack[ra].setivalue(~op.value);',
    '                let ib;\n                if ((ib = tointeger(op)) !== false) {\n                    L.stack[ra].setivalue(__num.bnot(ib));',
  ),
  p(
    'lvm.js',
    'numbers: the for index is exact; a sum past ±(2^53 − 1) is past the (clamped) limit, so the loop ends',
    '                    let idx = (L.stack[ra].value + step)|0;',
    '                    let idx = L.stack[ra].value + step;',
  ),
  p(
    'lvm.js',
    'numbers: for preparation stores init − step; where that is not exact (past 2^53) the body is entered directly',
    '                    init.value = (initv - pstep.value)|0;',
    `                    let prev = initv - pstep.value;
                    if (prev + pstep.value === initv) {
                        init.value = prev;  /* exact: FORLOOP adds the step back */
                    } else {
                        init.value = initv;
                        if (0 < pstep.value ? initv <= plimit.value : plimit.value <= initv) {
                            L.stack[ra + 3].setivalue(initv);
                            ci.l_savedpc -= i.sBx;  /* cancels the jump below: run the body now */
                        }  /* else FORLOOP's initv + step is past the limit too */
                    }`,
  ),
  p(
    'lvm.js',
    'numbers: a for limit that Lua 5.3 would keep as an integer must fit',
    '    let ilimit = luaV_tointeger(obj, step < 0 ? 2 : 1);',
    '    let ilimit = __num.strict(luaV_tointeger(obj, step < 0 ? 2 : 1));',
  ),
  p(
    'lvm.js',
    'numbers: a string read as an integer must fit',
    '        if (lobject.luaO_str2num(obj.svalue(), v) === (obj.vslen() + 1))\n            return luaV_tointeger(v, mode);',
    '        if (lobject.luaO_str2num(obj.svalue(), v) === (obj.vslen() + 1))\n            return luaV_tointeger(__num.exactint(v), mode);',
  ),
  p(
    'lapi.js',
    'numbers: integers handed to C functions (luaL_checkinteger...) must fit',
    '    return lvm.tointeger(index2addr(L, idx));',
    '    return __num.strict(lvm.tointeger(index2addr(L, idx)));',
  ),
  p(
    'lapi.js',
    'numbers: tonumber of an integer string must fit',
    '    let sz = lobject.luaO_str2num(s, tv);\n    if (sz !== 0) {',
    '    let sz = lobject.luaO_str2num(s, tv);\n    if (sz !== 0) {\n        __num.exactint(tv);',
  ),
  p(
    'lmathlib.js',
    'numbers: math.floor/ceil/modf integers must fit (5.1: the result is the double, any size)',
    '    let n = lua_numbertointeger(d);',
    '    let n = __num.lua51 ? false : __num.strict(lua_numbertointeger(d));',
  ),
  p(
    'lbaselib.js',
    'numbers (5.1): error() adds the position to a number message too (lua_isstring)',
    '    if (lua_type(L, 1) === LUA_TSTRING && level > 0) {',
    '    if ((lua_type(L, 1) === LUA_TSTRING || (__num.lua51 && lua_type(L, 1) === LUA_TNUMBER)) && level > 0) {',
  ),
  p(
    'lmathlib.js',
    'numbers: log of a negative number is -nan as in glibc; 5.1 log takes no base',
    '    if (lua_isnoneornil(L, 2))\n        res = Math.log(x);',
    '    if (__num.lua51 || lua_isnoneornil(L, 2))\n        res = Math.log(x);',
  ),
  p(
    'lmathlib.js',
    'numbers: log result sign of NaN',
    '            res = Math.log(x)/Math.log(base);\n    }\n    lua_pushnumber(L, res);',
    '            res = Math.log(x)/Math.log(base);\n    }\n    lua_pushnumber(L, __num.logResult(res));',
  ),
  p(
    'llimits.js',
    'numbers (5.1): float % is a - floor(a/b)*b',
    '    let m = a % b;\n',
    '    if (__num.lua51) return __num.mod51(a, b);\n    let m = a % b;\n',
  ),
  p(
    'lobject.js',
    'numbers (5.1): strtod reads inf and nan',
    "    if (mode === 'n')  /* reject 'inf' and 'nan' */\n        return null;",
    "    if (mode === 'n')  /* reject 'inf' and 'nan' */\n        return __num.lua51 ? __num.str2special(s) : null;",
  ),
  p(
    'lvm.js',
    'numbers: checked integer *, with the 64-bit product when it fits',
    'const luaV_imul = Math.imul || function(a, b) {',
    'const luaV_imul = (a, b) => __num.mul(a, b);\nconst luaV_imul32 = function(a, b) {',
  ),
  p('lvm.js', 'numbers: exact integer //', '    return Math.floor(m / n)|0;', '    return __num.idiv(m, n);'),
  p('lvm.js', 'numbers: exact integer %', '    return (m - Math.floor(m / n) * n)|0;', '    return __num.imod(m, n);'),
  p(
    'lvm.js',
    'numbers: shifts on 64 bits',
    'const luaV_shiftl = function(x, y) {\n',
    'const luaV_shiftl = function(x, y) {\n    return __num.shl(x, y);\n',
  ),
  // --- constant folding and the lexer ------------------------------------------------------
  p(
    'lobject.js',
    'numbers: the same integer operations for constant folding and lua_arith',
    '        case LUA_OPADD:  return (v1 + v2)|0;\n        case LUA_OPSUB:  return (v1 - v2)|0;',
    '        case LUA_OPADD:  return __num.add(v1, v2);\n        case LUA_OPSUB:  return __num.sub(v1, v2);',
  ),
  p(
    'lobject.js',
    'numbers: bitwise operations for folding and lua_arith',
    '        case LUA_OPBAND: return (v1 & v2);\n        case LUA_OPBOR:  return (v1 | v2);\n        case LUA_OPBXOR: return (v1 ^ v2);',
    '        case LUA_OPBAND: return __num.band(v1, v2);\n        case LUA_OPBOR:  return __num.bor(v1, v2);\n        case LUA_OPBXOR: return __num.bxor(v1, v2);',
  ),
  p(
    'lobject.js',
    'numbers: unary minus and ~ for folding and lua_arith',
    '        case LUA_OPUNM:  return (0 - v1)|0;\n        case LUA_OPBNOT: return (~0 ^ v1);',
    '        case LUA_OPUNM:  return 0 - v1;\n        case LUA_OPBNOT: return __num.bnot(v1);',
  ),
  p(
    'lcode.js',
    'numbers: an operation that would overflow is not folded (it raises when run)',
    '    lobject.luaO_arith(null, op, v1, v2, res);  /* does operation */',
    '    try {\n        lobject.luaO_arith(null, op, v1, v2, res);  /* does operation */\n    } catch (e) {\n        if (e === __num.OVERFLOW) return 0;\n        throw e;\n    }',
  ),
  p(
    'lcode.js',
    'numbers: a bitwise operand beyond ±(2^53 − 1) is not folded',
    '            return (lvm.tointeger(v1) !== false && lvm.tointeger(v2) !== false);',
    '            try {\n                return (lvm.tointeger(v1) !== false && lvm.tointeger(v2) !== false);\n            } catch (e) {\n                if (e === __num.OVERFLOW) return false;\n                throw e;\n            }',
  ),
  p(
    'llex.js',
    'numbers: an integer numeral that does not fit is a syntax error naming it',
    '    if (lobject.luaO_str2num(luaZ_buffer(ls.buff), obj) === 0)  /* format error? */',
    '    let ok = lobject.luaO_str2num(luaZ_buffer(ls.buff), obj);\n    if (ok !== 0 && obj.ttisinteger() && !Number.isSafeInteger(obj.value))\n        lexerror(ls, __num.message, TK_FLT);\n    if (ok === 0)  /* format error? */',
  ),
  p(
    'ldo.js',
    'numbers: the overflow thrown by an integer operation becomes a Lua error of the running thread',
    '    } catch (e) {\n        if (lj.status === LUA_OK) {\n            /* error was not thrown via luaD_throw, i.e. it is a JS error */',
    '    } catch (e) {\n        if (lj.status === LUA_OK && e === __num.OVERFLOW) {\n            try { ldebug.luaG_runerror(L, __num.message); } catch (e2) { e = e2; }\n        }\n        if (lj.status === LUA_OK) {\n            /* error was not thrown via luaD_throw, i.e. it is a JS error */',
  ),
  // --- libraries ---------------------------------------------------------------------------
  p(
    'lstrlib.js',
    'numbers (5.1): %c goes through C int and char casts and a NUL ends the piece',
    '                    luaL_addchar(b, luaL_checkinteger(L, arg));',
    '                    let c = luaL_checkinteger(L, arg);\n                    if (!__num.lua51 || __num.cchar(c)) luaL_addchar(b, c);',
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
    '                    let n = luaL_checkinteger(L, arg);\n                    luaL_addstring(b, to_luastring(__num.format(String.fromCharCode(...form), n)));',
  ),
  p(
    'lstrlib.js',
    'numbers: string.format %e %f %g as C printf (sprintf-js differs: %g, rounding, inf/nan)',
    '                    let n = luaL_checknumber(L, arg);\n                    addlenmod(form, to_luastring(LUA_INTEGER_FRMLEN, true));\n                    luaL_addstring(b, to_luastring(sprintf(String.fromCharCode(...form), n)));',
    '                    let n = luaL_checknumber(L, arg);\n                    luaL_addstring(b, to_luastring(__num.format(String.fromCharCode(...form), n)));',
  ),
  p(
    'lstrlib.js',
    'numbers: string.pack works on 64-bit integers like C Lua',
    'const SZINT = 4; // Size of lua_Integer',
    'const SZINT = 8; // Size of lua_Integer',
  ),
  p(
    'lstrlib.js',
    'numbers: string.pack sizes of long, lua_Integer and size_t are 8 (as on 64-bit C Lua)',
    "        case 108 /*'l'*/: r.size = 4; r.opt = Kint;   return r; // sizeof(long): 4\n        case 76  /*'L'*/: r.size = 4; r.opt = Kuint;  return r;\n        case 106 /*'j'*/: r.size = 4; r.opt = Kint;   return r; // sizeof(lua_Integer): 4\n        case 74  /*'J'*/: r.size = 4; r.opt = Kuint;  return r;\n        case 84  /*'T'*/: r.size = 4; r.opt = Kuint;  return r; // sizeof(size_t): 4",
    "        case 108 /*'l'*/: r.size = 8; r.opt = Kint;   return r;\n        case 76  /*'L'*/: r.size = 8; r.opt = Kuint;  return r;\n        case 106 /*'j'*/: r.size = 8; r.opt = Kint;   return r;\n        case 74  /*'J'*/: r.size = 8; r.opt = Kuint;  return r;\n        case 84  /*'T'*/: r.size = 8; r.opt = Kuint;  return r;",
  ),
  p(
    'lstrlib.js',
    "numbers: packed integers are two's complement of the exact value, any size up to 16",
    '    let buff = luaL_prepbuffsize(b, size);\n    buff[islittle ? 0 : size - 1] = n & MC;  /* first byte */',
    '    let buff = luaL_prepbuffsize(b, size);\n    __num.packint(buff, n, islittle, size);\n    luaL_addsize(b, size);\n    return;\n    buff[islittle ? 0 : size - 1] = n & MC;  /* first byte */',
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
