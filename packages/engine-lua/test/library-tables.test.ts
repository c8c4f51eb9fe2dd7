import { createHost, type Host } from '@polyhost/core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { luaEngine } from '../src/index.js'
import { hasNative, iife, runEngine, runNative } from './native-lua.js'

// os, io and debug are library tables like string or math: a script may change them (mocking
// os.time is a common test pattern) unless the policy makes builtins read-only, and reset
// puts back a pristine copy, so no change reaches the next execution on the state.

/** Writes a script may make to library tables, each answered by native Lua in the same run. */
const WRITES = [
  iife('return pcall(function() os.time = function() return 0 end end)'),
  iife('os.time = function() return 0 end return os.time()'),
  iife('return pcall(function() os.myhelper = 1 end)'),
  iife('return pcall(function() io.myhelper = 1 end)'),
  iife('return pcall(function() debug.traceback = tostring end)'),
  iife("return (pcall(rawset, os, 'x', 1))"),
  iife('return (pcall(setmetatable, io, {}))'),
  iife('return pcall(function() math.answer = 42 end)'),
]

/** What the next execution must see again, whatever the last one did to the tables. */
const CHECK = `return type(os.time()), os.time() ~= 0, os.myhelper, io.myhelper, os.x, type(io.write),
  getmetatable(os), getmetatable(io), type(debug.traceback), type(os.date)`
const TAMPER = `
  os.time = function() return 0 end
  os.myhelper, io.myhelper = 1, 1
  rawset(os, 'x', 1)
  io.write = nil
  debug.traceback = nil
  os.date = nil
  setmetatable(os, {}) setmetatable(io, {})
  return os.time(), os.myhelper, io.myhelper, io.write, debug.traceback, os.date`

const MODES = [
  ['lua53', 'lua5.3'],
  ['lua51', 'lua5.1'],
] as const

describe.each(MODES)('library tables os, io and debug (%s)', (numbers, binary) => {
  const hosts = new Map<string, Host>()
  beforeAll(async () => {
    for (const policy of ['minimal', 'standard', 'strict'] as const) {
      hosts.set(policy, await createHost({ engines: [luaEngine({ numbers })], policy, pool: { min: 1, max: 1 } }))
    }
  })
  afterAll(async () => {
    for (const h of hosts.values()) await h.close()
  })
  const run = async (policy: string, source: string) =>
    (await (hosts.get(policy) as Host).execute({ language: 'lua', source, name: 't.lua' })).values

  it.skipIf(!hasNative(binary))(`are writable as in native ${binary} (minimal, standard)`, async () => {
    const want = runNative(binary, WRITES)
    for (const policy of ['minimal', 'standard']) {
      for (const [i, expr] of WRITES.entries()) {
        const got = await runEngine(hosts.get(policy) as Host, expr)
        expect({ policy, expr, ...got }).toEqual({ policy, expr, ok: want[i]?.ok, text: want[i]?.text })
      }
    }
  })

  it.each(['minimal', 'standard'])('a change reaches no later execution on the state (%s)', async (policy) => {
    const before = await run(policy, CHECK)
    expect(before.slice(0, 2)).toEqual(['number', true])
    expect(await run(policy, TAMPER)).toEqual([0, 1, 1, null, null, null])
    expect(await run(policy, CHECK)).toEqual(before)
  })

  it('are read-only under readOnlyBuiltins (strict)', async () => {
    const [hasOs, os, io] = await run(
      'strict',
      `local function w(t) local ok, e = pcall(function() t.myhelper = 1 end) return ok or tostring(e):gsub('^.-:%d+: ', '') end
       return os ~= nil, os and w(os), io and w(io)`,
    )
    expect(hasOs).toBe(true)
    expect(os).toBe('attempt to modify a read-only table')
    if (io !== null) expect(io).toBe('attempt to modify a read-only table')
  })
})
