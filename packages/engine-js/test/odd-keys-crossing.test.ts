import { createHost, defineBridge, type Host } from '@polyhost/core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { z } from 'zod'
import { jsEngine } from '../src/index.js'

// Values that are not plain data (a BigInt, bytes, a Date or a Map somewhere in them) cross
// to the host handle by handle. Each property was read with its key passed as a C string: a
// key with NUL ended there and read another key's value (`{ 'k\0x': 1, k: 2, b: 1n }` came
// back with 'k\0x' = 2), and a lone surrogate (no UTF-8 form) read the key of U+FFFD. Each
// value must come back as V8 builds the same literal: results, bridge arguments, thrown values.

const VALUES: Record<string, string> = {
  'NUL in a key': `({ 'k\\u0000x': 1, k: 2, b: 1n })`,
  'NUL keys with bytes and a Date': `({ 'k\\u0000x': new Uint8Array([1]), k: 'other key', 'a\\u0000': new Date(5), a: 0 })`,
  'nested NUL key': `({ a: { 'id\\u0000admin': 'tenant value', id: 'x' }, n: 1n })`,
  'lone surrogate keys': `({ '\\ud800': 1, '\\ufffd': 2, 'x\\udc00y': 3n, 'x\\ufffdy': 4 })`,
  'keys of a Map': `({ m: new Map([['k\\u0000x', 1], ['k', 2], ['\\udfff', 3n], ['\\ufffd', 4]]) })`,
  'keys in an array element': `[1n, { 'k\\u0000': 1, k: 2, '\\ud83d': 3, '\\ufffd': 4 }]`,
}

/** What V8 makes of the same literal (a Map crosses as an object of its entries). */
function v8(source: string): unknown {
  const v = new Function(`return ${source}`)() as unknown
  const plain = (x: unknown): unknown =>
    x instanceof Map
      ? Object.fromEntries([...x].map(([k, y]) => [k, plain(y)]))
      : Array.isArray(x)
        ? x.map(plain)
        : x && typeof x === 'object' && !(x instanceof Date) && !(x instanceof Uint8Array)
          ? Object.fromEntries(Object.entries(x).map(([k, y]) => [k, plain(y)]))
          : x
  return plain(v)
}

let host: Host
const received: unknown[] = []
beforeAll(async () => {
  host = await createHost({ engines: [jsEngine()], pool: { min: 1, max: 1 } })
  host.bridges.register(defineBridge({ name: 'sink', methods: { put: { args: [z.any()], handler: (_ctx, v) => void received.push(v) } } }))
})
afterAll(() => host.close())

describe('keys with NUL or a lone surrogate read their own values on the handle path', () => {
  for (const [name, source] of Object.entries(VALUES)) {
    it(`${name}: result, bridge argument and thrown value as in V8`, async () => {
      const expected = v8(source)
      expect((await host.execute({ language: 'js', source })).value).toEqual(expected)
      received.length = 0
      await host.execute({ language: 'js', source: `sink.put(${source}); 1` })
      expect(received).toEqual([expected])
      const thrown = await host
        .execute({ language: 'js', source: `throw { message: 'm', v: ${source} }` })
        .catch((e: { thrown?: unknown }) => e.thrown)
      expect(thrown).toEqual({ message: 'm', v: expected })
    })
  }

  it('a thrown object with such keys at its top keeps their own values', async () => {
    const source = `throw { message: 'm', 'k\\u0000x': 1, k: 2, '\\ud800': 3n, '\\ufffd': 4 }`
    const thrown = await host.execute({ language: 'js', source }).catch((e: { thrown?: unknown }) => e.thrown)
    expect(thrown).toEqual({ message: 'm', 'k\0x': 1, k: 2, '\ud800': 3n, '\ufffd': 4 })
  })
})
