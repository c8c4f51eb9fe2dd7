import { createHost, defineBridge, type Host, type HostOptions, ScriptRuntimeError, ScriptSyntaxError } from '@polyhost/core'
import { afterEach, describe, expect, it } from 'vitest'
import { z } from 'zod'
import { jsEngine } from '../src/index.js'

let host: Host | undefined
async function make(opts: Partial<HostOptions> = {}): Promise<Host> {
  host = await createHost({ engines: [jsEngine()], pool: { min: 1, max: 2 }, ...opts })
  return host
}
afterEach(async () => {
  await host?.close()
  host = undefined
})
const js = (h: Host, source: string, extra: Record<string, unknown> = {}) => h.execute({ language: 'js', source, ...extra })

describe('scripts', () => {
  it('returns the completion value of a classic script, with declarations local to each run', async () => {
    const h = await make()
    expect((await js(h, 'var x = 1; let y = 2; function f() { return x + y } f()')).value).toBe(3)
    expect((await js(h, 'var x = 10; let y = 20; const z = x + y; z')).value).toBe(30)
    expect((await js(h, 'typeof x + typeof y + typeof f')).value).toBe('undefinedundefinedundefined')
    expect((await js(h, 'let a = 1;')).value).toBeUndefined()
  })

  it('runs one-expression scripts with the semantics of evaluated scripts', async () => {
    const h = await make({ pool: { min: 1, max: 1 } })
    const value = async (source: string, globals = {}) => (await js(h, source, { globals })).value
    // the compiled function is reused; the globals of each run are its own
    expect(await value('a + b;', { a: 1, b: 2 })).toBe(3)
    expect(await value('a + b;', { a: 20, b: 22 })).toBe(42)
    expect(await value('this === globalThis')).toBe(true)
    expect(await value('typeof arguments')).toBe('undefined')
    await expect(js(h, 'arguments')).rejects.toThrow(/ReferenceError/)
    expect(await value('{}')).toBeUndefined()
    expect(await value('function f() {}')).toBeUndefined()
    expect(await value('((s) => Object.isFrozen(s))`x`')).toBe(true)
    const e = await js(h, 'a +\n  null.x', { name: 'expr.js', globals: { a: 1 } }).catch((x) => x)
    expect([e.line, e.column]).toEqual([2, 7])
    expect(e.scriptStack).toMatch(/^\s*at <eval> \(expr\.js:2:7\)$/)
  })

  it('runs scripts as strict code: undeclared assignment fails', async () => {
    const h = await make()
    await expect(js(h, 'undeclared = 1')).rejects.toThrow(/ReferenceError/)
  })

  it('supports top-level await in classic scripts', async () => {
    const h = await make()
    expect((await js(h, 'const v = await Promise.resolve(21); v * 2')).value).toBe(42)
    expect((await js(h, 'const v = await Promise.resolve(1); v')).value).toBe(1)
  })

  it('runs ES modules: the value is the default export, top-level await allowed', async () => {
    const h = await make()
    expect((await h.execute({ name: 'm.mjs', source: 'export default await Promise.resolve(5) + 1' })).value).toBe(6)
    expect((await js(h, 'const x = 2\nexport default x * 3')).value).toBe(6)
  })

  it('awaits a promise completion value', async () => {
    const h = await make()
    expect((await js(h, '(async () => 7)()')).value).toBe(7)
  })

  it('reports a script that waits forever on its own promise', async () => {
    const h = await make()
    await expect(js(h, 'await new Promise(() => {})')).rejects.toThrow(/never settle/)
  })
})

