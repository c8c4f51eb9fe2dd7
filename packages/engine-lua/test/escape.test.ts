import { createHost, type Host } from '@polyhost/core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { luaEngine } from '../src/index.js'

/**
 * Nothing that reaches the host is present (or works) under any preset, and what one
 * execution does to shared things is invisible to the next one on the same state.
 */
const PRESETS = ['minimal', 'standard', 'strict'] as const

/** Lua expressions that must be nil under every preset. */
const ABSENT = [
  'os and os.exit',
  'os and os.execute',
  'os and os.getenv',
  'os and os.remove',
  'os and os.rename',
  'os and os.tmpname',
  'os and os.setlocale',
  'io and io.open',
  'io and io.read',
  'io and io.popen',
  'io and io.lines',
  'io and io.stdout',
  'io and io.input',
  'package and package.loadlib',
  'package and package.searchpath',
  'package and package.searchers',
  'package and package.cpath',
  'loadfile',
  'dofile',
  'loadstring',
  'js',
  'fengari',
  'debug and debug.getregistry',
  'debug and debug.sethook',
  'debug and debug.getinfo',
  'debug and debug.getlocal',
  'debug and debug.getupvalue',
  'debug and debug.setupvalue',
  'debug and debug.setmetatable',
  'debug and debug.upvaluejoin',
]

