import { spawnSync } from 'node:child_process'
import { createHost } from '@polyhost/core'
import { describe, expect, it } from 'vitest'
import { hasNative } from '../test/native-lua.js'
import { luaEngine } from './index.js'

describe.skipIf(!hasNative('lua5.3'))('stdlib fixes against native lua5.3', () => {
  it('os.date("!fmt", t) formats t in UTC without the "!", whatever the local zone', async () => {
    const expr = 'os.date("!%Y-%m-%d %H:%M:%S|%c|%j|%A", 1733333333) .. os.date("!%Y", 0)'
    const native = spawnSync('lua5.3', ['-e', `io.write(${expr})`], { encoding: 'utf8', env: { ...process.env, TZ: 'America/New_York' } })
    const tz = process.env.TZ
    process.env.TZ = 'America/New_York' // Node applies a TZ assigned at run time
    const host = await createHost({ engines: [luaEngine()], policy: 'minimal' })
    try {
      const r = await host.execute({ language: 'lua', source: `return ${expr}, os.date("%j|%H", 1733333333)` })
      const local = spawnSync('lua5.3', ['-e', 'io.write(os.date("%j|%H", 1733333333))'], { encoding: 'utf8', env: { ...process.env } })
      expect(r.values).toEqual([native.stdout, local.stdout])
    } finally {
      await host.close()
      if (tz === undefined) delete process.env.TZ
      else process.env.TZ = tz
    }
  })

  it('pairs returns the real next (no patch needed: checked so it stays so)', async () => {
    const expr = 'tostring(select(1, pairs({})) == next)'
    const native = spawnSync('lua5.3', ['-e', `io.write(${expr})`], { encoding: 'utf8' })
    const host = await createHost({ engines: [luaEngine()], policy: 'minimal' })
    try {
      expect((await host.execute({ language: 'lua', source: `return ${expr}` })).values).toEqual([native.stdout])
    } finally {
      await host.close()
    }
  })

  it('nesting limits are worded as Lua 5.3 words them ("C levels", "C stack overflow")', async () => {
    const chunks = ["'return ' .. string.rep('(', 300) .. '1' .. string.rep(')', 300)", "string.rep('a,', 300) .. 'a = 1'"]
    const source = `${chunks.map((c) => `print(select(2, load(${c}, '=c')))`).join('\n')}
local function r() return (string.gsub('x', 'x', r)) end
print(select(2, pcall(r)))`
    const native = spawnSync('lua5.3', ['-e', source], { encoding: 'utf8' })
    const host = await createHost({ engines: [luaEngine()], policy: 'minimal' })
    try {
      const r = await host.execute({ language: 'lua', source })
      expect(r.logs.map((l) => l.message).join('\n')).toBe(native.stdout.trimEnd())
    } finally {
      await host.close()
    }
  })

  it('print calls the global tostring, as Lua 5.3 does', async () => {
    const source = `local saved, out = tostring, {}
print(1, 'a', nil)
tostring = function(v) return '<' .. saved(v) .. '>' end
print(1, 'a', nil)
tostring = 42
out[1] = select(2, pcall(print, 1)):gsub('^[^:]*:%d+: ', '')
tostring = function() return {} end
out[2] = select(2, pcall(print, 1)):gsub('^[^:]*:%d+: ', '')
tostring = saved
print(out[1], out[2])`
    const wrapped = `local ok, e = pcall(function()\n${source}\nend) if not ok then io.write('error ', e, '\\n') end`
    const native = spawnSync('lua5.3', ['-e', wrapped], { encoding: 'utf8' })
    const host = await createHost({ engines: [luaEngine()], policy: 'minimal' })
    try {
      const r = await host.execute({ language: 'lua', source: wrapped })
      expect(r.logs.map((l) => l.message).join('\n')).toBe(native.stdout.trimEnd())
    } finally {
      await host.close()
    }
  })
})
