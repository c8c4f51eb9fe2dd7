import type { SourcePatch } from './fengari-loader.js'

/**
 * Changes to fengari that make it faster without changing what any call returns, each
 * tested against unpatched fengari (fengari-speed-patches.test.ts).
 *
 * fengari pops values with `delete L.stack[i]` on every call and return (adjust_top,
 * moveresults). `delete` on an array element is a slow path in V8 and leaves a holey
 * array; assigning `undefined` frees the slot the same way (nothing reads a popped slot
 * before writing it: fengari stores a new TValue above the top, never reuses one there)
 * and was ~15 % of the VM's time on call-heavy scripts (Redis scripts' `redis.call`).
 */
export const FENGARI_SPEED_PATCHES: readonly SourcePatch[] = [
  {
    file: 'ldo.js',
    why: 'speed: adjust_top pops without `delete`',
    find: '        while (L.top > newtop)\n            delete L.stack[--L.top];',
    replace: '        while (L.top > newtop)\n            L.stack[--L.top] = undefined;',
  },
  {
    file: 'ldo.js',
    why: 'speed: moveresults (LUA_MULTRET) clears without `delete`',
    find: '            for (let i=L.top; i>=(res + nres); i--)\n                delete L.stack[i];',
    replace: '            for (let i=L.top; i>=(res + nres); i--)\n                L.stack[i] = undefined;',
  },
  {
    file: 'ldo.js',
    why: 'speed: moveresults clears without `delete`',
    find: '    for (let i=L.top; i>=newtop; i--)\n        delete L.stack[i];',
    replace: '    for (let i=L.top; i>=newtop; i--)\n        L.stack[i] = undefined;',
  },
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
