import {
  BridgeError,
  CancelledError,
  ConversionError,
  createHost,
  defineBridge,
  type Host,
  LimitExceededError,
  ScriptRuntimeError,
  ScriptSyntaxError,
} from '@polyhost/core'
import { afterEach, describe, expect, it } from 'vitest'
import { z } from 'zod'
import { luaEngine } from '../src/index.js'

let host: Host
afterEach(() => host?.close())

async function make(options: Parameters<typeof createHost>[0] extends infer O ? Partial<O> : never = {}) {
  host = await createHost({ engines: [luaEngine()], pool: { min: 1, max: 2 }, ...options })
  host.bridges.register(
    defineBridge({
      name: 'kv',
      methods: {
        get: { args: [z.string()], returns: z.string().nullable(), handler: async (_c, k) => (k === 'x' ? 'X' : null) },
        len: { args: [z.string()], handler: (_c, s) => s.length },
        fail: { args: [], handler: () => Promise.reject(new Error('store down')) },
        slow: { args: [], handler: (ctx) => new Promise((resolve) => ctx.signal.addEventListener('abort', () => resolve('aborted'))) },
        touch: {
          args: [],
          handler: async () => {
            touched++
            return touched
          },
        },
      },
    }),
  )
  return host
}
let touched = 0
const lua = (source: string, extra: Record<string, unknown> = {}) => host.execute({ language: 'lua', source, name: 't.lua', ...extra })

describe('bridges', () => {
  it('sync and async calls look the same to the script', async () => {
    await make()
    const r = await lua('return kv.len("abc"), kv.get("x"), kv.get("y")')
    expect(r.values).toEqual([3, 'X', null])
    expect(r.stats.bridgeCalls).toBe(3)
  })

  it('async calls work inside pcall and loops; errors are catchable with the handler message', async () => {
    await make()
    const r = await lua(
      'local n = 0 for i = 1, 5 do if kv.get("x") == "X" then n = n + 1 end end local ok, e = pcall(kv.fail) return n, ok, e',
    )
    expect(r.values).toEqual([5, false, 'store down'])
  })

  it('validation errors name the call and argument', async () => {
    await make()
    const r = await lua('local ok, e = pcall(kv.len, 42) return e')
    expect(r.value).toBe('kv.len: argument 1: expected string, received number')
  })

  it('an uncaught bridge error ends the script with a BridgeError carrying its message, method and position', async () => {
    await make()
    const e = await lua('kv.fail()').catch((x: unknown) => x)
    expect(e).toBeInstanceOf(BridgeError)
    expect((e as Error).message).toContain('store down')
    expect(e).toMatchObject({ path: 'kv.fail', line: 1 })
  })

  it('an argument that cannot cross is a bad argument: catchable, and uncaught a BridgeError', async () => {
    await make()
    const caught = await lua('local ok, e = pcall(kv.len, function() end) return e')
    expect(caught.value).toBe('kv.len: argument 1: $: cannot convert a Lua function to a host value')
    const e = await lua('kv.len(coroutine.create(print))').catch((x: unknown) => x)
    expect(e).toBeInstanceOf(BridgeError)
    expect(e).toMatchObject({ path: 'kv.len', message: 'kv.len: argument 1: $: cannot convert a Lua thread (coroutine) to a host value' })
  })

  it('an async bridge inside a coroutine is refused with a clear, catchable error; sync ones work', async () => {
    await make()
    const r = await lua(`
      local co = coroutine.wrap(function() return kv.len("ab"), pcall(kv.get, "x") end)
      return co()`)
    expect(r.values[0]).toBe(2)
    expect(r.values[1]).toBe(false)
    expect(String(r.values[2])).toMatch(/kv\.get: an async bridge cannot be called inside a coroutine/)
    // an async handler is refused before it runs: its side effects never happen
    touched = 0
    const t = await lua('local ok, e = pcall(coroutine.wrap(function() return kv.touch() end)) return ok, e, kv.touch()')
    expect(t.values.slice(0, 2)).toEqual([false, expect.stringMatching(/kv\.touch: an async bridge cannot be called inside a coroutine/)])
    expect([t.values[2], touched]).toEqual([1, 1])
  })

  it('an async bridge works inside a metamethod (Lua 5.3 yields across them) but is refused in a sort comparator', async () => {
    await make()
    const r = await lua('local t = setmetatable({}, { __index = function() return kv.get("x") end }) return t.a')
    expect(r.value).toBe('X')
    const s = await lua('local ok, e = pcall(table.sort, {"b", "a"}, function(a, b) return kv.get(a) == nil end) return ok, e')
    expect(s.values[0]).toBe(false)
    expect(String(s.values[1])).toMatch(/cannot be called inside a metamethod, iterator or sort comparator/)
  })

  it('a timeout while awaiting aborts the handler signal and ends with LimitExceededError', async () => {
    await make()
    const e = await lua('return kv.slow()', { limits: { timeoutMs: 100 } }).catch((x: unknown) => x)
    expect(e).toBeInstanceOf(LimitExceededError)
    expect((e as LimitExceededError).limit).toBe('timeout')
    expect((await lua('return 1')).value).toBe(1)
  })

  it('cancellation while awaiting ends with CancelledError', async () => {
    await make()
    const ac = new AbortController()
    const p = lua('return kv.slow()', { signal: ac.signal })
    setTimeout(() => ac.abort(), 30)
    await expect(p).rejects.toBeInstanceOf(CancelledError)
  })

  it('bridges registered or unregistered later are picked up at the next checkout; denied methods are absent', async () => {
    await make({ policy: { preset: 'standard', bridges: { allow: ['kv.get', 'extra.*'] } } })
    expect((await lua('return kv.len == nil, kv.get ~= nil, extra == nil')).values).toEqual([true, true, true])
    host.bridges.register(defineBridge({ name: 'extra', methods: { one: { args: [], handler: () => 1 } } }))
    expect((await lua('return extra.one()')).value).toBe(1)
    host.bridges.unregister('extra')
    expect((await lua('return extra == nil')).value).toBe(true)
  })

  it('bridge tables are read-only', async () => {
    await make()
    const r = await lua('local ok = pcall(function() kv.get = print end) return ok, kv.get ~= print')
    expect(r.values).toEqual([false, true])
  })
})

