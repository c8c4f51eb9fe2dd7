import { createHost, type Host } from '@polyhost/core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { luaEngine } from '../src/index.js'
import { hasNative, runNativeProgram } from './native-lua.js'

// io.write and the file handle it returns, judged against native lua5.3 in the same run.
// The programs write only through io.write, so native's stdout is the engine's log lines
// (one per write call) joined without separators.

const PROGRAMS: Readonly<Record<string, string>> = {
  'io.write returns the standard output handle, so writes chain': `
    local function show(...) local t = table.pack(...) for i = 1, t.n do t[i] = tostring(t[i]) end io.write(table.concat(t, '\\t'), '\\n') end
    show(pcall(function() return io.write('a'):write('b', 1, 2.5, '\\n'):write('c\\n') == io.write() end))
    show(select('#', io.write()), select('#', io.write():write()), select('#', io.write('x', '\\n')))
    show(io.write() == io.write(), (tostring(io.write()):gsub('0x%x+', 'ADDR')), type(io.write()), getmetatable(io.write()).__name)
    local f = io.write()
    show(f.write == getmetatable(f).write, getmetatable(f).__index == getmetatable(f), rawequal(f, f:write()), f:flush())
    show(f:close())
    show(pcall(function() return f.write({}, 'x') end))
    show(pcall(function() return io.write('a'):write({}) end))`,
  'numbers are written as fprintf writes them (%d, %.14g), arguments before a bad one are written': `
    io.write(1.0, ' ', 2^53, ' ', 1e100, ' ', -0.0, ' ', 3, ' ', -7, ' ', 0.1, ' ', 1/0, ' ', 2^63, ' ', 1e15, ' ', 123456789012.0, '\\n')
    io.write(tostring(pcall(io.write, {})), '\\n')
    io.write(select(2, pcall(io.write, 'x', 2.0, nil)), '\\n')
    io.write(select(2, pcall(io.write, 'y', setmetatable({}, {__tostring = function() return 'no' end}))), '\\n')`,
}

describe.skipIf(!hasNative('lua5.3'))('io.write as native lua5.3', () => {
  let host: Host
  beforeAll(async () => {
    host = await createHost({ engines: [luaEngine()], policy: 'standard' })
  })
  afterAll(() => host.close())

  it.each(Object.entries(PROGRAMS))('%s', async (_name, source) => {
    const want = runNativeProgram('lua5.3', source)
    const got = await host.execute({ language: 'lua', source, name: 'x.lua' })
    expect(got.logs.map((l) => l.message).join('')).toBe(want)
  })
})
