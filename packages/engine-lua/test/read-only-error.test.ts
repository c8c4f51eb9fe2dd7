import { createHost, InvalidArgumentError } from '@polyhost/core'
import { describe, expect, it } from 'vitest'
import { luaEngine } from '../src/index.js'

// luaEngine({ readOnlyError }): the message a write to a read-only table raises, so a host
// emulating another Lua host (Redis) gives scripts that host's text, caught or not.

const WRITES =
  "local out = {} for _, f in ipairs({ function() string.upper = 1 end, function() rawset(math, 'x', 1) end, function() table.insert = nil end }) do out[#out + 1] = select(2, pcall(f)) end return out"

describe('engine-lua: readOnlyError', () => {
  it('is the message of every refused write to a frozen library, caught by pcall', async () => {
    for (const [options, message] of [
      [{}, 'attempt to modify a read-only table'],
      [{ readOnlyError: 'Attempt to modify a readonly table' }, 'Attempt to modify a readonly table'],
    ] as const) {
      const host = await createHost({
        engines: [luaEngine({ ...options, numbers: 'lua51' })],
        policy: { preset: 'standard', builtins: { readOnly: true } },
      })
      try {
        const r = await host.execute({ language: 'lua', source: WRITES })
        expect(r.value).toEqual([`script.lua:1: ${message}`, message, `script.lua:1: ${message}`])
        // another engine of the same process (the same fengari instance) keeps its own
        const other = await createHost({
          engines: [luaEngine({ numbers: 'lua51' })],
          policy: { preset: 'standard', builtins: { readOnly: true } },
        })
        try {
          const o = await other.execute({ language: 'lua', source: WRITES })
          expect((o.value as string[])[1]).toBe('attempt to modify a read-only table')
        } finally {
          await other.close()
        }
      } finally {
        await host.close()
      }
    }
  })

  it('refuses a bad message', async () => {
    for (const bad of ['', 5, null]) {
      await expect(createHost({ engines: [luaEngine({ readOnlyError: bad as string })] })).rejects.toThrow(InvalidArgumentError)
    }
  })
})
