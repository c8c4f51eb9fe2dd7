import { patch as p, type SourcePatch } from './fengari-loader.js'

/**
 * Lua 5.1's table library reads and writes tables raw, for `numbers: 'lua51'`: ltablib.c of
 * 5.1 takes a table only (`luaL_checktype`), its length is `lua_objlen` (no `__len`) and every
 * element goes through `lua_rawgeti`/`lua_rawseti`. fengari's is 5.3's, which honours
 * `__index`, `__newindex` and `__len` and accepts anything with those metamethods:
 * `unpack(setmetatable({1}, {__index = f}), 1, 2)` gave `f`'s value where 5.1 gives nil,
 * `table.insert` ran `__newindex`, and `unpack('abc')` returned three nils where 5.1 raises
 * "table expected". Behind `__num.lua51`; listed after the integer patches, whose unpack line
 * one of these extends. (table.sort's raw access is in lua51-sort-patches.ts.)
 */
export const LUA51_TABLE_PATCHES: readonly SourcePatch[] = [
  p(
    'ltablib.js',
    '5.1: the table library reads raw (the wrapper below picks lua_rawgeti in 5.1)',
    '    lua_geti,\n    lua_getmetatable,\n',
    '    lua_geti: lua_geti53,\n    lua_getmetatable,\n    lua_rawgeti: raw_geti51,\n    lua_rawseti: raw_seti51,\n    lua_rawlen: raw_len51,\n',
  ),
  p(
    'ltablib.js',
    '5.1: the table library writes raw (the wrapper below picks lua_rawseti in 5.1)',
    '    lua_seti,\n    lua_settop,\n',
    '    lua_seti: lua_seti53,\n    lua_settop,\n',
  ),
  p(
    'ltablib.js',
    '5.1: element access of concat, insert, remove and unpack is lua_rawgeti/lua_rawseti',
    "const lualib = require('./lualib.js');\n",
    "const lualib = require('./lualib.js');\n" +
      '/* 5.1 (ltablib.c): elements are read and written raw, never through __index/__newindex */\n' +
      'const lua_geti = function(L, idx, i) { return __num.lua51 ? raw_geti51(L, idx, i) : lua_geti53(L, idx, i); };\n' +
      'const lua_seti = function(L, idx, i) { return __num.lua51 ? raw_seti51(L, idx, i) : lua_seti53(L, idx, i); };\n',
  ),
  p(
    'ltablib.js',
    '5.1: the table functions take a table only (luaL_checktype), whatever its metamethods',
    'const checktab = function(L, arg, what) {\n',
    'const checktab = function(L, arg, what) {\n    if (__num.lua51) return luaL_checktype(L, arg, LUA_TTABLE);\n',
  ),
  p(
    'ltablib.js',
    "5.1: a table's length for the table functions is lua_objlen, without __len",
    'const aux_getn = function(L, n, w) {\n    checktab(L, n, w | TAB_L);\n    return luaL_len(L, n);',
    'const aux_getn = function(L, n, w) {\n    checktab(L, n, w | TAB_L);\n    return __num.lua51 ? raw_len51(L, n) : luaL_len(L, n);',
  ),
  p(
    'ltablib.js',
    '5.1: unpack takes a table only (luaL_checktype before its range)',
    'const unpack = function(L) {\n',
    'const unpack = function(L) {\n    if (__num.lua51) luaL_checktype(L, 1, LUA_TTABLE);\n',
  ),
  p(
    'ltablib.js',
    "5.1: unpack's default end is the raw length (luaL_getn is lua_objlen)",
    '    let e = lua_isnoneornil(L, 3) ? luaL_len(L, 1) : luaL_checkinteger(L, 3);\n    if (__num.lua51) {',
    '    let e = lua_isnoneornil(L, 3) ? (__num.lua51 ? raw_len51(L, 1) : luaL_len(L, 1)) : luaL_checkinteger(L, 3);\n    if (__num.lua51) {',
  ),
]
