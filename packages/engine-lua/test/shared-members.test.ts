import { createHost, defineBridge } from '@polyhost/core'
import { describe, expect, it } from 'vitest'
import { luaEngine } from '../src/index.js'

// A new state's library members (lbaselib's functions, string.*, math.pi, utf8.charpattern…)
// and the names of its tables are shared Lua values, made once per fengari instance
// (library-members.ts, lua-names.ts). Each state still has its own tables and entries: what
// a script writes there (the 'standard' policy lets it change libraries) is never seen by
// another state, whether it is still alive or already dropped.

const WRITE = `
  string.upper = nil string.rep = function() return 'changed' end string.extra = 1
  math.pi = 3 math.huge = nil math.floor = print
  if utf8 then utf8.charpattern = 'x' end table.insert = nil coroutine.wrap = nil
  if bit32 then bit32.band = nil end
  getmetatable('').__index.len = nil
  return string.upper, math.pi`

const READ = `return string.upper('a'), string.rep('a', 2), string.extra, math.pi == 4 * math.atan(1),
  math.huge, math.floor(1.5), utf8 and utf8.charpattern, type(table.insert), type(coroutine.wrap),
  ('ab'):len(), type(os and os.difftime), type(bit32 and bit32.band or false)`

describe.each(['lua53', 'lua51'] as const)('shared library members (%s)', (numbers) => {
  it('a write through one state is invisible in another state, alive or dropped', async () => {
    // maxUses 1: every execution runs on a new state; max 2: two states alive at once
    const host = await createHost({ engines: [luaEngine({ numbers })], policy: 'standard', pool: { min: 0, max: 2, maxUses: 1 } })
    try {
      let release = () => {}
      const held = new Promise<void>((r) => {
        release = r
      })
      host.bridges.register(defineBridge({ name: 'gate', methods: { wait: { args: [], handler: async () => held } } }))
      const clean = (await host.execute({ language: 'lua', source: READ })).values
      expect(clean.slice(0, 6)).toEqual(['A', 'aa', null, true, Number.POSITIVE_INFINITY, 1])
      // the first state writes, then waits inside its execution while the second one reads
      const writer = host.execute({ language: 'lua', source: `local a, b = (function() ${WRITE} end)() gate.wait() return a, b` })
      await new Promise((r) => setTimeout(r, 50))
      expect((await host.execute({ language: 'lua', source: READ })).values).toEqual(clean)
      release()
      expect((await writer).values).toEqual([null, 3])
      expect((await host.execute({ language: 'lua', source: READ })).values).toEqual(clean)
    } finally {
      await host.close()
    }
  })
})
