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
