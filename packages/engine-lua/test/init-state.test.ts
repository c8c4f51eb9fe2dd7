import { createHost, type Host, InvalidArgumentError, ScriptRuntimeError } from '@polyhost/core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { luaEngine } from '../src/index.js'

// The init script runs once per state, and every execution on that state shares what it
// made. Tables it made used to be writable and its closures' upvalues kept their values, so
// one tenant's writes reached the next tenant's execution on the same state:
//   shared.x = "secret"  →  the next execution's `return shared.x` gave 'secret'.

const INIT = `
shared = { list = {}, nested = setmetatable({}, { __index = function() return 'meta' end }) }
local count = 0
function inc() count = count + 1 return count end
local cache = {}
function remember(k, v) if v ~= nil then cache[k] = v end return cache[k] end
function string.shout(s) return s:upper() .. '!' end
local mode = 'a'
function setMode(m) mode = m return mode end
function getMode() return mode end
function modes() return setMode, getMode end
`

let host: Host
beforeAll(async () => {
  host = await createHost({ engines: [luaEngine({ init: INIT })], pool: { min: 1, max: 1 } })
})
afterAll(() => host.close())

const lua = async (source: string, tenant?: string) => (await host.execute({ language: 'lua', source, tenant })).values

describe('what the init script made', () => {
  it('is read-only: tables it made refuse writes, nested and as metatables', async () => {
    for (const source of ['shared.x = 1', 'shared.list[1] = 5', 'rawset(shared, "x", 1)', 'getmetatable(shared.nested).__index = nil']) {
      await expect(lua(source)).rejects.toThrow(ScriptRuntimeError)
      await expect(lua(source)).rejects.toThrow(/read-only table/)
    }
    expect(await lua('return shared.x, shared.list[1], shared.nested.anything')).toEqual([null, null, 'meta'])
  })

  it('keeps no upvalue change from one execution to the next', async () => {
    expect(await lua('inc() inc() return inc()')).toEqual([3])
    expect(await lua('return inc()')).toEqual([1])
    await expect(lua("inc() error('after a change')")).rejects.toThrow(/after a change/)
    expect(await lua('return inc()')).toEqual([1])
  })

  it('puts back an upvalue several closures share, whichever closure changed it', async () => {
    expect(await lua("setMode('b') return getMode()")).toEqual(['b'])
    expect(await lua('return getMode()')).toEqual(['a'])
    expect(await lua("local set, get = modes() set('c') return get(), getMode()")).toEqual(['c', 'c'])
    expect(await lua('local _, get = modes() return get(), getMode()')).toEqual(['a', 'a'])
  })

  it('shares no table reached through an upvalue', async () => {
    await expect(lua("return remember('k', 'secret')")).rejects.toThrow(/read-only table/)
    expect(await lua("return remember('k')")).toEqual([null])
  })

  it("never runs one tenant's function in the next tenant's execution, nor lets an in-place library call change its tables", async () => {
    // a function A leaves in an init upvalue would read B's context if it were still there
    // (executions without a tenant share states, as tenants do with `partitionByTenant: false`)
    const run = (source: string, who: string) =>
      host.execute({ language: 'lua', source, context: { token: `token-of-${who}` } }).then((r) => r.values)
    expect(await run("setMode(function() return context.token end) return 'ok'", 'A')).toEqual(['ok'])
    expect(await run("local m = getMode() return type(m) == 'function' and m() or m", 'B')).toEqual(['a'])
    for (const source of ['table.insert(shared.list, 1)', 'table.move({9}, 1, 1, 1, shared.list)']) {
      await expect(lua(source)).rejects.toThrow(/read-only table/)
    }
  })

  it('still works as the helpers it defines', async () => {
    expect(await lua("return ('hi'):shout(), string.shout('x'), type(shared.list)")).toEqual(['HI!', 'X!', 'table'])
  })

  it('may not keep a coroutine: its locals would carry one execution to the next', async () => {
    // a generator in a global kept `v` across executions and tenants: A set it, B read it
    const kept = [
      'chan = coroutine.wrap(function() local v while true do local c, x = coroutine.yield(v) if c == "set" then v = x end end end)',
      'local co = coroutine.create(function() end) function step() return coroutine.resume(co) end',
      'registry = { gens = { coroutine.create(print) } }',
    ]
    for (const init of kept) {
      const made = createHost({ engines: [luaEngine({ init })] })
      await made.then(
        (h) => h.close(),
        () => undefined,
      )
      await expect(made, init).rejects.toThrow(InvalidArgumentError)
      await expect(made, init).rejects.toThrow(/coroutine/)
    }
    // a coroutine init made and let go is no one's: the host starts
    const fine = await createHost({ engines: [luaEngine({ init: 'local co = coroutine.create(print) helper = function() return 1 end' })] })
    expect((await fine.execute({ language: 'lua', source: 'return helper()' })).value).toBe(1)
    await fine.close()
  })

  // a gmatch iterator in init kept its position: A read 'a', 'b'; B then read 'c'
  it('may not keep a string.gmatch iterator: its position would carry one execution to the next', async () => {
    for (const init of [
      'local it = ("abcdefgh"):gmatch(".") function nextChar() return it() end',
      'iters = { string.gmatch("a b", "%a") }',
    ]) {
      const made = createHost({ engines: [luaEngine({ init })] })
      await made.then(
        (h) => h.close(),
        () => undefined,
      )
      await expect(made, init).rejects.toThrow(InvalidArgumentError)
      await expect(made, init).rejects.toThrow(/string.gmatch iterator/)
    }
  })

  // 5.1's newproxy(true) made a metatable the walk never reached: a write to it by one
  // execution was read by the next
  it("freezes a 5.1 proxy's metatable like the tables init made", async () => {
    const h = await createHost({
      engines: [luaEngine({ numbers: 'lua51', init: 'P = newproxy(true) getmetatable(P).box = {}' })],
      pool: { min: 1, max: 1 },
    })
    try {
      const write = await h.execute({ language: 'lua', source: 'return pcall(function() getmetatable(P).x = "secret" end)' })
      expect(write.values[0]).toBe(false)
      const nested = await h.execute({ language: 'lua', source: 'return pcall(function() getmetatable(P).box.x = "secret" end)' })
      expect(nested.values[0]).toBe(false)
      const read = await h.execute({ language: 'lua', source: 'return getmetatable(P).x, getmetatable(P).box.x' })
      expect(read.values).toEqual([null, null])
    } finally {
      await h.close()
    }
  })

  it('fails createHost with a typed error when it raises', async () => {
    const made = createHost({ engines: [luaEngine({ init: 'error("boom")' })] })
    await made.then(
      (h) => h.close(),
      () => undefined,
    )
    await expect(made).rejects.toThrow(ScriptRuntimeError)
    await expect(made).rejects.toThrow(/init script failed: init.lua:1: boom/)
  })

  it('says that a builtin needing an execution (logs, random, time) is not for init', async () => {
    for (const init of ['print("hi")', 'x = math.random()', 'x = os.time()', 'x = collectgarbage("count")']) {
      const made = createHost({ engines: [luaEngine({ init })] })
      await made.then(
        (h) => h.close(),
        () => undefined,
      )
      await expect(made).rejects.toThrow(/init script failed: init\.lua:1: only available while a script runs, not in init/)
    }
  })
})