describe('errors', () => {
  it('syntax errors carry name and line, and are cached', async () => {
    await make()
    const e = await lua('local x = 1\nlocal = 2').catch((x: unknown) => x)
    expect(e).toBeInstanceOf(ScriptSyntaxError)
    expect((e as ScriptSyntaxError).line).toBe(2)
    expect((e as Error).message).toMatch(/^t\.lua:2:/)
    await lua('local x = 1\nlocal = 2').catch(() => undefined)
    expect(host.stats().cache.hits).toBe(1)
  })

  it('runtime errors carry the line and a traceback of script frames only', async () => {
    await make()
    const e = (await lua('local function f()\n  local t = nil\n  return t.x\nend\nreturn f()').catch(
      (x: unknown) => x,
    )) as ScriptRuntimeError
    expect(e).toBeInstanceOf(ScriptRuntimeError)
    expect(e.line).toBe(3)
    expect(e.scriptStack).toMatch(/t\.lua:3:/)
    expect(e.scriptStack).not.toMatch(/\[C\]|\.js|node_modules/)
    // through host functions (error, a gsub callback): their frames are dropped too
    const viaHost = (await lua('local function f() error("boom") end\nstring.gsub("a", "a", f)').catch(
      (x: unknown) => x,
    )) as ScriptRuntimeError
    expect(viaHost.scriptStack).toBe('stack traceback:\n\tt.lua:1: in function <t.lua:1>\n\tt.lua:2: in main chunk')
  })

  it('error values that are tables arrive as `thrown`', async () => {
    await make()
    const e = (await lua('error({ code = 7, message = "bad" })').catch((x: unknown) => x)) as ScriptRuntimeError
    expect(e.thrown).toEqual({ code: 7, message: 'bad' })
    expect(e.message).toBe('bad')
  })

  it('error(nil) is worded like every other non-string value; a thrown number arrives as the number', async () => {
    await make()
    for (const source of ['error()', 'error(nil)']) {
      const e = (await lua(source).catch((x: unknown) => x)) as ScriptRuntimeError
      expect([e.message, e.thrown]).toEqual(['(error object is a nil value)', null])
    }
    const n = (await lua('error(42)').catch((x: unknown) => x)) as ScriptRuntimeError
    expect([n.message, n.thrown]).toEqual(['42', 42])
    const f = (await lua('error(2.5, 0)').catch((x: unknown) => x)) as ScriptRuntimeError
    expect([f.message, f.thrown]).toEqual(['2.5', 2.5])
  })
})

