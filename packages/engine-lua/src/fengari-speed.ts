import type { SourcePatch } from './fengari-loader.js'

/**
 * Changes to fengari that make it faster without changing what any call returns (each has a
 * test comparing it with unpatched fengari on the same inputs: fengari-speed.test.ts).
 * Applied after the guards and the standard-library fixes.
 */
export const SPEED_PATCHES: readonly SourcePatch[] = [
  {
    file: 'defs.js',
    why:
      'to_luastring (every JS string given to the Lua API: keys, lua_pushstring, names) built a JS Array ' +
      'and copied it with Uint8Array.from; an ASCII string is now written straight into its Uint8Array',
    find: '    let len = str.length;\n    let outU8Array = Array(len); /* array is at *least* going to be length of string */',
    replace:
      '    let len = str.length;\n' +
      '    let ascii = 0;\n' +
      '    while (ascii < len && str.charCodeAt(ascii) < 0x80) ascii++;\n' +
      '    if (ascii === len) {\n' +
      '        const bytes = new Uint8Array(len);\n' +
      '        for (let i = 0; i < len; i++) bytes[i] = str.charCodeAt(i);\n' +
      '        if (cache) to_luastring_cache[str] = bytes;\n' +
      '        return bytes;\n' +
      '    }\n' +
      '    let outU8Array = Array(len); /* array is at *least* going to be length of string */',
  },
]
