import { ConversionError } from '@polyhost/core'
import { failsWith, isNil, nestedArrays, test } from '../checks.js'
import type { ScriptLiteral } from '../snippets.js'
import type { ConformanceArea, ConformanceTest } from '../types.js'

/** Values a script writes as literals, and the host value each must become. */
const LITERALS: readonly [string, ScriptLiteral][] = [
  ['true', true],
  ['false', false],
  ['empty-string', ''],
  ['unicode-string', 'héllo ✓ 😀 日本'],
  ['string-with-nul', 'a\u0000b'],
  ['zero', 0],
  ['integer', 42],
  ['negative-integer', -7],
  ['fraction', 0.5],
  ['huge-float', 1e300],
  ['max-safe-integer', Number.MAX_SAFE_INTEGER],
  ['nan', Number.NaN],
  ['infinity', Number.POSITIVE_INFINITY],
  ['minus-infinity', Number.NEGATIVE_INFINITY],
  ['minus-zero', -0],
  ['array', [1, 'two', false, [3, [4.5, 'x']]]],
  ['object', { a: 1, b: { c: 'd', e: [1, 2] }, 'key with space': true }],
  ['empty-object', {}],
  ['non-utf8-bytes', new Uint8Array([0xff, 0xfe, 0x00, 0x41, 0x80])],
]

const literals: ConformanceTest[] = LITERALS.map(([id, v]) =>
  test(`values.script.${id}`, `a script ${id} reaches the host as the same value`, async (t) => {
    const r = await t.run(await t.host(), t.s.returnLiteral(v))
    t.expect(Object.is(r.value, -0), 'sign of zero').toBe(Object.is(v, -0))
    t.expect(r.value).toEqual(v)
    t.expect(r.values, 'values of a single result').toEqual([v])
  }),
)

export const valuesScriptArea: ConformanceArea = {
  name: 'values.script',
  tests: [
    ...literals,
    test('values.script.nil', 'a script nil is null or undefined on the host', async (t) => {
      const v = await t.value(t.s.returnLiteral(null))
      if (t.caps.undefinedValue) t.expect(v).toBe(null)
      else t.expect(isNil(v), `got ${String(v)}`).toBe(true)
    }),
    test(
      'values.script.integer-range-edges',
      'script integers at the range edges arrive as the same numbers',
      async (t) => {
        const [min, max] = t.caps.integerRange as readonly [number, number]
        for (const n of [min, max, 0, -1]) t.expect(await t.value(t.s.returnLiteral(n)), String(n)).toBe(n)
      },
      ['integerRange'],
    ),
    test('values.script.empty-array', 'a script array marked as such arrives as []', async (t) => {
      t.expect(await t.value(t.s.emptyArray())).toEqual([])
    }),
    test('values.script.sparse-array', 'a script array with a hole arrives as an array with a nil hole or as an object', async (t) => {
      const snippet = t.s.sparseArray()
      const v = await t.value(snippet.source)
      t.expect(v).toEqual(snippet.expected)
      if (Array.isArray(v)) {
        t.expect(v.length).toBe(3)
        t.expect([v[0], isNil(v[1]), v[2]]).toEqual(['a', true, 'c'])
      } else {
        t.expect(v, 'a table whose keys are not 1..n is an object with string keys').toEqual({ '1': 'a', '3': 'c' })
      }
    }),
    test('values.script.cycle', 'a script value containing itself is a ConversionError', async (t) => {
      const e = await failsWith(t, t.value(t.s.cyclic()), ConversionError)
      t.expect(e.path).toMatch(/^\$/)
      t.expect(e.message).toMatch(/cycle/i)
    }),
    test('values.script.depth', 'script nesting at maxDepth arrives; one level deeper is a ConversionError', async (t) => {
      const host = await t.host({ maxDepth: 8 })
      t.expect((await t.run(host, t.s.returnLiteral(nestedArrays(8) as ScriptLiteral))).value).toEqual(nestedArrays(8))
      const e = await failsWith(t, t.run(host, t.s.returnLiteral(nestedArrays(9) as ScriptLiteral)), ConversionError)
      t.expect(e.path).toContain('[0]')
    }),
    test('values.script.proto-keys', 'script keys __proto__, constructor, prototype become own keys and pollute nothing', async (t) => {
      const v = JSON.parse('{"__proto__":{"polluted":"yes"},"constructor":{"prototype":{"polluted":"yes"}},"prototype":1}')
      const back = (await t.value(t.s.returnLiteral(v))) as Record<string, unknown>
      t.expect(Object.keys(back).sort()).toEqual(['__proto__', 'constructor', 'prototype'])
      t.expect(Object.getOwnPropertyDescriptor(back, '__proto__')?.value).toEqual({ polluted: 'yes' })
      t.expect([Object.prototype, null]).toContain(Object.getPrototypeOf(back))
      t.expect(({} as Record<string, unknown>).polluted, 'Object.prototype untouched').toBeUndefined()
    }),
    test(
      'values.script.multiple-returns',
      'several results arrive in `values`, the first in `value`',
      async (t) => {
        const r = await t.run(await t.host(), (t.s.returnMany as (v: ScriptLiteral[]) => string)([1, 'two', true, { x: 1 }]))
        t.expect(r.value).toBe(1)
        t.expect(r.values).toEqual([1, 'two', true, { x: 1 }])
      },
      ['multipleReturns'],
    ),
  ],
}
