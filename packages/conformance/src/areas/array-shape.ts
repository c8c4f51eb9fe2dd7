import { test } from '../checks.js'
import type { TestKit } from '../kit.js'
import type { ConformanceArea } from '../types.js'

/**
 * Array shape: a host array with `null` elements keeps its length and its nulls through a
 * script — returned unchanged, nested in an object, edited or appended to (`[1, null, 3]` never comes back as `{ '1': 1, '3': 3 }`).
 */
export const arrayShapeArea: ConformanceArea = {
  name: 'array-shape',
  tests: [
    test('array-shape.round-trip', 'a host array with nulls comes back with its length and nulls', async (t) => {
      for (const a of [
        [1, null, 3],
        [null, null],
        ['x', null],
        [null, 'y'],
      ]) {
        t.expect(nulled(await t.value(t.s.readGlobal('a'), { globals: { a } })), JSON.stringify(a)).toEqual(a)
      }
      const o = { list: [1, null, 3], deep: [[null, 2], { v: [null] }] }
      t.expect(nulled(await t.value(t.s.readGlobal('o'), { globals: { o } }))).toEqual(o)
    }),
    test('array-shape.edits', 'setting or appending an element keeps the array shape', async (t) => {
      const set = t.s.setElement
      if (!set) return
      const edit = async (index: number, value: number | null) => nulled(await edited(t, set, index, value))
      t.expect(await edit(1, 2)).toEqual([1, 2, 3])
      t.expect(await edit(3, 4)).toEqual([1, null, 3, 4])
      t.expect(await edit(2, null)).toEqual([1, null, null])
      t.expect(await edit(0, null)).toEqual([null, null, 3])
    }),
  ],
}

// --- internal ---

function edited(t: TestKit, set: NonNullable<TestKit['s']['setElement']>, index: number, value: number | null) {
  return t.value(set('a', index, value), { globals: { a: [1, null, 3] } })
}

/** `undefined` array elements (JS holes) read as null: the clause is about shape, not kind of nothing. */
function nulled(v: unknown): unknown {
  if (Array.isArray(v)) return Array.from(v, (x) => nulled(x))
  if (v !== null && typeof v === 'object' && !(v instanceof Uint8Array)) {
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, nulled(x)]))
  }
  return v === undefined ? null : v
}
