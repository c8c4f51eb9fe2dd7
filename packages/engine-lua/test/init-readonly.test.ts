import { createHost, type Host } from '@polyhost/core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { luaEngine } from '../src/index.js'

// The init script's set-up API (its one argument): `readonly(t)` makes a table refuse every
// write, raw or not, as Redis's patched Lua 5.1 does for its globals. Before it, an init
// could only guard a run's globals with metamethods, which a write to a name that exists
// never reaches: `_G.KEYS = 1`, `table.insert(_G, 1)` succeeded where Redis refuses them.

const INIT = `
local api = ...
function lock(t) return api.readonly(t) end
`

/** Each write under pcall: its error message, or 'ok' when it went through. */
const WRITES = `
local t = ...
local out = {}
for i, f in ipairs({
  function() t.x = 1 end,
  function() t.present = 2 end,
  function() t[1] = 1 end,
  function() rawset(t, 'present', 3) end,
  function() rawset(t, 'x', 1) end,
  function() table.insert(t, 1) end,
  function() table.insert(t, 1, 'v') end,
  function() table.remove(t, 1) end,
  function() table.sort(t) end,
  function() setmetatable(t, {}) end,
  function() setmetatable(t, nil) end,
  function() local p = setmetatable({}, { __newindex = t }) p.x = 1 end,
}) do
  local ok, e = pcall(f)
  out[i] = ok and 'ok' or e
end
return out
`

const MSG = 'Attempt to modify a readonly table'

let host: Host
beforeAll(async () => {
  host = await createHost({ engines: [luaEngine({ init: INIT, numbers: 'lua51', readOnlyError: MSG })], pool: { min: 1, max: 1 } })
})
afterAll(() => host.close())

const lua = async (source: string, globals?: Record<string, unknown>) => (await host.execute({ language: 'lua', source, globals })).value

describe('init: readonly(t)', () => {
  it('makes a table of the execution refuse every write path with the engine’s message', async () => {
    const src = `local t = lock({ present = 1, 'b', 'a' }) return (function(...) ${WRITES} end)(t)`
    const out = (await lua(src)) as string[]
    // assignments and the __newindex chain carry the script's position, the C functions none
    expect(out[0]).toMatch(/^script\.lua:\d+: Attempt to modify a readonly table$/)
    expect(out[1]).toMatch(/^script\.lua:\d+: Attempt to modify a readonly table$/)
    expect(out[2]).toMatch(/^script\.lua:\d+: Attempt to modify a readonly table$/)
    expect(out.slice(3, 11)).toEqual([MSG, MSG, MSG, MSG, MSG, MSG, MSG, MSG])
    expect(out[11]).toMatch(/^script\.lua:\d+: Attempt to modify a readonly table$/)
    expect(await lua("local t = lock({ present = 1, 'b', 'a' }) return { t.present, #t, t[2] }")).toEqual([1, 2, 'a'])
  })

  it('makes the running execution’s globals read-only, names that exist included, for that execution only', async () => {
    const out = (await lua(`lock(_G) return (function(...) ${WRITES} end)(_G)`, { present: 1 })) as string[]
    // _G has no list items: table.remove and table.sort find nothing to move, and write nothing (as in C)
    expect(out.filter((e, i) => i !== 7 && i !== 8 && e.endsWith(MSG))).toHaveLength(10)
    expect([out[7], out[8]]).toEqual(['ok', 'ok'])
    expect(await lua('lock(_G) return { pcall(function() print = nil end) }')).toEqual([false, expect.stringContaining(MSG)])
    // the next execution on the same state gets writable globals, and print back
    expect(await lua('x = 1 print = nil return { x, type(tostring) }')).toEqual([1, 'function'])
    expect(await lua('return type(print)')).toBe('function')
  })

  it('leaves every other table writable: a plain table, KEYS-like host tables', async () => {
    const src =
      "lock(_G) local t = {} t.x = 1 rawset(t, 'y', 2) table.insert(t, 3) setmetatable(t, nil) keys[2] = 'b' return { t.x, t.y, t[1], keys[2] }"
    expect(await lua(src, { keys: ['a'] })).toEqual([1, 2, 3, 'b'])
  })

  it('refuses a watched library table, which reset could not put back, and takes only tables', async () => {
    const h = await createHost({ engines: [luaEngine({ init: INIT })], policy: { preset: 'standard', builtins: { readOnly: false } } })
    try {
      const r = await h.execute({ language: 'lua', source: 'return { pcall(lock, string) }, { pcall(lock, 1) }, type(string.upper)' })
      expect(r.values[0]).toEqual([false, expect.stringContaining('a watched table cannot be made read-only')])
      expect(r.values[1]).toEqual([false, expect.stringContaining("bad argument #1 to 'readonly' (table expected, got number)")])
      expect(r.values[2]).toBe('function')
      expect((await h.execute({ language: 'lua', source: 'string.x = 1 return string.x' })).value).toBe(1)
    } finally {
      await h.close()
    }
  })
})
