import { spawnSync } from 'node:child_process'
import { createHost, type Host, LimitExceededError } from '@polyhost/core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { luaEngine } from '../src/index.js'
import { hasNative } from './native-lua.js'

// The README's "Deviations from Lua 5.3" that are not about numbers: each test runs the same
// program here and in native lua5.3 and shows the difference. When one of these is fixed,
// its test fails: move the row out of the README (and the program to lua53-fidelity.test.ts).

describe.skipIf(!hasNative('lua5.3'))('deviations from Lua 5.3 (each shown against native lua5.3)', () => {
  let host: Host
  beforeAll(async () => {
    host = await createHost({ engines: [luaEngine()], policy: 'minimal' })
  })
  afterAll(() => host.close())
  it('recursion past stackDepth ends the execution (LimitExceededError), where Lua raises a catchable "stack overflow"', async () => {
    const source = 'local function r() return 1 + r() end return (pcall(r))'
    const e = await host.execute({ language: 'lua', source }).catch((x: unknown) => x)
    expect(e).toBeInstanceOf(LimitExceededError)
    expect(spawnSync('lua5.3', ['-e', `print((function() ${source} end)())`], { encoding: 'utf8' }).stdout.trimEnd()).toBe('false')
  })
})
