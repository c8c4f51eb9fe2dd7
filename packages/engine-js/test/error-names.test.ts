import { BridgeError, createHost, defineBridge, type Host, ScriptRuntimeError } from '@polyhost/core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { z } from 'zod'
import { jsEngine } from '../src/index.js'

// QuickJS reports a failed call as `not a function` and a missing module without a line; the
// engine names the callee and finds the import from the script's own text, and only when that
// text leaves no doubt (a builtin's callback, `o['x']()`, two imports of one name: left as is).

let host: Host
beforeAll(async () => {
  host = await createHost({ engines: [jsEngine()] })
  host.bridges.register(
    defineBridge({
      name: 'kv',
      methods: {
        get: { args: [z.string()], returns: z.string(), handler: (_ctx, k) => k },
        later: { args: [z.string()], handler: async (_ctx, k) => Promise.reject(new Error(`gone: ${k}`)) },
      },
    }),
  )
})
afterAll(() => host.close())

async function failure(source: string): Promise<ScriptRuntimeError> {
  const e = await host.execute({ language: 'js', source }).catch((x: unknown) => x)
  expect(e).toBeInstanceOf(ScriptRuntimeError)
  return e as ScriptRuntimeError
}

describe('a call of something that is not a function', () => {
  it.each([
    ['kv.nope(1)', 'TypeError: kv.nope is not a function', 1],
    ['const x = 1\n  kv.nope(1)', 'TypeError: kv.nope is not a function', 2],
    ['const a = { b: {} }\nlet y = 2 + a.b.c(1, 2)', 'TypeError: a.b.c is not a function', 2],
    ['const f = 3\nf()', 'TypeError: f is not a function', 2],
    ['const o = {}\nnew o.C()', 'TypeError: o.C is not a constructor', 2],
    ['const o = {}\nawait 1\no?.after()', 'TypeError: o?.after is not a function', 3],
    ['#!/usr/bin/env polyhost\nconst o = {}; o.q()', 'TypeError: o.q is not a function', 2],
    ['export default 1\nconst q = {}\nq.r()', 'TypeError: q.r is not a function', 3],
  ])('%j reads %j at line %i', async (source, message, line) => {
    const e = await failure(source)
    expect(e.message).toBe(message)
    expect(e.line).toBe(line)
  })

  it.each([
    // the failing call is inside `map`, not at the script's parenthesis
    ['const o = { m: 1 }\n;[1].map(o.m)'],
    // not a plain dotted name
    ['const o = {}\no["x"](1)'],
    ['const f = () => 1\nf()()'],
  ])("%j keeps QuickJS's own words", async (source) => {
    const e = await failure(source)
    expect(e.message).toBe('TypeError: not a function')
    expect(e.line).toBe(2)
  })
})

describe('an import of a module that is not registered', () => {
  it('reports the line of the import', async () => {
    const e = await failure('const a = 1\nimport x from "missing"\nexport default x')
    expect(e.message).toBe("Error: module 'missing' is not available")
    expect(e.line).toBe(2)
  })

  it('reports the line of a dynamic import', async () => {
    const e = await failure("const a = 1\n\nconst m = await import('gone')\nm")
    expect(e.message).toBe("Error: module 'gone' is not available")
    expect(e.line).toBe(3)
  })

  it('gives no line when the text names the module twice', async () => {
    const e = await failure('// import x from "missing"\nimport x from "missing"\nexport default x')
    expect(e.message).toBe("Error: module 'missing' is not available")
    expect(e.line).toBeUndefined()
  })
})

describe('a bridge argument that cannot cross', () => {
  it('is a bad argument: catchable, and uncaught a BridgeError with the call and argument', async () => {
    const caught = await host.execute({ language: 'js', source: 'let m\ntry { kv.get(() => 1) } catch (e) { m = e.message }\nm' })
    expect(caught.value).toBe('kv.get: argument 1: $: function values cannot cross to the host')
    const e = await host.execute({ language: 'js', source: 'kv.get(Symbol())' }).catch((x: unknown) => x)
    expect(e).toBeInstanceOf(BridgeError)
    expect(e).toMatchObject({ path: 'kv.get', message: 'kv.get: argument 1: $: symbol values cannot cross to the host' })
  })
})

describe('an async bridge call that fails', () => {
  it('is reported at the line of the call when the script does not catch it', async () => {
    const e = await host.execute({ language: 'js', source: 'const a = 1\n\nconst v = await kv.later("k")\nv' }).catch((x: unknown) => x)
    expect(e).toBeInstanceOf(BridgeError)
    expect(e).toMatchObject({ message: 'gone: k', path: 'kv.later', line: 3 })
  })

  it('at the line of the call inside a function the script awaits', async () => {
    const source = 'async function f(k) {\n  return await kv.later(k)\n}\nawait f("x")'
    const e = await host.execute({ language: 'js', source }).catch((x: unknown) => x)
    expect(e).toMatchObject({ name: 'BridgeError', path: 'kv.later', line: 2 })
  })

  it('is still an ordinary catchable error', async () => {
    const r = await host.execute({ language: 'js', source: 'let m\ntry { await kv.later("c") } catch (e) { m = e.message }\nm' })
    expect(r.value).toBe('gone: c')
  })
})
