import { patch as p, type SourcePatch } from './fengari-loader.js'

/** fengari's number model, part 3: constant folding and the lexer's numerals, and the integer-overflow error raised from them. Listed in fengari-numbers.ts. */
export const PARSER_PATCHES: readonly SourcePatch[] = [
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
    'lcode.js',
    'numbers (5.1): constant folding gives zeros too (5.1 folds -0 to a constant, which then shares the slot of 0: the first of them in a function wins)',
    '        if (isNaN(n) || n === 0)\n            return false;',
    '        if (isNaN(n) || (n === 0 && !__num.lua51))\n            return false;',
  ),
  p(
    'lcode.js',
    'numbers (5.1): a function keeps its number constants in its own table keyed by value, where 0 and -0 are one key (lcode.c addk with fs->h)',
    'const addk = function(fs, key, v) {\n    let f = fs.f;\n',
    'const addk = function(fs, key, v) {\n    let f = fs.f;\n' +
      '    if (__num.lua51 && v.ttisnumber()) {\n' +
      '        let known = fs.numbers51 || (fs.numbers51 = new Map());  /* a Map key: -0 is 0 */\n' +
      '        let k = known.get(v.value);\n' +
      '        if (k !== undefined) return k;\n' +
      '        k = fs.nk;\n' +
      '        known.set(v.value, k);\n' +
      '        f.k[k] = v;\n' +
      '        fs.nk++;\n' +
      '        return k;\n' +
      '    }\n',
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
]
