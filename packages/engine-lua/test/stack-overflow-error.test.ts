import { createHost, type Host, InvalidArgumentError, LimitExceededError, ScriptRuntimeError } from '@polyhost/core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { luaEngine } from '../src/index.js'

// luaEngine({ stackOverflow: 'error' }): a call past stackDepth is C Lua's catchable
// "stack overflow" (what Redis scripts expect), not the uncatchable stack limit.
describe("engine-lua: stackOverflow: 'error'", () => {
  let host: Host
  let limited: Host
  beforeAll(async () => {
    host = await createHost({ engines: [luaEngine({ stackOverflow: 'error' })], limits: { stackDepth: 100 } })
    limited = await createHost({ engines: [luaEngine()], limits: { stackDepth: 100 } })
  })
  afterAll(async () => {
    await host.close()
    await limited.close()
  })

  const recurse = 'local function f() return 1 + f() end '

  it('pcall catches the overflow, and the script goes on (twice)', async () => {
    const r = await host.execute({
      language: 'lua',
      source: `${recurse} local a, e = pcall(f) local b = pcall(f) return a, e, b, 7`,
      name: 't.lua',
    })
    expect(r.values).toEqual([false, 't.lua:1: stack overflow', false, 7])
  })

  it('uncaught, it is a ScriptRuntimeError naming the line', async () => {
    const e = await host.execute({ language: 'lua', source: `${recurse} return f()`, name: 't.lua' }).catch((x: unknown) => x)
    expect(e).toBeInstanceOf(ScriptRuntimeError)
    expect((e as Error).message).toContain('stack overflow')
  })

  // C Lua grows the stack for the handler of an overflow: it ran past the limit; here every
  // call past it raised again, so the handler failed and the error became 'error in error handling'
  it("an xpcall handler runs at the limit and sees the overflow's message, as in lua5.3", async () => {
    const r = await host.execute({
      language: 'lua',
      source: `${recurse} return xpcall(f, function(m) return 'handled: ' .. tostring(m) end)`,
      name: 't.lua',
    })
    expect(r.values).toEqual([false, 'handled: t.lua:1: stack overflow'])
  })

  it('a message handler that recurses too still ends', async () => {
    const e = await host.execute({ language: 'lua', source: `${recurse} return xpcall(f, function(m) return f() end)` }).then(
      (r) => r.values,
      (x: unknown) => x,
    )
    // Lua's "error in error handling", or the limit once calls pass the extra room
    if (Array.isArray(e)) expect(e[0]).toBe(false)
    else expect(e).toBeInstanceOf(LimitExceededError)
  })

  it('without the option the limit ends the run, as before', async () => {
    const e = await limited.execute({ language: 'lua', source: `${recurse} return pcall(f)` }).catch((x: unknown) => x)
    expect(e).toBeInstanceOf(LimitExceededError)
  })

  it('refuses an unknown value', async () => {
    await expect(createHost({ engines: [luaEngine({ stackOverflow: 'maybe' as never })] })).rejects.toBeInstanceOf(InvalidArgumentError)
  })
})
