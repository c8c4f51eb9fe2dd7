import { ConversionError, createHost, defineBridge, type Host } from '@polyhost/core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { z } from 'zod'
import { jsEngine } from '../src/index.js'

// A value crossing to the host is read as structuredClone reads it: each property in order,
// and what it holds (bytes, a Date's time, a Map's entries) copied before the next is read.
// Before, every own property was read first and bytes, times and entries only after the
// whole copy, so a getter read later changed what crossed (`{ u, get a() { u[0] = 9 } }` gave
// u[0] === 9), detached it (a ConversionError for bytes that were there when read) or shrank
// it. An array's own properties past its elements (`a.x = 3`, a match's `index`) were dropped;
// a Date, Map or ArrayBuffer's own properties too, and an Array subclass crossed as an array
// while every other class instance is refused. The expected answers are V8's structuredClone
// of the same literal (an ArrayBuffer crosses as a Uint8Array, a Map as an object).

// QuickJS detaches with transfer(), Node 20 through structuredClone
const DETACH = `const detach = (b) => (b.transfer ? b.transfer() : structuredClone(b, { transfer: [b] }));`

const SNAPSHOTS: Record<string, string> = {
  'bytes changed by a later getter': `(() => { const u = new Uint8Array(4); return { u, get a() { u[0] = 9; return 1 } } })()`,
  'bytes detached by a later getter': `(() => { const b = new ArrayBuffer(4); const u = new Uint8Array(b); u[1] = 7; return { u, get a() { detach(b); return 1 } } })()`,
  'an ArrayBuffer detached by a later getter': `(() => { const b = new ArrayBuffer(3); return { b, get a() { detach(b); return 1 } } })()`,
  'bytes shrunk by a later getter': `(() => { const b = new ArrayBuffer(4, { maxByteLength: 8 }); const u = new Uint8Array(b); u[3] = 5; return { u, get a() { b.resize(1); return 1 } } })()`,
  'a view changed in a later element': `(() => { const u = new Uint8Array([1, 2, 3]); return [u.subarray(1), { get a() { u.fill(0); return 1 } }] })()`,
  'a Date changed by a later getter': `(() => { const d = new Date(5); return { d, get a() { d.setTime(9); return 1 } } })()`,
  'a Map changed by a later getter': `(() => { const m = new Map([['k', 1]]); return { m, get a() { m.set('k', 2); m.set('j', 3); return 1 } } })()`,
  'a getter that deletes a later key': `({ get a() { delete this.b; return 1 }, b: 2, c: 3 })`,
  // a Map's entries are listed before any value is read: the copy read the live Map, so an
  // entry a value's getter added crossed, and one it replaced crossed with its new value
  'a Map changed by a getter in one of its values': `(() => { const m = new Map([['a', { get x() { m.delete('b'); m.set('b', 9); m.set('c', 3); return 1 } }], ['b', 2], ['d', 4]]); return m })()`,
  'a Map changed by a getter in one of its values, beside a BigInt': `(() => { const m = new Map([['a', { get x() { m.set('d', 5); m.set('c', 3); return 1n } }], ['d', 4]]); return m })()`,
  // an array's keys past its elements are listed before its elements are read: a key an
  // element's getter added crossed, one it deleted was read through Array.prototype
  'an array given a key by an element getter': `(() => { const a = [1, 2]; a.y = 1; Object.defineProperty(a, 0, { enumerable: true, get() { a.x = 5; delete a.y; return 1 } }); return a })()`,
  'a long array given a key by an element getter': `(() => { const a = Array.from({ length: 100 }, (_, i) => i); a.y = 1; Object.defineProperty(a, 'map', { value: 2, enumerable: true, configurable: true, writable: true }); Object.defineProperty(a, 0, { enumerable: true, get() { a.x = 5; delete a.y; delete a.map; return 0 } }); return a })()`,
  'an array with own properties': `(() => { const a = [1, 2]; a.x = 3; a['-1'] = 4; return a })()`,
  'a match result': `/b(?<n>c)/.exec('abc')`,
  'a nested array with own properties beside a BigInt': `(() => { const a = [1]; a.x = { y: [2] }; return { a, n: 1n } })()`,
  'a long array with own properties': `(() => { const a = Array.from({ length: 100 }, (_, i) => i); a.x = 3; a.y = [a[99]]; return a })()`,
  // as many keys as elements, one past them: the copy's quick check for none must not take it
  'an array with a hole and as many keys as elements': `(() => { const a = [1, , 3]; a.x = 4; return a })()`,
  'an index-like key past a hole': `(() => { const a = [, 1]; a['1.0'] = 2; return [a, []] })()`,
  // null properties were dropped: ({ a: null, b: 1 }) crossed as { b: 1 }
  'null properties': `({ a: null, b: 1, c: [null, { d: null }], e: { f: null, g: undefined } })`,
  // a key a getter deleted was read through the prototype: a ConversionError for Object.prototype's
  // toString, and Object.prototype itself (crossing as {}) for a JSON-made __proto__ key
  'a key shadowing an Object.prototype method, deleted by a getter': `({ get a() { delete this.toString; return 1 }, toString: 5 })`,
  // the same below the copy's 32 levels, where the host reads the value itself: a deleted key
  // crossed as undefined, or as a ConversionError for a method it then read
  'a key deleted by a getter, 40 levels down': `(() => { let o = { get a() { delete this.b; delete this.toString; return 1 }, b: 2, toString: 3, c: 4 }; for (let i = 0; i < 40; i++) o = { o }; return o })()`,
  'a JSON-made __proto__ key deleted by a getter, 40 levels down': `(() => { const t = JSON.parse('{"a":0,"__proto__":{"x":1},"b":2}'); Object.defineProperty(t, 'a', { enumerable: true, get() { delete t['__proto__']; return 1 } }); let o = t; for (let i = 0; i < 40; i++) o = { o }; return o })()`,
  'an array key deleted by an element getter, 40 levels down': `(() => { const a = [1, 2]; a.y = 1; Object.defineProperty(a, 'map', { value: 2, enumerable: true, configurable: true, writable: true }); Object.defineProperty(a, 0, { enumerable: true, get() { delete a.y; delete a.map; return 1 } }); let o = a; for (let i = 0; i < 40; i++) o = { o }; return o })()`,
  'a JSON-made __proto__ key, deleted by a getter': `(() => { const o = JSON.parse('{"a":0,"__proto__":{"x":1},"b":2}'); Object.defineProperty(o, 'a', { enumerable: true, get() { delete o['__proto__']; return 1 } }); return o })()`,
}

