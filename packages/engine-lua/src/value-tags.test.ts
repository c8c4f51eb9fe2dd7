import { createRequire } from 'node:module'
import { describe, expect, it } from 'vitest'
import * as tags from './value-tags.js'

const { constant_types: c } = createRequire(import.meta.url)('fengari/src/defs.js') as {
  constant_types: Record<string, number>
}

describe('value tags', () => {
  it("are fengari's own constants", () => {
    expect({ ...tags }).toEqual({
      T_NIL: c.LUA_TNIL,
      T_BOOLEAN: c.LUA_TBOOLEAN,
      T_LIGHTUSERDATA: c.LUA_TLIGHTUSERDATA,
      T_NUMFLT: c.LUA_TNUMFLT,
      T_NUMINT: c.LUA_TNUMINT,
      T_STRING_SHORT: c.LUA_TSHRSTR,
      T_STRING_LONG: c.LUA_TLNGSTR,
      T_TABLE: c.LUA_TTABLE,
      T_LCL: c.LUA_TLCL,
      T_LCF: c.LUA_TLCF,
      T_CCL: c.LUA_TCCL,
      T_USERDATA: c.LUA_TUSERDATA,
      T_THREAD: c.LUA_TTHREAD,
    })
  })
})
