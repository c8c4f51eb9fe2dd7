import { createHost, type Host } from '@polyhost/core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { luaEngine } from '../src/index.js'

// init's `api.setenv(fn, t)`: the 5.1 mode's sources cannot name the environment (`_ENV` is an
// ordinary name there), so a host that runs a script's body with its own globals in front (Redis)
// sets them with this. It must not let a script give a table to a function it does not own:
// init's functions are shared by every execution on the state.
const INIT = `
local api = ...
function withenv(f, t) return api.setenv(f, t) end
function readX() return x end
`

const hosts: Record<string, Host> = {}
beforeAll(async () => {
  for (const numbers of ['lua51', 'lua53'] as const) {
    hosts[numbers] = await createHost({ engines: [luaEngine({ numbers, init: INIT })], pool: { min: 1, max: 1 } })
  }
})
afterAll(() => Promise.all(Object.values(hosts).map((h) => h.close())))

const modes = ['lua51', 'lua53'] as const
const lua = async (numbers: string, source: string) => (await (hosts[numbers] as Host).execute({ language: 'lua', source })).values

describe("init's setenv", () => {
  for (const numbers of modes) {
    it(`${numbers}: gives a script function (and what it makes later) a new environment`, async () => {
      const src = `
        y = 'run'
        local f = withenv(function() return x, y, function() return x end end, { x = 1 })
        local a, b, g = f()
        return a, b, g(), x, y`
      expect(await lua(numbers, src)).toEqual([1, null, 1, null, 'run'])
      expect(await lua(numbers, 'return withenv(function() return 2 end, {})()')).toEqual([2])
    })

    it(`${numbers}: refuses init's functions, functions with another environment, and C functions`, async () => {
      await expect(lua(numbers, "withenv(readX, { x = 'mine' })")).rejects.toThrow(/setenv: only a function whose environment/)
      await expect(lua(numbers, 'return readX()')).resolves.toEqual([null])
      const twice = 'local f = withenv(function() return x end, { x = 1 }) withenv(f, { x = 2 })'
      await expect(lua(numbers, twice)).rejects.toThrow(/setenv: only a function whose environment/)
      await expect(lua(numbers, 'withenv(print, {})')).rejects.toThrow(/Lua function expected/)
      await expect(lua(numbers, 'withenv(function() end, 1)')).rejects.toThrow(/table expected/)
    })
  }

  it('is set-up API only: scripts see no setenv global', async () => {
    for (const numbers of modes) expect(await lua(numbers, 'return setenv, type(withenv)')).toEqual([null, 'function'])
  })
})
