import { createHost, type Host } from '@polyhost/core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { luaEngine } from '../src/index.js'
import { comparableTraceback, hasNative, nativeErrorReport, printed, runNativeProgram } from './native-lua.js'

// The line a call is charged to when its parts are spread over lines: Lua 5.1 charges it to the
// line where its arguments start ('(', '{' or the string; lparser.c 5.1 funcargs), Lua 5.3 to
// the line where the called expression starts. It shows in error positions (level 1 and 2),
// 'attempt to call' messages and tracebacks. The engine (`minimal`, chunk `x.lua`) against
// native lua5.3 / lua5.1 running the same file, in the same run.

/** Programs both versions accept; each prints pcall's results or a traceback. */
const PROGRAMS: Readonly<Record<string, string>> = {
  'a string or table argument on a later line than the function': `
    local function g(s) if type(s) == 'table' then s = s[1] end error(s, 2) end
    print(pcall(function()
      g
      'string argument, level 2'
    end))
    print(pcall(function()
      g
      {
        'table argument, level 2'
      }
    end))
    print(pcall(function()
      error
      'level 1 by a string call'
    end))`,
  "'attempt to call' a nil field, global or method": `
    local t = {o = {}}
    print(pcall(function()
      t.nope
      'x'
    end))
    print(pcall(function()
      nosuch
      {}
    end))
    print(pcall(function()
      t.o
      :none
      'x'
    end))`,
  'method calls, field chains and parenthesized callees over lines': `
    local t = {}
    function t:m(s) error(s, 2) end
    function t.f(s) error(s, 2) end
    print(pcall(function()
      t
      :m
      'method, level 2'
    end))
    print(pcall(function()
      t:m
      'method on one line, argument on the next'
    end))
    print(pcall(function()
      t
      .f('field on the next line, then a call')
    end))
    print(pcall(function()
      local x = (t.f
      )('parenthesized callee')
    end))`,
  'chained calls and tail calls': `
    local function g(s) error(s, 2) end
    local function r() return g end
    print(pcall(function()
      r()
      'chained'
    end))
    print(pcall(function()
      r
      'a'
      'b'
    end))
    print(pcall(function()
      return g
      'tail call'
    end))`,
  'operators over lines (5.1: the line of the last operand, 5.3: the line of the operator)': `
    local t = {}
    print(pcall(function()
      local x = t
      +
      1
    end))
    print(pcall(function()
      local a, b = 1, t
      local x = a
      *
      b
    end))
    print(pcall(function()
      local x = 'a'
      ..
      'b'
      ..
      t
    end))
    print(pcall(function()
      local x = -
      t
    end))
    print(pcall(function()
      local x = #
      nil
    end))
    print(pcall(function()
      local x = t
      <
      1
    end))`,
  'for-in generators: a bad argument to one, and one that is not callable': `
    print(pcall(function()
      local t = {} for k in pairs(t),
      nil do end
    end))
    print(pcall(function()
      for k in next, nil do end
    end))
    print(pcall(function()
      for k in 1 do end
    end))
    print(pcall(function()
      local g = {}
      for k in g do end
    end))
    print(select(2, xpcall(function()
      for k in next, nil do end
    end, debug.traceback)))`,
  tracebacks: `
    local function g(s) error(s) end
    print(debug.traceback
    'traceback')
    print(select(2, xpcall(function()
      g
      'in xpcall'
    end, debug.traceback)))
    local co = coroutine.create(function()
      coroutine.yield
      'y'
    end)
    coroutine.resume(co)
    print(debug.traceback(co))`,
}

/** Unclosed argument lists: the syntax error names the line of the '(' or '{' it opened at. */
const UNCLOSED = ['t = {}\nt\n.f(1,\n2\n', 'local t = {}\nt\n:m{1,\n2\n', 'f\n"a"\n(1,\n']

const VERSIONS = [
  ['lua53', 'lua5.3'],
  ['lua51', 'lua5.1'],
] as const

describe.each(VERSIONS)('call lines (%s) as native %s', (numbers, binary) => {
  let host: Host
  beforeAll(async () => {
    host = await createHost({ engines: [luaEngine({ numbers })], policy: 'minimal' })
  })
  afterAll(async () => {
    await host.close()
  })

  it.skipIf(!hasNative(binary)).each(Object.entries(PROGRAMS))('%s', async (_name, source) => {
    const native = runNativeProgram(binary, source)
    const here = await host.execute({ language: 'lua', source, name: 'x.lua' })
    expect(comparableTraceback(printed(here.logs))).toBe(comparableTraceback(native))
  })

  it.skipIf(!hasNative(binary)).each(UNCLOSED)('the syntax error of %j', async (source) => {
    const expected = nativeErrorReport(binary, source)
    expect(expected).toMatch(/^x\.lua:\d+: /)
    await expect(host.execute({ language: 'lua', source, name: 'x.lua' })).rejects.toThrow(expected)
  })
})
