/**
 * fengari's type tags as a TValue's `type` holds them (defs.js `constant_types`, variant bits
 * included), for code that reads fengari's objects directly. One list, checked against
 * fengari's own constants in value-tags.test.ts.
 */
export const T_NIL = 0
export const T_BOOLEAN = 1
export const T_LIGHTUSERDATA = 2
export const T_NUMFLT = 3
export const T_NUMINT = 3 | (1 << 4)
export const T_STRING_SHORT = 4
export const T_STRING_LONG = 4 | (1 << 4)
export const T_TABLE = 5
export const T_LCL = 6
export const T_LCF = 6 | (1 << 4)
export const T_CCL = 6 | (2 << 4)
export const T_USERDATA = 7
export const T_THREAD = 8
