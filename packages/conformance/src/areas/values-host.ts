import { ConversionError } from '@polyhost/core'
import { failsWith, isNil, nestedArrays, test } from '../checks.js'
import { Money, moneyType } from '../fixtures.js'
import type { TestKit } from '../kit.js'
import type { ConformanceArea, ConformanceTest } from '../types.js'
import { valuesHostEdgeTests } from './values-host-edges.js'

/** Host values that must come back unchanged (`toEqual`, so NaN = NaN and -0 ≠ 0). */
const ROUND_TRIPS: readonly [string, unknown][] = [
  ['true', true],
  ['false', false],
  ['empty-string', ''],
  ['ascii-string', 'hello'],
  ['unicode-string', 'héllo ✓ 😀 日本'],
  ['string-with-nul', 'a\u0000b'],
  ['zero', 0],
  ['integer', 42],
  ['negative-integer', -7],
  ['fraction', 0.5],
  ['negative-fraction', -2.75],
  ['huge-float', 1e300],
  ['tiny-float', Number.MIN_VALUE],
  ['max-safe-integer', Number.MAX_SAFE_INTEGER],
  ['min-safe-integer', Number.MIN_SAFE_INTEGER],
  ['nan', Number.NaN],
  ['infinity', Number.POSITIVE_INFINITY],
  ['minus-infinity', Number.NEGATIVE_INFINITY],
  ['minus-zero', -0],
  ['array', [1, 'two', true, [3, [4.5]]]],
  ['object', { a: 1, b: { c: 'd', e: [1, 2] } }],
  ['array-of-objects', [{ id: 1 }, { id: 2, tags: ['x'] }]],
  ['empty-object', {}],
  ['non-utf8-bytes', new Uint8Array([0xff, 0xfe, 0x00, 0x41, 0x80])],
]

/** Round trip of `v` through a global: the script returns it unchanged. */
async function roundTrip(t: TestKit, v: unknown): Promise<unknown> {
  return t.value(t.s.readGlobal('v'), { globals: { v } })
}

const roundTrips: ConformanceTest[] = ROUND_TRIPS.map(([id, v]) =>
  test(`values.host.${id}`, `host ${id} crosses to the script and back unchanged`, async (t) => {
    const back = await roundTrip(t, v)
    t.expect(Object.is(back, -0), 'sign of zero').toBe(Object.is(v, -0))
    t.expect(back).toEqual(v)
  }),
)

