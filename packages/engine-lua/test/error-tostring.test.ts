import { createHost, type Host, LimitExceededError, ScriptRuntimeError } from '@polyhost/core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { luaEngine } from '../src/index.js'
import { hasNative, nativeErrorReport } from './native-lua.js'

// The message of an error value that escapes the script, as lua.c reports it: 5.3's message
// handler uses the value's __tostring (a string result only; an error inside __tostring is
// reported instead); 5.1's reports strings only. Expected texts come from native Lua.
const hosts: Partial<Record<'lua53' | 'lua51', Host>> = {}
beforeAll(async () => {
  for (const numbers of ['lua53', 'lua51'] as const) {
    hosts[numbers] = await createHost({ engines: [luaEngine({ numbers })], policy: 'minimal', limits: { instructions: 200_000 } })
  }
})
afterAll(async () => {
  for (const h of Object.values(hosts)) await h?.close()
})

/** The escaping error of `source` run as `x.lua`. */
async function failure(mode: 'lua53' | 'lua51', source: string): Promise<unknown> {
  return (hosts[mode] as Host).execute({ language: 'lua', source, name: 'x.lua' }).then(
    () => undefined,
    (e: unknown) => e,
  )
}

const meta = (tostring: string) => `error(setmetatable({}, {__tostring = ${tostring}}))`

describe.skipIf(!hasNative('lua5.3'))("an escaping error value's message in 5.3 mode, against lua5.3", () => {
  const cases = [
    meta('function() return "custom" end'),
    meta('function(t) return "n=" .. #t end'),
    meta('function() return 12 end'),
    meta('function() return {} end'),
    meta('function() error("inside") end'),
    meta('function() error({}) end'),
    meta('"not a function"'),
    'error(setmetatable({}, {__name = "MyType"}))',
    'error(setmetatable({message = "field"}, {__tostring = function() return "meta" end}))',
    'local t = setmetatable({}, {}) getmetatable(t).__tostring = function() return "late" end error(t)',
  ]
  for (const source of cases) {
    it(source, async () => {
      const e = await failure('lua53', source)
      expect(e).toBeInstanceOf(ScriptRuntimeError)
      expect((e as ScriptRuntimeError).message).toBe(nativeErrorReport('lua5.3', source))
    })
  }

  it('a __tostring that never returns ends at the instruction limit', async () => {
    const e = await failure('lua53', meta('function() while true do end end'))
    expect(e).toBeInstanceOf(LimitExceededError)
    expect((await (hosts.lua53 as Host).execute({ language: 'lua', source: 'return 1' })).values).toEqual([1])
  })
})

describe.skipIf(!hasNative('lua5.1'))('in 5.1 mode, as lua5.1, __tostring is not called', () => {
  it("the message stays the engine's word for a non-string value (lua5.1: 'not a string')", async () => {
    const source = 'error(setmetatable({}, {__tostring = function() return "custom" end}))'
    expect(nativeErrorReport('lua5.1', source)).toBe('(error object is not a string)')
    const e = (await failure('lua51', source)) as ScriptRuntimeError
    expect(e.message).toBe('(error object is a table value)')
  })
})
