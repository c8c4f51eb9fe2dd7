import { ConversionError, defineBridge } from '@polyhost/core'
import { formatValuePath } from '@polyhost/core/engine'
import { failsWith, test } from '../checks.js'
import type { ConformanceTest } from '../types.js'

/**
 * Value-model rows beyond the round trips (part of the `values.host` area): an `ArrayBuffer`
 * crosses as the bytes it holds, and a Map key that cannot cross is named by its path.
 */
export const valuesHostEdgeTests: readonly ConformanceTest[] = [
  test('values.host.array-buffer', 'an ArrayBuffer crosses as its bytes (a Uint8Array), as a global and as a bridge result', async (t) => {
    const buffer = new Uint8Array([0xff, 0x00, 0x41, 0x80]).buffer
    const bytes = new Uint8Array(buffer)
    t.expect(await t.value(t.s.readGlobal('v'), { globals: { v: buffer } })).toEqual(bytes)
    t.expect(await t.value(t.s.length('v'), { globals: { v: buffer } })).toBe(buffer.byteLength)
    t.expect(await t.value(t.s.readGlobal('v'), { globals: { v: { inner: [buffer] } } })).toEqual({ inner: [bytes] })
    const host = await t.host()
    host.bridges.register(defineBridge({ name: 'raw', methods: { bytes: { args: [], handler: () => buffer.slice(0) } } }))
    t.expect((await t.run(host, t.s.callBridge('raw.bytes', []))).value).toEqual(bytes)
  }),
  test('values.host.map-key-path', 'a Map key that is not a string is a ConversionError naming the map and the key', async (t) => {
    const bad = () => new Map<unknown, unknown>([[1, 'one']])
    const cases: [Record<string, unknown>, (string | number)[]][] = [
      [{ globals: { g: bad() } }, ['g', '1']],
      [{ globals: { g: { a: bad() } } }, ['g', 'a', '1']],
      [{ globals: { g: [bad()] } }, ['g', 0, '1']],
    ]
    for (const [options, where] of cases) {
      const e = await failsWith(t, t.value(t.s.returnLiteral(1), options), ConversionError)
      t.expect(e.path, JSON.stringify(where)).toBe(formatValuePath(where))
    }
    // the context record's root is `$` or `$.context` as the engine names it; the rest is fixed
    const inContext = await failsWith(t, t.value(t.s.returnLiteral(1), { context: { m: bad() } }), ConversionError)
    t.expect(inContext.path).toMatch(/^\$(\.context)?\.m\["1"\]$/)
  }),
]