export const valuesHostArea: ConformanceArea = {
  name: 'values.host',
  tests: [
    ...roundTrips,
    test('values.host.null', 'host null is nil in the script', async (t) => {
      const back = await roundTrip(t, null)
      if (t.caps.undefinedValue) t.expect(back).toBe(null)
      else t.expect(isNil(back), `got ${String(back)}`).toBe(true)
    }),
    test('values.host.undefined', 'host undefined is nil (or undefined) in the script', async (t) => {
      const back = await roundTrip(t, undefined)
      if (t.caps.undefinedValue) t.expect(back).toBeUndefined()
      else t.expect(isNil(back), `got ${String(back)}`).toBe(true)
    }),
    test(
      'values.host.integer-range-edges',
      'integers at the range edges cross as integers, just outside as floats, never changing value',
      async (t) => {
        const [min, max] = t.caps.integerRange as readonly [number, number]
        for (const [n, kind] of [
          [min, 'integer'],
          [max, 'integer'],
          [min - 1, 'float'],
          [max + 1, 'float'],
        ] as const) {
          t.expect(await t.value((t.s.numberKind as (n: string) => string)('v'), { globals: { v: n } }), `kind of ${n}`).toBe(kind)
          t.expect(await roundTrip(t, n), `value of ${n}`).toBe(n)
        }
      },
      ['integerRange'],
    ),
    test('values.host.bigint', 'a bigint crosses without changing value (or fails with ConversionError)', async (t) => {
      const small = await roundTrip(t, 42n)
      t.expect(typeof small === 'bigint' || typeof small === 'number', `got ${typeof small}`).toBe(true)
      t.expect(Number(small)).toBe(42)
      const big = 2n ** 80n
      const r = await t.value(t.s.readGlobal('v'), { globals: { v: big } }).catch((e: unknown) => e)
      if (r instanceof Error) t.expect(r).toBeInstanceOf(ConversionError)
      else t.expect(r, 'a bigint out of range never becomes a different number').toBe(big)
    }),
    test(
      'values.host.unpaired-surrogate',
      'a string with an unpaired surrogate comes back unchanged (or fails with ConversionError), never altered',
      async (t) => {
        for (const v of ['a\ud800b', 'a\udc00', { 'k\ud800': 'v\udfff' }, [`${'x'.repeat(2000)}\ud800`]]) {
          const r = await roundTrip(t, v).catch((e: unknown) => e)
          if (r instanceof Error) t.expect(r).toBeInstanceOf(ConversionError)
          else t.expect(r).toEqual(v)
        }
      },
    ),
    test('values.host.date', 'a Date crosses by its custom type (native Date or ISO string)', async (t) => {
      const d = new Date('2020-01-02T03:04:05.678Z')
      const back = await roundTrip(t, d)
      if (back instanceof Date) t.expect(back.getTime()).toBe(d.getTime())
      else t.expect(back).toBe(d.toISOString())
    }),
    test('values.host.map', 'a Map with string keys crosses as a table/object', async (t) => {
      const back = await roundTrip(
        t,
        new Map<string, unknown>([
          ['a', 1],
          ['b', 'x'],
        ]),
      )
      t.expect(back).toEqual({ a: 1, b: 'x' })
    }),
    test('values.host.empty-array', 'an empty host array comes back as [] (or {}: an unmarked empty table)', async (t) => {
      const back = await roundTrip(t, [])
      t.expect(Array.isArray(back) ? back : Object.keys(back as object), `got ${JSON.stringify(back)}`).toEqual([])
    }),
    test('values.host.script-view', 'the script indexes arrays and objects and measures lengths', async (t) => {
      const v = { list: [10, 20, 30], nested: { c: 'd' }, word: 'hello', bytes: new Uint8Array([0xff, 0, 1]) }
      const g = { globals: { v, list: v.list, word: v.word, bytes: v.bytes } }
      t.expect(await t.value(t.s.readField('v', ['list', 0]), g)).toBe(10)
      t.expect(await t.value(t.s.readField('v', ['list', 2]), g)).toBe(30)
      t.expect(await t.value(t.s.readField('v', ['nested', 'c']), g)).toBe('d')
      t.expect(await t.value(t.s.length('list'), g)).toBe(3)
      t.expect(await t.value(t.s.length('word'), g)).toBe(5)
      t.expect(await t.value(t.s.length('bytes'), g)).toBe(3)
    }),
    test('values.host.sparse-array', 'a sparse host array keeps its elements at their indices; the hole is nil', async (t) => {
      const sparse: unknown[] = []
      sparse[0] = 'a'
      sparse[2] = 'c'
      for (const v of [sparse, ['a', undefined, 'c'], ['a', null, 'c']]) {
        t.expect(await t.value(t.s.readField('v', [0]), { globals: { v } })).toBe('a')
        t.expect(await t.value(t.s.readField('v', [2]), { globals: { v } })).toBe('c')
        t.expect(isNil(await t.value(t.s.readField('v', [1]), { globals: { v } })), 'the hole is nil').toBe(true)
      }
    }),
    test('values.host.depth', 'nesting at maxDepth crosses; one level deeper is a ConversionError naming the path', async (t) => {
      const host = await t.host({ maxDepth: 8 })
      const ok = await t.run(host, t.s.readGlobal('v'), { globals: { v: nestedArrays(8) } })
      t.expect(ok.value).toEqual(nestedArrays(8))
      const e = await failsWith(t, t.run(host, t.s.readGlobal('v'), { globals: { v: nestedArrays(9) } }), ConversionError)
      t.expect(e.path).toMatch(/^\$/)
      t.expect(e.path).toContain('[0]')
    }),
    test('values.host.depth-bound', 'at the deepest maxDepth a host may set (1,000) values cross both ways', async (t) => {
      // a JS guest once copied results with script frames: 950 levels tripped the stack limit
      for (const policy of ['standard', 'strict'] as const) {
        const host = await t.host({ maxDepth: 1000, policy })
        const [v, w] = [nestedArrays(1000), nestedArrays(998)]
        t.expect((await t.run(host, t.s.returnLiteral('in'), { globals: { v } })).value, `${policy}: a 1,000-deep global`).toBe('in')
        t.expect((await t.run(host, t.s.readGlobal('v'), { globals: { v } })).value, `${policy}: and back`).toEqual(v)
        // a result the script builds two levels above a 998-deep w
        t.expect((await t.run(host, t.s.wrapGlobal('w'), { globals: { w } })).value, policy).toEqual([w, { inner: w }])
        await failsWith(t, t.run(host, t.s.returnLiteral('in'), { globals: { v: nestedArrays(1001) } }), ConversionError)
        await failsWith(t, t.run(host, t.s.wrapGlobal('w'), { globals: { w: nestedArrays(999) } }), ConversionError)
      }
    }),
    test('values.host.leaf-path', 'a global that cannot cross is a ConversionError naming it, at the top and nested', async (t) => {
      class Opaque {
        readonly a = 1
      }
      const top = await failsWith(t, t.value(t.s.readGlobal('g'), { globals: { g: new Opaque() } }), ConversionError)
      t.expect(top.path).toBe('$.g')
      const nested = await failsWith(t, t.value(t.s.readGlobal('g'), { globals: { g: { list: [1, new Opaque()] } } }), ConversionError)
      t.expect(nested.path).toBe('$.g.list[1]')
    }),
    test('values.host.cycle', 'a cyclic host value is a ConversionError naming the path', async (t) => {
      const a: Record<string, unknown> = { x: 1 }
      a.self = a
      const e = await failsWith(t, t.value(t.s.readGlobal('v'), { globals: { v: a } }), ConversionError)
      t.expect(e.path).toContain('self')
      t.expect(e.message).toMatch(/cycle/i)
    }),
    test('values.host.proto-keys', '__proto__, constructor and prototype keys stay own keys and pollute nothing', async (t) => {
      const v = JSON.parse('{"__proto__":{"polluted":"yes"},"constructor":{"prototype":{"polluted":"yes"}},"prototype":1,"ok":2}')
      t.expect(await t.value(t.s.readField('v', ['__proto__', 'polluted']), { globals: { v } })).toBe('yes')
      const back = (await roundTrip(t, v)) as Record<string, unknown>
      t.expect(Object.keys(back).sort()).toEqual(['__proto__', 'constructor', 'ok', 'prototype'])
      t.expect(Object.getOwnPropertyDescriptor(back, '__proto__')?.value).toEqual({ polluted: 'yes' })
      t.expect([Object.prototype, null]).toContain(Object.getPrototypeOf(back))
      t.expect(({} as Record<string, unknown>).polluted, 'Object.prototype untouched').toBeUndefined()
    }),
    test('values.host.custom-type', 'a registered custom type crosses by toScript and comes back through fromScript', async (t) => {
      const host = await t.host()
      host.converters.register(moneyType)
      const m = new Money(250, 'EUR')
      t.expect((await t.run(host, t.s.readField('m', ['cents']), { globals: { m } })).value).toBe(250)
      const back = (await t.run(host, t.s.readGlobal('v'), { globals: { v: [m, { inner: m }] } })).value as [Money, { inner: Money }]
      t.expect(back[0]).toBeInstanceOf(Money)
      t.expect(back[1].inner).toBeInstanceOf(Money)
      t.expect(back[0]).toEqual(m)
    }),
    test(
      'values.host.custom-type-modified',
      'a custom value comes back as the host type only while the script left it unchanged',
      async (t) => {
        const host = await t.host({ pool: { max: 1 } })
        let rebuilt = 0
        host.converters.register({
          ...moneyType,
          fromScript: (o) => {
            rebuilt++
            return moneyType.fromScript(o)
          },
        })
        const run = async (source: string, cents = 250) =>
          (await t.run(host, source, { globals: { price: new Money(cents, 'EUR') } })).value
        const same = (await run(t.s.wrapGlobal('price'))) as [Money, { inner: Money }]
        t.expect(same[0], 'unchanged, inside what the script built').toBeInstanceOf(Money)
        t.expect(same[1].inner).toBeInstanceOf(Money)
        rebuilt = 0
        const changed = await run(t.s.setField('price', 'cents', 99999999))
        t.expect(changed, 'modified: plain data').not.toBeInstanceOf(Money)
        t.expect(changed).toEqual({ cents: 99999999, currency: 'EUR' })
        t.expect(rebuilt, 'fromScript never sees modified data').toBe(0)
        t.expect(await run(t.s.setField('price', 'owner', 'eve'))).toEqual({ cents: 250, currency: 'EUR', owner: 'eve' })
        const removed = (await run(t.s.setField('price', 'cents', null))) as object
        t.expect(removed).not.toBeInstanceOf(Money)
        t.expect(Object.entries(removed).filter(([, v]) => !isNil(v))).toEqual([['currency', 'EUR']])
        t.expect(await run(t.s.returnLiteral({ cents: 250, currency: 'EUR' })), 'a look-alike the script made').not.toBeInstanceOf(Money)
        // a value kept from an earlier execution on the same state is not taken for this one's
        await run(`${t.s.aliasGlobal('price', 'kept')}\n${t.s.returnLiteral(1)}`, 1)
        t.expect(await run(t.s.returnLiteral({ cents: 1, currency: 'EUR' }), 1)).not.toBeInstanceOf(Money)
        t.expect(rebuilt, 'nothing was rebuilt since').toBe(0)
      },
    ),
    test('values.host.function', 'a host function is callable from the script with converted arguments', async (t) => {
      const globals = {
        add: (a: number, b: number) => a + b,
        shout: (s: string) => `${s.toUpperCase()}!`,
        count: (xs: unknown[]) => xs.length,
      }
      t.expect(await t.value(t.s.callGlobal('add', [2, 3]), { globals })).toBe(5)
      t.expect(await t.value(t.s.callGlobal('shout', ['hey']), { globals })).toBe('HEY!')
      t.expect(await t.value(t.s.callGlobal('count', [[1, 2, 3]]), { globals })).toBe(3)
    }),
    test('values.host.unsupported', 'a class instance without a custom type, or a symbol, is a ConversionError', async (t) => {
      class Opaque {}
      await failsWith(t, t.value(t.s.readGlobal('v'), { globals: { v: new Opaque() } }), ConversionError)
      await failsWith(t, t.value(t.s.readGlobal('v'), { globals: { v: Symbol('s') } }), ConversionError)
    }),
    ...valuesHostEdgeTests,
  ],
}
