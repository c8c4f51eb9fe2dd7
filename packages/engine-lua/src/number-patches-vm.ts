import { patch as p, type SourcePatch } from './fengari-loader.js'

/** fengari's number model, part 2: the VM's arithmetic, bitwise, comparison and `for` loop paths, rerouted to the number runtime. Listed in fengari-numbers.ts. */
export const VM_PATCHES: readonly SourcePatch[] = [
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
    'numbers: integer unary minus (the range is symmetric; only a key made from the float -2^63 wraps, as in C)',
    '                    L.stack[ra].setivalue((-op.value)|0);',
    '                    L.stack[ra].setivalue(op.value === -9223372036854775808 ? op.value : 0 - op.value);',
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
    "numbers: an index past ±(2^53 − 1) that is still within the limit is C Lua's integer leaving the range (the limit was a float beyond 2^63, clipped): integer overflow",
    '                        ci.l_savedpc += i.sBx;\n                        L.stack[ra].chgivalue(idx);',
    '                        if (idx > 9007199254740991 || idx < -9007199254740991) __num.overflow();\n                        ci.l_savedpc += i.sBx;\n                        L.stack[ra].chgivalue(idx);',
  ),
  p(
    'lvm.js',
    'numbers: a float limit beyond the integers is clipped to an infinite limit, not to ±(2^53 − 1): the loop goes on to its overflow as in C Lua, never stops early',
    '            ilimit = LUA_MAXINTEGER;\n            if (step < 0) stopnow = true;\n        } else {\n            ilimit = LUA_MININTEGER;',
    '            ilimit = Infinity;\n            if (step < 0) stopnow = true;\n        } else {\n            ilimit = -Infinity;',
  ),
  p(
    'lvm.js',
    'numbers: ^ is C pow (1^nan and (-1)^inf are 1, not NaN; see c-math.ts)',
    'setfltvalue(Math.pow(numberop1, numberop2));',
    'setfltvalue(__num.pow(numberop1, numberop2));',
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
    'numbers: math.log as glibc (log2 for base 2, log10 for 10), NaN signs included: log(-1) is -nan, log10(-1) and log of a +nan are nan',
    '            res = Math.log(x)/Math.log(base);\n    }\n    lua_pushnumber(L, res);',
    '            res = Math.log(x)/Math.log(base);\n    }\n    lua_pushnumber(L, __num.log(x, __num.lua51 || lua_isnoneornil(L, 2) ? undefined : luaL_checknumber(L, 2)));',
  ),
  p(
    'llimits.js',
    'numbers: float % is C fmod with its NaN signs (1 % 0.0 is -nan); 5.1: a - floor(a/b)*b',
    '    let m = a % b;\n',
    '    if (__num.lua51) return __num.mod51(a, b);\n    let m = __num.fmod(a, b);\n',
  ),
  p(
    'lobject.js',
    'numbers: constant folding computes ^ as C pow too (10^-5 is folded when compiled)',
    '        case LUA_OPPOW:  return Math.pow(v1, v2);',
    '        case LUA_OPPOW:  return __num.pow(v1, v2);',
  ),
  p(
    'lmathlib.js',
    'numbers: math.asin of a NaN is that NaN, sign included (V8 drops the sign)',
    '    lua_pushnumber(L, Math.asin(luaL_checknumber(L, 1)));',
    '    lua_pushnumber(L, __num.nanPassing(Math.asin, luaL_checknumber(L, 1)));',
  ),
  p(
    'lmathlib.js',
    'numbers: math.acos of a NaN is that NaN, sign included (V8 drops the sign)',
    '    lua_pushnumber(L, Math.acos(luaL_checknumber(L, 1)));',
    '    lua_pushnumber(L, __num.nanPassing(Math.acos, luaL_checknumber(L, 1)));',
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
]
