import { patch as p, type SourcePatch } from './fengari-loader.js'

/**
 * Lua 5.1's metamethod rules in fengari's VM, for `numbers: 'lua51'`: `<` and `<=` compare
 * values of one type only, and call `__lt`/`__le` only when both operands have the same one
 * (`__le` falls back to `not (b < a)` under the same rule); `__eq` needs the same metamethod
 * on both tables; `#` of a table is its raw length (no `__len`), and a userdata's `__len` gets
 * nil as its second argument; `tostring` returns whatever `__tostring` returns.
 */
export const LUA51_VM_PATCHES: readonly SourcePatch[] = [
  p(
    'lvm.js',
    '5.1: order comparisons of one type only, through a metamethod both operands share (lvm.c lessthan, lessequal)',
    'const luaV_lessthan = function(L, l, r) {\n',
    [
      '/* 5.1 call_orderTM: null unless both operands have the same metamethod */',
      'const order51 = function(L, p1, p2, event) {',
      '    let tm1 = ltm.luaT_gettmbyobj(L, p1, event);',
      '    if (tm1.ttisnil()) return null;',
      '    let tm2 = ltm.luaT_gettmbyobj(L, p2, event);',
      '    if (!luaV_rawequalobj(tm1, tm2)) return null;',
      '    let res = new lobject.TValue();',
      '    ltm.luaT_callTM(L, tm1, p1, p2, res, 1);',
      '    return !res.l_isfalse();',
      '};',
      'const lessthan51 = function(L, l, r) {',
      '    if (l.ttnov() !== r.ttnov()) ldebug.luaG_ordererror(L, l, r);',
      '    if (l.ttisnumber()) return LTnum(l, r) ? 1 : 0;',
      '    if (l.ttisstring()) return l_strcmp(l.tsvalue(), r.tsvalue()) < 0 ? 1 : 0;',
      '    let res = order51(L, l, r, ltm.TMS.TM_LT);',
      '    if (res === null) ldebug.luaG_ordererror(L, l, r);',
      '    return res ? 1 : 0;',
      '};',
      'const lessequal51 = function(L, l, r) {',
      '    if (l.ttnov() !== r.ttnov()) ldebug.luaG_ordererror(L, l, r);',
      '    if (l.ttisnumber()) return LEnum(l, r) ? 1 : 0;',
      '    if (l.ttisstring()) return l_strcmp(l.tsvalue(), r.tsvalue()) <= 0 ? 1 : 0;',
      '    let res = order51(L, l, r, ltm.TMS.TM_LE);',
      '    if (res !== null) return res ? 1 : 0;',
      '    res = order51(L, r, l, ltm.TMS.TM_LT);',
      '    if (res === null) ldebug.luaG_ordererror(L, l, r);',
      '    return res ? 0 : 1;',
      '};',
      'const luaV_lessthan = function(L, l, r) {',
      '    if (__num.lua51) return lessthan51(L, l, r);',
      '',
    ].join('\n'),
  ),
  p(
    'lvm.js',
    '5.1: <= through lessequal51',
    'const luaV_lessequal = function(L, l, r) {\n',
    'const luaV_lessequal = function(L, l, r) {\n    if (__num.lua51) return lessequal51(L, l, r);\n',
  ),
  p(
    'lvm.js',
    '5.1: __eq only when both operands have the same metamethod (lvm.c get_compTM)',
    '            tm = ltm.fasttm(L, t1.value.metatable, ltm.TMS.TM_EQ);\n            if (tm === null)\n',
    '            tm = ltm.fasttm(L, t1.value.metatable, ltm.TMS.TM_EQ);\n' +
      '            if (__num.lua51) {\n' +
      '                if (tm !== null && t1.value.metatable !== t2.value.metatable) {\n' +
      '                    let tm2 = ltm.fasttm(L, t2.value.metatable, ltm.TMS.TM_EQ);\n' +
      '                    if (tm2 === null || !luaV_rawequalobj(tm, tm2)) tm = null;\n' +
      '                }\n' +
      '            } else if (tm === null)\n',
  ),
  p(
    'lvm.js',
    '5.1: # of a table is its raw length (5.1 has no __len for tables)',
    '            tm = ltm.fasttm(L, h.metatable, ltm.TMS.TM_LEN);\n            if (tm !== null) break;',
    '            tm = __num.lua51 ? null : ltm.fasttm(L, h.metatable, ltm.TMS.TM_LEN);\n            if (tm !== null) break;',
  ),
  p(
    'lvm.js',
    "5.1: a userdata's __len gets nil as its second argument (call_binTM with luaO_nilobject)",
    '    ltm.luaT_callTM(L, tm, rb, rb, ra, 1);\n};',
    '    ltm.luaT_callTM(L, tm, rb, __num.lua51 ? lobject.luaO_nilobject : rb, ra, 1);\n};',
  ),
  p(
    'lbaselib.js',
    '5.1: tostring returns what __tostring returns, a string or not',
    'const luaB_tostring = function(L) {\n    luaL_checkany(L, 1);\n',
    'const TOSTRING_51 = to_luastring("__tostring");\n' +
      'const luaB_tostring = function(L) {\n    luaL_checkany(L, 1);\n' +
      "    if (__num.lua51 && require('./lauxlib.js').luaL_callmeta(L, 1, TOSTRING_51)) return 1;\n",
  ),
]
