import { spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createHost, type Host } from '@polyhost/core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { luaEngine } from '../src/index.js'
import { hasNative } from './native-lua.js'

// Behaviour the Lua 5.3 test suite checks and scripts rely on, run here (`minimal`) and in
// native lua5.3 as the same file `x.lua`: what `print` shows must be identical (addresses
// aside). Each group was a difference before its fix (see the commit that added it).

const PROGRAMS: Readonly<Record<string, string>> = {
  'bad-argument messages name the library function (registry _LOADED)': `
    print(pcall(string.rep))
    print(pcall(("x").rep))
    print(pcall(setmetatable, 1))
    local f = string.rep print(pcall(f))
    print(pcall(table.sort, {1, 2, 3}, table.sort))
    print(pcall(string.gsub, "s", "s", setmetatable))
    print(pcall(math.floor, "a"))
    print(pcall(string.format, "%d", "x"))
    print(pcall(io.write, {}))`,
  'collectgarbage checks its option as C Lua': `
    print(pcall(collectgarbage, {}))
    print(pcall(collectgarbage, "nope"))
    print(collectgarbage(), collectgarbage("collect"), collectgarbage("step"), collectgarbage("isrunning"))
    print(math.type(collectgarbage("count")))`,
  'runtime errors name the variable (global, local, field, upvalue, method) and __name': `
    print(pcall(function() return undefinedglobal.x end))
    print(pcall(function() local t t.x = 1 end))
    print(pcall(function() local t = {} t.a.b = 1 end))
    local up print(pcall(function() return up.x end))
    print(pcall(function() local s = "x" return s:nomethod() end))
    print(pcall(function() return #undefinedglobal end))
    print(pcall(function() local t = {} return t.x + 1 end))
    print(pcall(function() local a return "x" .. a end))
    print(pcall(function() return {} < 1 end))
    print(pcall(function() undefinedfn() end))
    local XX = setmetatable({}, {__name = "My Type"})
    print(pcall(function() return XX + 1 end))
    print(pcall(function() return XX < XX end))
    print(pcall(function() return {} < XX end))
    print(tostring(XX):match("^My Type: "))`,
  'debug.traceback: [C] frames, function names, levels, other threads': `
    print(debug.traceback("hi", 0):match("^[^\\n]*\\n[^\\n]*\\n[^\\n]*"))
    print(debug.traceback(print) == print, debug.traceback("hi"):match("^hi\\nstack traceback:\\n"))
    print((select(2, (function() return pcall end)()(debug.traceback)):match("[^\\n]*pcall[^\\n]*")))
    local co = coroutine.create(function() coroutine.yield() end)
    coroutine.resume(co)
    print(debug.traceback(co))
    print(debug.traceback(co, "msg", 1))
    local dead = coroutine.create(function() error("boom") end)
    coroutine.resume(dead)
    print(debug.traceback(dead))`,
  'the main chunk is the main thread': `
    local main, ismain = coroutine.running()
    print(type(main), ismain, coroutine.isyieldable(), coroutine.status(main))
    print(pcall(coroutine.yield))
    print(coroutine.resume(main))
    print(coroutine.wrap(function() return select(2, coroutine.running()), coroutine.isyieldable() end)())
    local gen = coroutine.wrap(function(a) local b = coroutine.yield(a + 1) return b * 2 end)
    print(gen(1), gen(5))`,
  'closures of one prototype with the same upvalues are one value (5.3 closure cache)': `
    local function f() return function() return math end end
    print(f() == f())
    local a = {}
    for i = 1, 3 do a[i] = function() return i end end
    print(a[1] == a[2], a[1]() + a[2]() + a[3]())
    for i = 1, 3 do a[i] = function(x) return x + a end end
    print(a[1] == a[2], a[2] == a[3])`,
  '_G is the whole global table': `
    local names = {}
    for k in pairs(_G) do names[#names + 1] = k end
    table.sort(names)
    print(#names > 20, table.concat(names, " "):find("print") ~= nil, rawget(_G, "string") == string)
    local s = tostring
    tostring = nil
    local gone, ok, err = rawequal(tostring, nil), pcall(print, 1)
    tostring = function() return {} end
    local _, err2 = pcall(print, 1)
    tostring = s
    print(gone, ok, err, err2)
    print(getmetatable(_G), rawequal(_G, _ENV))
    setmetatable(_G, {__index = function(_, k) return "<" .. k .. ">" end})
    print(undefinedname)`,
}

/** Addresses differ between runs and implementations. */
const normalize = (text: string) => text.replace(/0x[0-9a-f]+/g, 'ADDR').trimEnd()

describe.skipIf(!hasNative('lua5.3'))('Lua 5.3 fidelity: the same programs here and in native lua5.3', () => {
  let host: Host
  let dir: string
  beforeAll(async () => {
    host = await createHost({ engines: [luaEngine()], policy: 'minimal' })
    dir = mkdtempSync(join(tmpdir(), 'polyhost-fidelity-'))
  })
  afterAll(async () => {
    await host.close()
    rmSync(dir, { recursive: true, force: true })
  })

  it.each(Object.entries(PROGRAMS))('%s', async (_name, source) => {
    writeFileSync(join(dir, 'x.lua'), source)
    const native = spawnSync('lua5.3', ['x.lua'], { cwd: dir, encoding: 'utf8' })
    expect(native.status, native.stderr).toBe(0)
    const here = await host.execute({ language: 'lua', source, name: 'x.lua' })
    expect(normalize(here.logs.map((l) => l.message).join('\n'))).toBe(normalize(native.stdout))
  })
})

describe.skipIf(!hasNative('lua5.1'))("the 'lua51' mode's main thread answers as lua5.1", () => {
  it('coroutine.running is nil on the main thread, yield there is refused', async () => {
    const host = await createHost({ engines: [luaEngine({ numbers: 'lua51' })], policy: 'minimal' })
    const source = `
      print(coroutine.running())
      print(type(coroutine.wrap(function() return coroutine.running() end)()))
      print(pcall(coroutine.yield))`
    const dir = mkdtempSync(join(tmpdir(), 'polyhost-fidelity51-'))
    try {
      writeFileSync(join(dir, 'x.lua'), source)
      const native = spawnSync('lua5.1', ['x.lua'], { cwd: dir, encoding: 'utf8' })
      const here = await host.execute({ language: 'lua', source, name: 'x.lua' })
      expect(here.logs.map((l) => l.message).join('\n')).toBe(native.stdout.trimEnd())
    } finally {
      rmSync(dir, { recursive: true, force: true })
      await host.close()
    }
  })
})
