import type { SourcePatch } from './fengari-loader.js'

/**
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
]