describe('values', () => {
  it('integers within ±(2^53 − 1) arrive as integers, others as floats; the array marker', async () => {
    await make()
    const r = await lua(
      'return math.type(a), math.type(b), math.type(c), array(), {}, math.maxinteger, "order-" .. ts, tostring(big), math.type(n)',
      {
        globals: { a: 2147483647, b: 2147483648, c: 1.5, ts: 1733333333000, big: 2 ** 53, n: 10n ** 15n },
      },
    )
    expect(r.values).toEqual([
      'integer',
      'integer',
      'float',
      [],
      {},
      9007199254740991,
      'order-1733333333000',
      '9.007199254741e+15',
      'integer',
    ])
    await expect(lua('return n', { globals: { n: 2n ** 53n } })).rejects.toThrow(ConversionError)
  })

  it('non-UTF-8 strings become bytes; UTF-8 strings stay strings', async () => {
    await make()
    const r = await lua('return "\\255\\0", "héllo"')
    expect(r.values[0]).toEqual(new Uint8Array([255, 0]))
    expect(r.values[1]).toBe('héllo')
  })

  it('a host string with an unpaired surrogate is refused, not silently turned into bytes', async () => {
    await make()
    await expect(lua('return 1', { globals: { s: 'a\ud800b' } })).rejects.toMatchObject({ name: 'ConversionError', path: '$.s' })
    await expect(lua('return 1', { globals: { o: { 'k\udc00': 1 } } })).rejects.toMatchObject({
      name: 'ConversionError',
      path: '$.o["k\\udc00"]',
    })
    expect((await lua('return s', { globals: { s: 'a\ud83d\ude00b' } })).value).toBe('a\ud83d\ude00b')
  })

  it('a source with an unpaired surrogate is refused, not compiled with U+FFFD in its place', async () => {
    await make()
    const e = await lua('return "id-\ud83d"').catch((x: unknown) => x)
    expect(e).toMatchObject({ name: 'InvalidArgumentError' })
    expect((e as Error).message).toContain('lone surrogate (U+D83D at index 11)')
    await expect(lua('-- \udc00\nreturn 1')).rejects.toMatchObject({ name: 'InvalidArgumentError' })
    expect((await lua('return "\ud83d\ude00"')).value).toBe('\ud83d\ude00')
  })

  it('a returned table with a key that cannot cross names the key type', async () => {
    await make()
    for (const [key, type] of [
      ['true', 'boolean'],
      ['{}', 'table'],
      ['print', 'function'],
    ]) {
      const e = await lua(`return {[${key}] = 1}`).catch((x: unknown) => x)
      expect(e).toBeInstanceOf(ConversionError)
      expect((e as Error).message).toContain(`table keys must be strings or numbers, found ${type}`)
    }
  })

  it('globals whose getters throw are a ConversionError naming the global where it can', async () => {
    await make()
    const top = {
      get a() {
        throw new Error('boom')
      },
    }
    await expect(lua('return a', { globals: top })).rejects.toMatchObject({ name: 'ConversionError', path: '$' })
    const nested = {
      a: {
        get b() {
          throw new Error('boom')
        },
      },
    }
    await expect(lua('return a', { globals: nested })).rejects.toMatchObject({ name: 'ConversionError', path: '$.a' })
    expect((await lua('return 1 + 1')).value).toBe(2)
  })

  it('a function or coroutine cannot leave the script', async () => {
    await make()
    await expect(lua('return print')).rejects.toBeInstanceOf(ConversionError)
    await expect(lua('return { f = coroutine.create(print) }')).rejects.toThrow(/\$\.f/)
  })
})

