import { spawnSync } from 'node:child_process'
import { createHost, type Host, LimitExceededError } from '@polyhost/core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { luaEngine } from '../src/index.js'
import { hasNative } from './native-lua.js'

// The README's "Deviations from Lua 5.3" that are not about numbers: each test runs the same
// program here and in native lua5.3 and shows the difference. When one of these is fixed,
// its test fails: move the row out of the README.

const native = (source: string) => spawnSync('lua5.3', ['-e', `print(${source})`], { encoding: 'utf8' }).stdout.trimEnd()

describe.skipIf(!hasNative('lua5.3'))('deviations from Lua 5.3 (each shown against native lua5.3)', () => {
  let host: Host
  beforeAll(async () => {
    host = await createHost({ engines: [luaEngine()], policy: 'minimal' })
  })
  afterAll(() => host.close())
  const here = async (source: string) => {
    const r = await host.execute({ language: 'lua', source: `print(${source})` })
    return r.logs.map((l) => l.message).join('\n')
  }
  const differs = async (source: string, expected: { here: string; native: string }) => {
    expect({ here: await here(source), native: native(source) }).toEqual(expected)
  }

  it('closures are not cached: two closures of one prototype are never equal', async () => {
    const src = '(function() local function f() return function() return math end end return f() == f() end)()'
    await differs(src, { here: 'false', native: 'true' })
  })

  it('the main chunk runs in a coroutine: coroutine.running() says it is not the main thread', async () => {
    await differs('select(2, coroutine.running()), coroutine.isyieldable()', { here: 'false\ttrue', native: 'true\tfalse' })
  })

  it('pairs(_G) and next(_G) see only the execution’s own globals, not the shared base', async () => {
    await differs('(function() for k in pairs(_G) do if k == "print" then return true end end return false end)()', {
      here: 'false',
      native: 'true',
    })
  })

  it('assigning nil to a base global (tostring = nil) leaves the base value visible', async () => {
    await differs('(function() local s = tostring tostring = nil local t = type(tostring) tostring = s return t end)()', {
      here: 'function',
      native: 'nil',
    })
  })

  it('recursion past stackDepth ends the execution (LimitExceededError), where Lua raises a catchable "stack overflow"', async () => {
    const source = 'local function r() return 1 + r() end return (pcall(r))'
    const e = await host.execute({ language: 'lua', source }).catch((x: unknown) => x)
    expect(e).toBeInstanceOf(LimitExceededError)
    expect(spawnSync('lua5.3', ['-e', `print((function() ${source} end)())`], { encoding: 'utf8' }).stdout.trimEnd()).toBe('false')
  })
})
