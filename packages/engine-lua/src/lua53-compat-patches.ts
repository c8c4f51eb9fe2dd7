import type { SourcePatch } from './fengari-loader.js'

/**
 * fengari changes for what Lua 5.3 built with LUA_COMPAT_5_2 does (Debian's lua5.3): the
 * library functions are in lua53-compat.ts. Applied after the stdlib fixes and before the
 * 5.1 patches, whose texts they leave intact; each behind the mode switch (`__num.lua51`:
 * Lua 5.1's ipairs has no metamethod).
 */
export const LUA53_COMPAT_PATCHES: readonly SourcePatch[] = [
  {
    file: 'lbaselib.js',
    why: "ipairs: LUA_COMPAT_IPAIRS (on in Debian's lua5.3) calls a table's __ipairs for its three values, as pairs calls __pairs",
    find: 'const luaB_ipairs = function(L) {\n',
    replace:
      'const luaB_ipairs = function(L) {\n' + '    if (!__num.lua51) return pairsmeta(L, to_luastring("__ipairs", true), 1, ipairsaux);\n',
  },
]
