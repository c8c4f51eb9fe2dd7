import { spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createHost, type Host } from '@polyhost/core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { luaEngine } from '../src/index.js'
import { hasNative } from './native-lua.js'

// `package`/`require` of the standard libraries and `load` with a reader, mode and env,
// judged against native lua5.3 in the same run: each program prints, and the engine's log
// lines must equal native's stdout.

const PROGRAMS: Record<string, string> = {
  'require of the libraries': `
    for _, name in ipairs({'string', 'table', 'math', 'coroutine', 'utf8', 'os', 'package'}) do
      print(name, require(name) == _G[name], package.loaded[name] == _G[name])
    end
    print(package.loaded._G == _G, type(package.loaded), type(package.preload))
    print(select('#', require('string')), pcall(require, 'no.such.module') == false)`,
  'package.loaded and preload': `
    package.preload.greet = function(name, extra) return { hi = 'hi ' .. name, extra = extra } end
    local g = require('greet')
    print(g.hi, g.extra, require('greet') == g, package.loaded.greet == g)
    package.loaded.answer = 42
    print(require('answer'))
    package.preload.nothing = function() end
    print(require('nothing'), package.loaded.nothing)
    print(string.sub(package.config, 1, 1))`,
  'load with a reader function': `
    local parts = { 'return ', '1 ', '+ ', '41' }
    local i = 0
    local f = load(function() i = i + 1 return parts[i] end)
    print(f(), i)
    local n = 0
    print(load(function() n = n + 1 if n == 1 then return 'return 7' end return '' end)())
    print(type(load(function() return nil end)))
    print(pcall(load(function() return nil end)))
    print(load(function() error('boom', 0) end))
    print(load(function() return {} end))
    local k = 0
    print(load(function() k = k + 1 if k == 1 then return 12 end end))
    print(pcall(load, 42))
    print(load(function() return 'return ' end, '=pieces'))
    local once = false
    print(load(function() if once then return nil end once = true return 'syntax error here' end, '@x.lua'))`,
  'load mode and env': `
    print(load('return 1', 'c', 't') ~= nil, load('return 1', 'c', 'bt') ~= nil)
    print(load('return 1', 'c', 'b'))
    local env = { x = 5 }
    print(load('return x', 'c', 't', env)(), load('x = 9', 'c', 't', env)(), env.x)
    print(pcall(load('return x', 'c', 't', nil)))
    x = 3
    print(load('return x')(), load('return x', 'c', 't')())
    print(load('syntax error here', '=named'))
    print(load('syntax error here'))`,
  "load's mode: its letters anywhere, up to a NUL; the whole mode in the refusal": `
    print(load('return 1', 'c', 'xxbxx'))
    print(load('return 1', 'c', ('y'):rep(5000) .. 't' .. ('z'):rep(10))())
    print(load('return 1', 'c', 'b\\0t'))
    print(load('return 1', 'c', '\\0t'))
    print(load('return 1', 'c', 'B T'))
    print(load('return 1', 'c', ''))
    print(load('\\27Lua', 'c', 't'))
    print(load(function() return nil end, 'c', 'qq'))
    print(load(function() return nil end, 'c', 'b'))
    local parts = { 'return ', '3' }
    print(load(function() return table.remove(parts, 1) end, 'c', 'xtx')())`,
  "load's arguments checked as C Lua checks them: mode (#3), then the chunk name (#2), then the chunk": `
    local function P(ok, v, e) print(ok, type(v), e) end
    P(true, load('x =', 5))
    P(pcall(load, 'x =', true))
    P(pcall(load, 'x =', {}))
    print(pcall(load('error("e")', 42)))
    print(pcall(load(function() return nil end, 7)))
    P(pcall(load, function() return 'x =' end, 7.5))
    P(pcall(load, function() end, true))
    P(pcall(load, 12, 3))
    P(pcall(load, 'return 1', nil, 5))
    P(pcall(load, 'return 1', 'n', 'x'))
    P(pcall(load, 'return 1', 'n', true))
    P(pcall(load, 'return 1', 'n', nil))
    P(pcall(load, 'return 1', true, 5))
    P(pcall(load, nil, true))
    P(pcall(load, true))
    P(pcall(load, nil))
    P(true, load(('x = = 1'):gsub('= =', '==')))`,
}

describe.skipIf(!hasNative('lua5.3'))('package, require and load against native lua5.3', () => {
  let host: Host
  beforeAll(async () => {
    host = await createHost({ engines: [luaEngine()], policy: 'standard' })
  })
  afterAll(() => host.close())

  for (const [name, source] of Object.entries(PROGRAMS)) {
    it(name, async () => {
      // inside pcall: lua.c's message handler would otherwise add tracebacks to load's errors
      const wrapped = `local ok, e = pcall(function()\n${source}\nend)\nif not ok then print('error', e) end`
      const native = spawnSync('lua5.3', ['-e', wrapped], { encoding: 'utf8' })
      expect(native.status, native.stderr).toBe(0)
      const r = await host.execute({ language: 'lua', source: wrapped, name: 'cmd.lua' })
      expect(r.logs.map((l) => l.message).join('\n')).toBe(native.stdout.trimEnd().replaceAll('(command line)', 'cmd.lua'))
    })
  }

  // a registered module that did not compile was reported as not found, with the searchers'
  // list after the compile error; C Lua raises the load error alone (loadlib.c checkload)
  it('a registered module that does not compile raises its error alone, as a file module does natively', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'polyhost-require-'))
    try {
      const source = 'local M = {}\nfunction M.f( end\nreturn M'
      writeFileSync(join(dir, 'broken.lua'), source)
      const script = "print(select(2, pcall(require, 'broken')))"
      const native = spawnSync('lua5.3', ['-e', script], { encoding: 'utf8', env: { ...process.env, LUA_PATH: `${dir}/?.lua` } })
      expect(native.status, native.stderr).toBe(0)
      const expected = native.stdout
        .trimEnd()
        .replaceAll(`from file '${dir}/broken.lua'`, 'registered by the host')
        .replaceAll(`${dir}/broken.lua:`, 'broken:')
      const h = await createHost({ engines: [luaEngine()], policy: 'standard' })
      try {
        h.modules.register({ name: 'broken', language: 'lua', source })
        h.setPolicy({ modules: { allow: ['broken'] } })
        const r = await h.execute({ language: 'lua', source: script })
        expect(r.logs.map((l) => l.message).join('\n')).toBe(expected)
      } finally {
        await h.close()
      }
    } finally {
      rmSync(dir, { recursive: true })
    }
  })

  it('preload and loaded are per execution', async () => {
    await host.execute({ language: 'lua', source: "package.preload.m = function() return 1 end package.loaded.x = 1 require('m')" })
    const r = await host.execute({
      language: 'lua',
      source: "return package.preload.m, package.loaded.x, package.loaded.m, pcall(require, 'm')",
    })
    expect(r.values.slice(0, 4)).toEqual([null, null, null, false])
  })

  it('the package table itself is shared and read-only; nothing searches files', async () => {
    const r = await host.execute({
      language: 'lua',
      source: 'return pcall(function() package.path = "./?.lua" end), package.path, package.cpath, package.searchpath, package.loadlib',
    })
    expect(r.values).toEqual([false, null, null, null, null])
  })

  it('a reader producing without end is stopped by the memory limit', async () => {
    const e = await host
      .execute({
        language: 'lua',
        source: "local s = string.rep('x', 1 << 20) return load(function() return s end)",
        limits: { memoryBytes: 16 << 20 },
      })
      .catch((x: unknown) => x)
    expect(e).toMatchObject({ limit: 'memory' })
  })
})