for (const preset of PRESETS) {
  describe(`preset ${preset}`, () => {
    let host: Host
    beforeAll(async () => {
      host = await createHost({ engines: [luaEngine()], policy: preset, pool: { min: 1, max: 1 } })
    })
    afterAll(() => host.close())
    const run = async (source: string) => (await host.execute({ language: 'lua', source, name: 'escape.lua' })).value

    it('no host-reaching function is present', async () => {
      for (const expr of ABSENT) expect(await run(`return (${expr}) == nil`), expr).toBe(true)
    })

    it('io has nothing but a captured write', async () => {
      expect(await run('local n = 0 for k in pairs(io or {}) do n = n + 1 end return n')).toBeLessThanOrEqual(1)
      const r = await host.execute({ language: 'lua', source: 'if io then io.write("out") end return 1' })
      expect(r.logs.map((l) => l.message)).toEqual(['out'])
    })

    it('require reaches only registered modules, never files or node modules', async () => {
      for (const name of ['fs', 'child_process', './escape', '/etc/passwd', 'os', 'io', 'debug', 'package']) {
        const v = await run(
          `if not require then return 'absent' end local ok, e = pcall(require, ${JSON.stringify(name)})
           if ok and e == _G[${JSON.stringify(name)}] then return 'the sandbox library' end
           return ok and 'loaded' or e`,
        )
        // the Lua libraries of these names are the sandbox's own tables (package.loaded, as in Lua 5.3)
        const library = ['os', 'io', 'debug', 'package'].includes(name) && v === 'the sandbox library'
        expect(v === 'absent' || library || /not found/.test(String(v)), `${name}: ${String(v)}`).toBe(true)
      }
    })

    it('binary chunks are never loaded', async () => {
      const v = await run(`
        if not load then return 'no load' end
        local f, e = load("\\27Lua\\83\\0" .. string.rep("x", 40))
        if f then return 'loaded' end
        if string.dump then local g = load(string.dump(function() return 1 end)) if g then return 'dumped' end end
        return 'refused'`)
      expect(['no load', 'refused']).toContain(v)
    })

    it('load never sees the real globals: the default environment is the execution’s own', async () => {
      const v = await run(`
        if not load then return true end
        secret = 42
        local f = load('return _G, secret, _ENV')
        local g, s, e = f()
        return g == _G and s == 42 and e == _ENV`)
      expect(v).toBe(true)
    })

    it('the environment is the execution’s own table: no metatable leads to the shared base', async () => {
      // as in Lua 5.3 _G has no metatable; under globals.protect it has a locked one (strict globals)
      const strict = preset === 'strict'
      expect(await run('return getmetatable(_ENV) == nil and getmetatable(_G) == nil')).toBe(!strict)
      expect(await run('return getmetatable(_ENV) == false')).toBe(strict)
      expect(await run('return (pcall(setmetatable, _ENV, nil))')).toBe(!strict)
      if (!strict) {
        const source = 'setmetatable(_G, {__index = function() return 1 end}) print = nil string = nil return undefinedname'
        expect(await run(source)).toBe(1)
      }
      expect(await run('return type(print) == "function" and type(string.rep) == "function" and undefinedname == nil')).toBe(true)
    })

    it('string.dump and debug follow the preset', async () => {
      expect(await run('return string.dump ~= nil')).toBe(preset === 'minimal')
      expect(await run('return debug ~= nil and debug.traceback ~= nil')).toBe(preset !== 'strict')
      expect(await run('return load ~= nil')).toBe(preset !== 'strict')
    })

    it('collectgarbage is harmless', async () => {
      expect(await run('collectgarbage() collectgarbage("stop") return type(collectgarbage("count"))')).toBe('number')
    })

    it('tampering with _G, string, the string metatable and package.loaded is invisible to the next execution', async () => {
      await host.execute({
        language: 'lua',
        name: 'tamper.lua',
        source: `
          pcall(function() leaked = 1 end)
          pcall(function() _G.leaked2 = 1 end)
          pcall(function() string.upper = function() return 'evil' end end)
          pcall(function() string.leak = 1 end)
          pcall(rawset, string, 'leak2', 1)
          pcall(setmetatable, string, { __index = function() return 'evil' end })
          pcall(function() getmetatable('').__index = { upper = function() return 'evil' end } end)
          pcall(function() getmetatable('').__add = function() return 'evil' end end)
          pcall(function() table.insert = print end)
          pcall(function() math.pi = 3 end)
          pcall(function() package.loaded.string = { upper = function() return 'evil' end } end)
          pcall(function() package.loaded.util = 'evil' end)
          pcall(function() coroutine.wrap = nil end)
          pcall(function() os.time = nil end)
          pcall(function() math.randomseed(7) end)
          return 1`,
      })
      const v = await run(`
        return leaked == nil and leaked2 == nil and _G.leaked == nil
          and string.upper('ab') == 'AB' and ('ab'):upper() == 'AB'
          and string.leak == nil and rawget(string, 'leak2') == nil and getmetatable(string) == nil
          and string.nothing == nil and getmetatable('').__index == string and getmetatable('').__add == nil
          and table.insert ~= print and math.pi > 3.14 and coroutine.wrap ~= nil
          and (os == nil or os.time ~= nil)
          and (package == nil or (package.loaded.string == string and package.loaded.util == nil))`)
      expect(v).toBe(true)
    })

    it('array() cannot mark shared tables: the next execution sees no metatable it set', async () => {
      const shared = ['getmetatable("")', 'os', 'string', 'table', 'math', 'io', 'debug', 'coroutine', 'utf8']
      const marks = shared.map((t) => `if ${t} then pcall(array, ${t}) end`).join(' ')
      const a = await host.execute({ language: 'lua', source: `${marks} return (pcall(array, getmetatable("")))` })
      expect(a.value).toBe(false)
      const seen = shared.map((t) => `(${t} and getmetatable(${t}) or 'none')`).join(', ')
      const b = await host.execute({ language: 'lua', source: `return ${seen}` })
      expect(b.values).toEqual(shared.map(() => 'none'))
      // a library table stays read-only where it was (strict: string.format cannot be replaced)
      const w = await run('return (pcall(function() string.format = print end))')
      expect(w).toBe(preset !== 'strict')
    })

    it('shared library tables cannot be changed through rawset or setmetatable when read-only', async () => {
      const v = await run(`
        local ok1 = pcall(rawset, string, 'x', 1)
        local ok2 = pcall(setmetatable, table, {})
        local ok3 = pcall(function() getmetatable('').__index = {} end)
        return ok1, ok2, ok3`)
      if (preset === 'strict') expect(v).toBe(false)
      const strMeta = await host.execute({ language: 'lua', source: "return (pcall(function() getmetatable('').__index = {} end))" })
      expect(strMeta.value).toBe(false)
    })
  })
}

describe('strict preset', () => {
  it('refuses writes to undeclared globals but allows injected ones and locals', async () => {
    const host = await createHost({ engines: [luaEngine()], policy: 'strict' })
    const e = await host.execute({ language: 'lua', source: 'x = 1', name: 's.lua' }).catch((x: unknown) => x)
    expect(String((e as Error).message)).toMatch(/s\.lua:1: assignment to undeclared global 'x'/)
    const r = await host.execute({ language: 'lua', source: 'g = g + 1 local y = 2 return g + y', globals: { g: 1 } })
    expect(r.value).toBe(4)
    const lib = await host.execute({ language: 'lua', source: 'local ok, e = pcall(function() string.x = 1 end) return e' })
    expect(String(lib.value)).toMatch(/read-only table/)
    await host.close()
  })
})
