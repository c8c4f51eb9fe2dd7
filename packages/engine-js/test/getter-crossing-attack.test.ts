import { createHost, defineBridge, type Host } from '@polyhost/core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { z } from 'zod'
import { jsEngine } from '../src/index.js'

// The plain-data fast path checked a value (its getters read once), then let JSON.stringify
// read it again: what crossed was the second read, unchecked. A getter answering 1, then an
// array 1,000 deep, put that array on the host past the 64-level depth limit; one answering
// 1, then NaN, crossed as null, and -0 as 0; a getter calling a bridge called it twice.

let host: Host
let calls = 0
beforeAll(async () => {
  host = await createHost({ engines: [jsEngine()] })
  host.bridges.register(
    defineBridge({
      name: 'kv',
      methods: {
        get: { args: [z.unknown()], handler: () => ++calls },
        put: { args: [z.unknown()], handler: (_ctx, v) => JSON.stringify(v) },
      },
    }),
  )
})
afterAll(() => host.close())

const js = async (source: string) => (await host.execute({ language: 'js', source })).value

const depthOf = (v: unknown): number => (Array.isArray(v) ? 1 + depthOf(v[0]) : 0)

describe('getters and proxies are read once when a value crosses', () => {
  it('a getter answering differently on a second read: the first answer crosses', async () => {
    const deep = 'let d = []; for (let i = 0; i < 1000; i++) d = [d];'
    const v = (await js(`let n = 0; ${deep} ({ get a() { return n++ ? d : 1 } })`)) as { a: unknown }
    expect(depthOf(v.a)).toBe(0)
    expect(v.a).toBe(1)
    expect(await js('let n = 0; ({ get a() { return n++ ? NaN : 1 }, get b() { return n > 1 ? -0 : 2 } })')).toEqual({ a: 1, b: 2 })
  })

  it('a Proxy whose answers change between reads crosses as first read', async () => {
    const src = `let n = 0
      const p = new Proxy({ a: 1 }, { get: (t, k) => (k === 'a' ? (n++ ? undefined : 5) : t[k]) });
      [p]`
    expect(await js(src)).toEqual([{ a: 5 }])
  })

  it('values that are stable still cross exactly (NaN, -0, undefined, Dates, bytes)', async () => {
    const v = (await js(
      '({ get a() { return NaN }, get b() { return -0 }, get c() { return undefined }, get d() { return new Date(0) } })',
    )) as Record<string, unknown>
    expect(v.a).toBeNaN()
    expect(Object.is(v.b, -0)).toBe(true)
    expect('c' in v && v.c === undefined).toBe(true)
    expect(v.d).toEqual(new Date(0))
  })

  it('a getter that calls a bridge runs once per crossing', async () => {
    calls = 0
    expect(await js('kv.put({ get a() { return kv.get(1) } })')).toBe('{"a":1}')
    expect(calls).toBe(1)
  })

  it('a __proto__ key crosses as an own property, as JSON.parse makes it', async () => {
    const v = (await js('JSON.parse(\'{"__proto__": {"x": 1}, "y": 2}\')')) as Record<string, unknown>
    expect(Object.getPrototypeOf(v)).toBe(Object.prototype)
    expect(Object.hasOwn(v, '__proto__')).toBe(true)
    expect(v.y).toBe(2)
  })
})
// A value JSON cannot carry (bytes, a BigInt, a Date, undefined) sent the whole value to the
// exact path, which read every getter again: { get x() { return ++n } } crossed as 2.
describe('a value that takes the exact path is read once too', () => {
  const once = (extra: string) => `let n = 0; ({ get x() { return ++n }, ${extra}, get y() { return n } })`
  for (const [name, extra, isKind] of [
    ['bytes', 'u: new Uint8Array(1)', (v: unknown) => v instanceof Uint8Array],
    ['a BigInt', 'big: 1n', (v: unknown) => v === 1n],
    ['a Date', 'd: new Date(5)', (v: unknown) => v instanceof Date],
    ['undefined', 'z: undefined', (v: unknown) => v === undefined],
    ['NaN in an array', 'a: [1, NaN]', (v: unknown) => Array.isArray(v) && Number.isNaN(v[1])],
  ] as const) {
    it(`beside ${name}`, async () => {
      const v = (await js(once(extra))) as Record<string, unknown>
      expect([v.x, v.y]).toEqual([1, 1])
      expect(isKind(Object.values(v)[1])).toBe(true)
    })
  }
  it('a getter with a side effect runs once: the error names what it did', async () => {
    const source = 'const b = new ArrayBuffer(16); const u = new Uint8Array(b); ({ a: { get x() { b.transfer(); return 1 } }, u })'
    await expect(js(source)).rejects.toThrow(/\$\.u: a detached ArrayBuffer cannot cross/)
  })
  it('a bridge argument with bytes calls the getter once', async () => {
    const before = calls
    expect(await js('const o = { get a() { return kv.get(1) }, u: new Uint8Array([7]) }; kv.put(o)')).toBe(
      JSON.stringify({ a: before + 1, u: { 0: 7 } }),
    )
    expect(calls).toBe(before + 1)
  })
  it('a Proxy of bytes, a Date, a Map or an ArrayBuffer cannot cross: a ConversionError naming it and its path', async () => {
    for (const [made, name] of [
      ['new Uint8Array(4)', 'Uint8Array'],
      ['new Date(0)', 'Date'],
      ['new Map()', 'Map'],
      ['new ArrayBuffer(2)', 'ArrayBuffer'],
    ]) {
      await expect(js(`({ data: [new Proxy(${made}, {})] })`)).rejects.toThrow(
        expect.objectContaining({ name: 'ConversionError', message: `$.data[0]: instance of ${name} cannot cross to the host` }),
      )
    }
  })
  it('cycles and depth still fail as before', async () => {
    await expect(js('const a = [new Uint8Array(1)]; a.push(a); a')).rejects.toThrow(/cycle detected/)
    await expect(js('let d = [new Date(0)]; for (let i = 0; i < 100; i++) d = [d]; d')).rejects.toThrow(/nest|deep/)
  })
})