describe('errors', () => {
  it('reports syntax errors with name, line and column', async () => {
    const h = await make()
    const e = await js(h, 'let a = 1\n\nlet b = (', { name: 'bad.js' }).catch((x) => x)
    expect(e).toBeInstanceOf(ScriptSyntaxError)
    expect(e.scriptName).toBe('bad.js')
    expect(e.line).toBe(3)
    expect(e.column).toBeGreaterThan(0)
  })

  it('reports runtime errors with the script position and stack, no host paths', async () => {
    const h = await make()
    const e = await js(h, 'function f() {\n  throw new TypeError("boom")\n}\nf()', { name: 'rt.js' }).catch((x) => x)
    expect(e).toBeInstanceOf(ScriptRuntimeError)
    expect(e.message).toBe('TypeError: boom')
    expect(e.line).toBe(2)
    expect(e.scriptStack).toMatch(/at f \(rt\.js:2:\d+\)/)
    expect(e.scriptStack).not.toMatch(/node_modules|\/work\//)
  })

  it('carries a thrown non-error value', async () => {
    const h = await make()
    const e = await js(h, 'throw { code: 7 }').catch((x) => x)
    expect(e).toBeInstanceOf(ScriptRuntimeError)
    expect(e.thrown).toEqual({ code: 7 })
  })

  it('reads a thrown object by its message, as engine-lua reads a thrown table', async () => {
    const h = await make()
    const e = await js(h, "throw { code: 42, message: 'tbl' }").catch((x) => x)
    expect(e).toBeInstanceOf(ScriptRuntimeError)
    expect([e.message, e.thrown]).toEqual(['tbl', { code: 42, message: 'tbl' }])
    // without a string message it stays "uncaught <value>"
    expect((await js(h, 'throw { message: 7 }').catch((x) => x)).message).toBe('uncaught [object Object]')
  })

  it("describes a thrown value with no string form once, and keeps an Error's message when its name getter throws", async () => {
    const h = await make()
    // each read "uncaught uncaught exception"; the Error lost its message "m"
    const cases: [string, string][] = [
      ['throw Object.create(null)', 'uncaught object with no string form'],
      ['throw new Proxy({}, { get() { throw 1 } })', 'uncaught object with no string form'],
      ['const { proxy, revoke } = Proxy.revocable({}, {}); revoke(); throw proxy', 'uncaught object with no string form'],
      ["const e = new Error('m'); Object.defineProperty(e, 'name', { get() { throw new Error('inner') } }); throw e", 'Error: m'],
      ["const e = new TypeError('m'); Object.defineProperty(e, 'message', { get() { throw 1 } }); throw e", 'TypeError: '],
    ]
    for (const [source, message] of cases) {
      const e = await js(h, source).catch((x) => x)
      expect(e, source).toBeInstanceOf(ScriptRuntimeError)
      expect(e.message, source).toBe(message)
    }
  })

  it('reports the position inside a module', async () => {
    const h = await make()
    const e = await h.execute({ name: 'e.mjs', source: 'const a = 1\nnull.x\nexport default a' }).catch((x) => x)
    expect(e.line).toBe(2)
  })
})

describe('bridges', () => {
  it('calls sync and async bridges; errors are catchable with the handler message', async () => {
    const h = await make()
    const store = new Map<string, string>()
    h.bridges.register(
      defineBridge({
        name: 'kv',
        methods: {
          get: { args: [z.string()], handler: async (_ctx, k) => store.get(k) ?? null },
          set: { args: [z.string(), z.string()], handler: (_ctx, k, v) => void store.set(k, v) },
          fail: {
            args: [],
            handler: () => {
              throw new Error('handler says no')
            },
          },
        },
      }),
    )
    expect((await js(h, 'kv.set("a", "1"); const v = await kv.get("a"); v + "!"')).value).toBe('1!')
    expect((await js(h, 'try { kv.fail() } catch (e) { e.message }')).value).toBe('handler says no')
    expect((await js(h, 'try { kv.get(1) } catch (e) { e.message }')).value).toBe('kv.get: argument 1: expected string, received number')
    await expect(js(h, 'kv.fail()')).rejects.toThrow(/handler says no/)
  })

  it('a result the script cannot receive is a catchable error naming the call, sync or async', async () => {
    const h = await make()
    const cyclic: Record<string, unknown> = { a: 1 }
    cyclic.self = cyclic
    h.bridges.register(
      defineBridge({
        name: 'odd',
        methods: {
          cyclic: { args: [], handler: () => cyclic },
          later: { args: [], handler: async () => cyclic },
          unreadable: {
            args: [],
            handler: () => ({
              get x() {
                throw new Error('boom')
              },
            }),
          },
        },
      }),
    )
    const message = (call: string) => js(h, `try { ${call}; 'no error' } catch (e) { e.message }`).then((r) => r.value)
    expect(await message('odd.cyclic()')).toBe('odd.cyclic: invalid return value: $.self: cycle detected')
    expect(await message('await odd.later()')).toBe('odd.later: invalid return value: $.self: cycle detected')
    expect(await message('odd.unreadable()')).toBe('odd.unreadable: invalid return value: $: the host value could not be read: boom')
  })

  it('hides methods the policy denies', async () => {
    const h = await make({ policy: { preset: 'standard', bridges: { allow: ['kv.get'] } } })
    h.bridges.register(defineBridge({ name: 'kv', methods: { get: { args: [], handler: () => 1 }, set: { args: [], handler: () => 2 } } }))
    expect((await js(h, '[typeof kv.get, typeof kv.set]')).value).toEqual(['function', 'undefined'])
  })

  it('picks up bridges registered after states were created', async () => {
    const h = await make()
    expect((await js(h, 'typeof late')).value).toBe('undefined')
    h.bridges.register(defineBridge({ name: 'late', methods: { ping: { args: [], handler: () => 'pong' } } }))
    expect((await js(h, 'late.ping()')).value).toBe('pong')
  })
})

describe('globals, context, logs', () => {
  it('injects globals per execution and removes them afterwards', async () => {
    const h = await make()
    expect((await js(h, 'a + b', { globals: { a: 1, b: 2 } })).value).toBe(3)
    expect((await js(h, 'typeof a')).value).toBe('undefined')
    expect((await js(h, 'globalThis.leak = 1; 0')).value).toBe(0)
    expect((await js(h, 'typeof leak')).value).toBe('undefined')
  })

  it('exposes a frozen context', async () => {
    const h = await make()
    const r = await js(h, 'try { context.user = "x" } catch (e) {}; [context.tenant, context.user, Object.isFrozen(context)]', {
      context: { tenant: 't1', user: 'u7' },
    })
    expect(r.value).toEqual(['t1', 'u7', true])
    expect((await js(h, 'Object.keys(context).length')).value).toBe(0)
  })

  it('captures console output', async () => {
    const h = await make()
    const r = await js(h, 'console.log("a", 1, {x: 2}); console.warn("w"); print("p"); 0')
    expect(r.logs.map((l) => [l.level, l.message])).toEqual([
      ['info', 'a 1 {"x":2}'],
      ['warn', 'w'],
      ['info', 'p'],
    ])
  })

  it('logs a line with NUL characters whole, as the script built it', async () => {
    const h = await make()
    const r = await js(h, 'const s = "a\\0b" + String.fromCharCode(0) + "c é 😀"; console.log(s, 1); print(s); s + " 1"')
    expect(typeof r.value === 'string' && r.value.length).toBe(12)
    expect(r.logs.map((l) => l.message)).toEqual([r.value, (r.value as string).slice(0, -2)])
  })
})

describe('modules', () => {
  it('imports host-registered modules only, fresh per execution', async () => {
    const h = await make()
    h.modules.register({
      name: 'util',
      language: 'js',
      source: 'let n = 0; export const inc = () => ++n; export default { twice: (x) => 2 * x }',
    })
    expect((await js(h, 'import util, { inc } from "util"\ninc()\nexport default util.twice(inc())')).value).toBe(4)
    expect((await js(h, 'import { inc } from "util"\nexport default inc()')).value).toBe(1)
    expect((await js(h, 'const m = await import("util"); m.default.twice(5)')).value).toBe(10)
    await expect(js(h, 'import fs from "fs"\nexport default 1')).rejects.toThrow(/not available/)
  })

  it('refuses modules outside the policy allowlist', async () => {
    const h = await make({ policy: { preset: 'standard', modules: { allow: ['a'] } } })
    h.modules.register({ name: 'b', language: 'js', source: 'export default 1' })
    await expect(js(h, 'import b from "b"\nexport default b')).rejects.toThrow(/not available/)
  })
})

describe('values', () => {
  const value = {
    n: 1.5,
    big: 2n ** 70n,
    u: undefined,
    bytes: new Uint8Array([1, 2, 3]),
    when: new Date(0),
    list: [1, 'two', null, [Number.NaN, -0, Number.POSITIVE_INFINITY]],
    map: new Map([['k', 1]]),
    deep: { a: { b: { c: 'd' } } },
  }

  it('round-trips the value table exactly', async () => {
    const h = await make()
    const r = await js(h, 'v', { globals: { v: value } })
    expect(r.value).toEqual({ ...value, map: { k: 1 } })
    const types = await js(h, '[typeof v.big, v.bytes instanceof Uint8Array, v.when instanceof Date, Object.is(v.list[3][1], -0)]', {
      globals: { v: value },
    })
    expect(types.value).toEqual(['bigint', true, true, true])
  })

  it('keeps strings exact both ways on every path: NUL, lone surrogates, pairs, long text', async () => {
    const h = await make()
    const strings = ['a\0b', 'a\ud800b', 'a\udc00b', 'a\ud83d\ude00b', `${'é'.repeat(3000)}\ud800`]
    // a Date forces the handle path for the record; without it the record crosses as JSON
    for (const extra of [{}, { d: new Date(0) }]) {
      const r = await js(h, 's.map((x) => [x, x.length])', { globals: { s: strings, ...extra } })
      expect(r.value).toEqual(strings.map((x) => [x, x.length]))
      const one = await js(h, 's', { globals: { s: strings[1], ...extra } })
      expect(one.value).toBe(strings[1])
      const keys = await js(h, 'Object.keys(o)', { globals: { o: { 'k\ud800': 1, 'n\0': 2 }, ...extra } })
      expect(keys.value).toEqual(['k\ud800', 'n\0'])
    }
  })

  it('globals whose getters or Proxy traps throw are a ConversionError, and the host stays healthy', async () => {
    const h = await make()
    const throwing = [
      {
        get a() {
          throw new Error('boom')
        },
      },
      {
        a: {
          get b() {
            throw new Error('boom')
          },
        },
      },
      new Proxy(
        {},
        {
          ownKeys() {
            throw new Error('trap')
          },
        },
      ),
    ]
    // the path names the object being read when its getter or trap threw, as the Lua engine's
    for (const [i, globals] of throwing.entries()) {
      await expect(js(h, 'a', { globals })).rejects.toMatchObject({ name: 'ConversionError', path: i === 1 ? '$.a' : '$' })
    }
    expect((await js(h, '1 + 1')).value).toBe(2)
  })

  it('takes the JSON path for plain data and keeps __proto__ keys as data', async () => {
    const h = await make()
    const r = await js(h, 'const o = JSON.parse(\'{"__proto__": {"x": 1}, "a": [1, {"b": true}]}\'); o')
    const v = r.value as Record<string, unknown>
    expect(Object.getPrototypeOf(v)).toBe(Object.prototype)
    expect(Object.hasOwn(v, '__proto__')).toBe(true)
    expect(v.a).toEqual([1, { b: true }])
  })

  it('never lets JSON change a value: toJSON anywhere, holes, -0, NaN and undefined take the exact path', async () => {
    const h = await make()
    const value = async (source: string) => (await js(h, source)).value
    // a toJSON that JSON.stringify would call, on an array or hidden from Object.keys
    // (an array's own toJSON is one of its own properties, which cross: a function is refused, as structuredClone refuses it)
    await expect(value('const a = [1]; a.toJSON = () => "x"; a')).rejects.toThrow('$.toJSON: function values cannot cross to the host')
    expect(await value('const a = [1]; Object.defineProperty(a, "toJSON", { value: () => "x" }); a')).toEqual([1])
    await expect(value('const o = { a: 1 }; Object.defineProperty(o, "toJSON", { value: () => "x" }); o')).resolves.toEqual({ a: 1 })
    expect(await value('[1, , 3]')).toEqual([1, undefined, 3])
    expect(Object.is(((await value('({ z: [-0] })')) as { z: number[] }).z[0], -0)).toBe(true)
    expect(await value('({ n: NaN, i: -Infinity, u: undefined })')).toEqual({ n: Number.NaN, i: -Number.POSITIVE_INFINITY, u: undefined })
    expect(await value('[new Date(5)]')).toEqual([new Date(5)])
  })

  it('names the path of cycles, over-deep values and unsupported types', async () => {
    const h = await make({ maxDepth: 8 })
    await expect(js(h, 'const a = { b: {} }; a.b.c = a; a')).rejects.toThrow('$.b.c: cycle detected')
    await expect(js(h, 'let o = {}; for (let i = 0; i < 20; i++) o = { o }; o')).rejects.toThrow(/nesting deeper than 8/)
    await expect(js(h, '({ f: () => 1 })')).rejects.toThrow('$.f: function values cannot cross to the host')
    await expect(js(h, 'new (class Point {})()')).rejects.toThrow(/instance of Point/)
    // past the plain-data copy's depth (32) too: the path ends where the cycle first closes, as in Lua
    await h.close()
    const deep = await make({ maxDepth: 100 })
    const path = (source: string) => js(deep, source).catch((e: { path?: string }) => e.path)
    expect(await path('const o = {}; o.o = o; o')).toBe('$.o')
    expect(await path('const o = { a: {} }; o.a.b = o; o')).toBe('$.a.b')
    expect(await path('const a = []; a.push(a); a')).toBe('$[0]')
    expect(await path('const o = { x: [1, { y: {} }] }; o.x[1].y.z = o.x; o')).toBe('$.x[1].y.z')
    expect((await js(deep, 'let o = {}; for (let i = 0; i < 40; i++) o = { o }; o')).value).toBeTypeOf('object')
  })

  it('round-trips custom types through a hidden tag', async () => {
    const h = await make()
    class Money {
      constructor(readonly cents: number) {}
    }
    h.converters.register<Money, { cents: number }>({
      name: 'Money',
      test: (v) => v instanceof Money,
      toScript: (m) => ({ cents: m.cents }),
      fromScript: (s) => new Money(s.cents),
    })
    const r = await js(h, '[m, m.cents + 1, { cents: 5 }]', { globals: { m: new Money(250) } })
    const [m, n, plain] = r.value as [Money, number, unknown]
    expect(m).toBeInstanceOf(Money)
    expect(m.cents).toBe(250)
    expect(n).toBe(251)
    expect(plain).not.toBeInstanceOf(Money)
  })

  it('passes host functions, sync and async', async () => {
    const h = await make()
    const r = await js(h, 'const x = await slow(2); add(x, 3)', {
      globals: { add: (a: number, b: number) => a + b, slow: async (a: number) => a * 10 },
    })
    expect(r.value).toBe(23)
  })
})

describe('determinism', () => {
  it('freezes the clock and seeds Math.random per execution', async () => {
    const h = await make({ policy: { preset: 'standard', determinism: { time: 'frozen', now: 1_000_000, random: 'seeded', seed: 7 } } })
    const src = '[Date.now(), new Date().getTime(), Math.random(), Math.random(), new Date(5).getTime()]'
    const a = (await js(h, src)).value as number[]
    const b = (await js(h, src)).value as number[]
    expect(a.slice(0, 2)).toEqual([1_000_000, 1_000_000])
    expect(a[4]).toBe(5)
    expect(a).toEqual(b)
    expect(a[2]).not.toBe(a[3])
  })

  it('removes what the policy denies', async () => {
    const h = await make({ policy: { preset: 'standard', libraries: { deny: ['Math.random', 'Date', 'Proxy'] } } })
    expect((await js(h, '[typeof Math.random, typeof Date, typeof Proxy, typeof Math.max]')).value).toEqual([
      'undefined',
      'undefined',
      'undefined',
      'function',
    ])
  })
})
