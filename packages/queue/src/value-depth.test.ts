import { ConversionError } from '@polyhost/core'
import { describe, expect, it } from 'vitest'
import { checkValueDepth } from './value-depth.js'

/** `{ a: { a: ... {} } }`: `levels` objects, one inside the other. */
const nested = (levels: number): unknown => {
  let v: unknown = {}
  for (let i = 1; i < levels; i++) v = { a: v }
  return v
}
const refusal = (f: () => void) => {
  try {
    f()
  } catch (e) {
    return e as ConversionError
  }
  return undefined
}

describe('checkValueDepth', () => {
  it('takes maxDepth levels below a key and refuses one more, as the engines do', () => {
    expect(() => checkValueDepth({ d: nested(64) }, 64, 'copy')).not.toThrow()
    const e = refusal(() => checkValueDepth({ d: nested(65) }, 64, 'copy'))
    expect(e).toBeInstanceOf(ConversionError)
    expect(e?.message).toBe(`$.d${'.a'.repeat(64)}: nesting deeper than 64`)
    expect(() => checkValueDepth({ d: nested(3) }, 2, 'copy')).toThrow('$.d.a.a: nesting deeper than 2')
  })

  it('counts arrays and Maps as levels and names their entries', () => {
    expect(() => checkValueDepth({ l: [[1]] }, 2, 'copy')).not.toThrow()
    expect(() => checkValueDepth({ l: [0, [[1]]] }, 2, 'copy')).toThrow('$.l[1][0]: nesting deeper than 2')
    expect(() => checkValueDepth({ m: new Map([['k', { x: {} }]]) }, 2, 'copy')).toThrow('$.m.k.x: nesting deeper than 2')
  })

  it('refuses a cycle and takes a value shared by siblings', () => {
    const shared = { s: 1 }
    expect(() => checkValueDepth({ a: [shared, shared], b: shared }, 4, 'copy')).not.toThrow()
    const c: Record<string, unknown> = {}
    c.self = c
    expect(() => checkValueDepth({ c }, 64, 'copy')).toThrow('$.c.self: cycle detected')
  })

  it("leaves other objects to the host (its registered types convert or refuse them); with 'refuse', only those structured clone keeps", () => {
    class Box {
      inner = nested(10)
    }
    expect(() => checkValueDepth({ b: new Box(), bytes: new Uint8Array(4), when: new Date(0) }, 2, 'copy')).not.toThrow()
    expect(() =>
      checkValueDepth({ bytes: new Uint8Array(4), when: new Date(0), m: new Map(), e: new RangeError('x') }, 2, 'refuse'),
    ).not.toThrow()
    expect(() => checkValueDepth({ l: [new Box()] }, 64, 'refuse')).toThrow(/^\$\.l\[0\]: an instance of Box cannot be stored in a job: /)
  })

  it("a getter of the caller's data that throws is a ConversionError naming where", () => {
    const v = {
      get bad(): never {
        throw new Error('no')
      },
    }
    const e = refusal(() => checkValueDepth({ v: { x: v } }, 64, 'copy'))
    expect(e).toBeInstanceOf(ConversionError)
    expect(e?.message).toBe('$.v.x: the host value could not be read: no')
  })
})
