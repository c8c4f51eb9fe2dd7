import { createHost, defineBridge, type Host } from '@polyhost/core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { luaEngine } from '../src/index.js'

// A host error's text reaches the script through luaG_runerror, whose first argument is a
// format: given as is, `100% x %s` was read as options and the script saw
// `invalid option '% ' to 'lua_pushfstring'` instead of what the handler said.

const TEXT = '100% x %s %d %%'

describe('a host error text with % reaches the script as it is', () => {
  let host: Host
  beforeAll(async () => {
    host = await createHost({ engines: [luaEngine()] })
    host.bridges.register(
      defineBridge({
        name: 'b',
        methods: {
          f: {
            args: [],
            handler: () => {
              throw new Error(TEXT)
            },
          },
        },
      }),
    )
  })
  afterAll(() => host.close())

  it('as the value pcall catches', async () => {
    const r = await host.execute({ name: 'x.lua', source: 'local ok, e = pcall(b.f) return tostring(e)' })
    expect(r.value).toContain(TEXT)
  })

  it('as the error the execution ends with', async () => {
    const run = host.execute({ name: 'x.lua', source: 'return b.f()' })
    await expect(run).rejects.toThrow(TEXT)
  })

  it('a script-raised text keeps its % too', async () => {
    await expect(host.execute({ name: 'x.lua', source: 'error("50% %s")' })).rejects.toThrow('x.lua:1: 50% %s')
  })
})
