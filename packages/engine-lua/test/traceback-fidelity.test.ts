import { createHost, type Host } from '@polyhost/core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { luaEngine } from '../src/index.js'
import { comparableTraceback, hasNative, printed, runNativeProgram } from './native-lua.js'

// debug.traceback here (`minimal`) and in native lua5.3 / lua5.1, the same file `x.lua`: what
// `print` shows must be identical, but for addresses and the frame lua.c adds below a main
// chunk (`[C]: in ?` / `[C]: ?`, its pmain), which an embedded script does not have.

/** Programs both versions run; each prints tracebacks of its coroutines or of itself. */
const COMMON: Readonly<Record<string, string>> = {
  'frame names: a local, a global, a field, a method, a module function': `
    function g() coroutine.yield() end
    local t = {} function t.h() g() end
    function t:m() t.h() end
    mod = {} function mod.fn() t:m() end
    package.loaded.mymod = mod
    local function f() mod.fn() end
    local co = coroutine.create(function() f() end)
    coroutine.resume(co)
    print(debug.traceback(co))`,
  'tail calls: one, two, and the levels that start among them': `
    local co = coroutine.create(function()
      local function a() coroutine.yield() end
      local function b() return a() end
      local function c() return b() end
      c()
      local function d() return a() end
      d()
    end)
    coroutine.resume(co)
    for level = 0, 4 do print(debug.traceback(co, "at " .. level, level)) end
    coroutine.resume(co)
    print(debug.traceback(co))`,
  'messages and levels: nil, numbers, tables, extra arguments': `
    print(debug.traceback(nil), debug.traceback(nil, 1), debug.traceback(12, 1))
    print(type(debug.traceback()), debug.traceback("m", 1) == debug.traceback("m"))
    local t = {} print(debug.traceback(t) == t)
    local function at(...) local s = debug.traceback(...) return s end
    print(at("msg", 2))
    local co = coroutine.create(function() coroutine.yield() end) coroutine.resume(co)
    print(debug.traceback(co, nil), debug.traceback(co, 7, 1))
    print(debug.traceback(co, "x", 5))`,
  'a for iterator, a metamethod, a dead coroutine': `
    local co = coroutine.create(function()
      local function it() coroutine.yield() end
      for k in it do end
    end)
    coroutine.resume(co) print(debug.traceback(co))
    local mt = {__index = function(t, k) error("no " .. k) end}
    co = coroutine.create(function() local x = setmetatable({}, mt).field end)
    print(coroutine.resume(co)) print(debug.traceback(co))`,
  'deep stacks: the levels before and after the "..."': `
    local function deep(n) if n == 0 then coroutine.yield() else deep(n - 1) end end
    for _, n in ipairs({19, 20, 21, 22, 40}) do
      local co = coroutine.create(function() deep(n) end)
      coroutine.resume(co)
      print(debug.traceback(co))
    end`,
  'xpcall with debug.traceback as the handler': `
    local function boom() error("boom") end
    local function call() boom() end
    print(select(2, xpcall(call, debug.traceback)))`,
}

/** Lua 5.1's own rules: the level only when a number, the whole stack concatenated. */
const LUA51: Readonly<Record<string, string>> = {
  "5.1's argument handling": `
    local function at(...) local s = debug.traceback(...) return s end
    print(at("a", 1, 2))
    print(at({}, "x"))
    print(at("m", "2"))
    print(at("m", 1.5))
    print(pcall(debug.traceback, "m", {}))`,
}

const VERSIONS = [
  ['lua53', 'lua5.3', COMMON],
  ['lua51', 'lua5.1', { ...COMMON, ...LUA51 }],
] as const

describe.each(VERSIONS)('debug.traceback (%s) as native %s', (numbers, binary, programs) => {
  let host: Host
  beforeAll(async () => {
    host = await createHost({ engines: [luaEngine({ numbers })], policy: 'minimal' })
  })
  afterAll(async () => {
    await host.close()
  })

  it.skipIf(!hasNative(binary)).each(Object.entries(programs))('%s', async (_name, source) => {
    const native = runNativeProgram(binary, source)
    const here = await host.execute({ language: 'lua', source, name: 'x.lua' })
    expect(comparableTraceback(printed(here.logs))).toBe(comparableTraceback(native))
  })
})