describe('modules', () => {
  it('require loads registered Lua modules once per execution, with the execution’s globals', async () => {
    await make()
    host.modules.register({
      name: 'util',
      language: 'lua',
      source: 'count = (count or 0) + 1 return { twice = function(x) return 2 * x end }',
    })
    const r = await lua('local u = require("util") local v = require("util") return u.twice(21), u == v, count')
    expect(r.values).toEqual([42, true, 1])
    expect((await lua('return count')).value).toBeNull()
  })

  it('modules the policy does not allow are not found', async () => {
    await make({ policy: { preset: 'standard', modules: { allow: ['other'] } } })
    host.modules.register({ name: 'util', language: 'lua', source: 'return 1' })
    const r = await lua('local ok, e = pcall(require, "util") return ok, e')
    expect(r.values[0]).toBe(false)
    expect(String(r.values[1])).toMatch(/module 'util' not found/)
  })
})

describe('determinism and logs', () => {
  it('seeded random and frozen time repeat exactly', async () => {
    await make({ policy: { preset: 'standard', determinism: { time: 'frozen', now: 86_400_000, random: 'seeded', seed: 5 } } })
    const src = 'return math.random(1, 1000000), math.random(), os.time(), os.date("!*t").day, os.clock()'
    const a = await lua(src)
    const b = await lua(src)
    expect(a.values).toEqual(b.values)
    expect(a.values.slice(2)).toEqual([86400, 2, 0])
  })

  it('print and io.write are captured in order', async () => {
    await make()
    const r = await lua('print("a", 1, true, nil) io.write("b", 2) print(setmetatable({}, { __tostring = function() return "T" end }))')
    expect(r.logs.map((l) => l.message)).toEqual(['a\t1\ttrue\tnil', 'b2', 'T'])
  })
})

describe('init option', () => {
  it('helpers defined by the init script are visible to every script; removing one changes only that execution', async () => {
    host = await createHost({ engines: [luaEngine({ init: 'function greet(n) return "hi " .. n end' })] })
    const removed = await host.execute({ language: 'lua', source: 'greet = nil return greet == nil, rawget(_G, "greet") == nil' })
    expect(removed.values).toEqual([true, true])
    const r = await host.execute({ language: 'lua', source: 'return greet("a")' })
    expect(r.value).toBe('hi a')
  })

  it('a metatable the init script gives the base applies to every execution’s globals', async () => {
    const init = 'setmetatable(_ENV, {__index = function(_, n) error("nonexistent global " .. n, 2) end})'
    host = await createHost({ engines: [luaEngine({ init })], policy: { preset: 'standard', globals: { protect: true } } })
    await expect(host.execute({ language: 'lua', source: 'return nope', name: 'g.lua' })).rejects.toThrow(
      'g.lua:1: nonexistent global nope',
    )
    await expect(host.execute({ language: 'lua', source: 'x = 1', name: 'g.lua' })).rejects.toThrow("undeclared global 'x'")
    expect((await host.execute({ language: 'lua', source: 'return getmetatable(_G), type(print)' })).values).toEqual([false, 'function'])
  })
})