/** structuredClone of the literal in V8, in the value model's terms (ArrayBuffer → Uint8Array, Map → object). */
function v8(source: string): unknown {
  const model = (x: unknown): unknown => {
    if (x instanceof ArrayBuffer) return new Uint8Array(x)
    if (x instanceof Map) return Object.fromEntries([...x].map(([k, y]) => [k, model(y)]))
    if (Array.isArray(x)) {
      // a hole crosses as undefined (the copy reads every element)
      const out = Array.from(x, model)
      for (const k of Object.keys(x).filter((k) => String(Number(k) >>> 0) !== k || Number(k) >= x.length))
        (out as unknown as Record<string, unknown>)[k] = model((x as unknown as Record<string, unknown>)[k])
      return out
    }
    if (x && typeof x === 'object' && !(x instanceof Date) && !(x instanceof Uint8Array)) {
      return Object.fromEntries(Object.entries(x).map(([k, y]) => [k, model(y)]))
    }
    return x
  }
  return model(structuredClone(new Function(`${DETACH} return ${source}`)()))
}

/** Own keys too: vitest's equality alone does not compare an array's own properties. */
const shape = (x: unknown): unknown =>
  x && typeof x === 'object' && !(x instanceof Uint8Array) && !(x instanceof Date)
    ? [Array.isArray(x), Object.entries(x).map(([k, y]) => [k, shape(y)])]
    : x

const REFUSED: Record<string, [string, string]> = {
  'an Array subclass instance': [
    `(() => { class A extends Array {} return { v: A.from([1]) } })()`,
    '$.v: instance of A cannot cross to the host',
  ],
  'a Date with own properties': [
    `(() => { const d = new Date(5); d.x = 3; return { v: d } })()`,
    '$.v: a Date with own properties ("x") cannot cross to the host',
  ],
  'a Map with own properties': [
    `(() => { const m = new Map(); m.x = 3; return { v: m } })()`,
    '$.v: a Map with own properties ("x") cannot cross to the host',
  ],
  'an ArrayBuffer with own properties': [
    `(() => { const b = new ArrayBuffer(1); b.x = 3; return { v: b } })()`,
    '$.v: an ArrayBuffer with own properties ("x") cannot cross to the host',
  ],
}

for (const isolation of ['inline', 'worker'] as const) {
  describe(`values cross as structuredClone reads them (${isolation})`, () => {
    let host: Host
    const received: unknown[] = []
    beforeAll(async () => {
      host = await createHost({
        engines: [jsEngine()],
        pool: { min: 1, max: 1 },
        ...(isolation === 'worker' ? { isolation, workers: 1 } : {}),
      })
      host.bridges.register(
        defineBridge({ name: 'sink', methods: { put: { args: [z.any()], handler: (_ctx, v) => void received.push(v) } } }),
      )
    })
    afterAll(() => host.close())

    for (const [name, source] of Object.entries(SNAPSHOTS)) {
      it(`${name}: as a result and as a bridge argument`, async () => {
        const expected = v8(source)
        const value = (await host.execute({ language: 'js', source: `${DETACH} ${source}` })).value
        expect(value).toEqual(expected)
        expect(shape(value)).toEqual(shape(expected))
        received.length = 0
        await host.execute({ language: 'js', source: `${DETACH} sink.put(${source}); 1` })
        expect(shape(received[0])).toEqual(shape(expected))
      })
    }

    it('a long result array crosses under a memory limit it fits in', async () => {
      // finding its own properties must not hold a key string per element inside the script's
      // memory: with Object.keys, 500,000 numbers tripped a 32 MiB limit (33,886,208 bytes)
      const n = 500_000
      const source = `const a = []; for (let i = 0; i < ${n}; i++) a[i] = i; a.x = 'x'; a`
      const r = await host.execute({ language: 'js', source, limits: { memoryBytes: 32 * 2 ** 20, timeoutMs: 5_000 } })
      const value = r.value as number[] & { x?: string }
      expect(value.length).toBe(n)
      expect(value[n - 1]).toBe(n - 1)
      expect(value.x).toBe('x')
    })

    for (const [name, [source, message]] of Object.entries(REFUSED)) {
      it(`${name} is a ConversionError naming its path`, async () => {
        const error = await host.execute({ language: 'js', source }).catch((e: unknown) => e)
        expect(error).toBeInstanceOf(ConversionError)
        expect((error as Error).message).toBe(message)
      })
    }
  })
}
