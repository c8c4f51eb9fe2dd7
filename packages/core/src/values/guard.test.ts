import { describe, expect, it } from 'vitest'
import { ConversionError } from '../errors.js'
import { ConversionGuard, DEFAULT_MAX_DEPTH, formatValuePath } from './guard.js'

/** A minimal walker in the shape engine converters use the guard. */
function walk(value: unknown, guard: ConversionGuard, key?: string | number): void {
  if (value === null || typeof value !== 'object') return
  guard.enter(value, key)
  const entries: [string | number, unknown][] = Array.isArray(value) ? value.map((v, i) => [i, v]) : Object.entries(value)
  for (const [k, v] of entries) walk(v, guard, k)
  guard.leave(key !== undefined)
}

function conversionError(fn: () => unknown): ConversionError {
  try {
    fn()
  } catch (e) {
    expect(e).toBeInstanceOf(ConversionError)
    return e as ConversionError
  }
  throw new Error('expected a ConversionError')
}

describe('ConversionGuard', () => {
  it('names the path of a cycle', () => {
    const a: Record<string, unknown> = { b: [1, 2, 3, {}] }
    ;(a.b as unknown[])[3] = a
    const e = conversionError(() => walk(a, new ConversionGuard()))
    expect(e.path).toBe('$.b[3]')
    expect(e.message).toBe('$.b[3]: cycle detected')
  })

  it('allows shared (non-cyclic) references', () => {
    const shared = { x: 1 }
    expect(() => walk({ a: shared, b: shared, c: [shared, shared] }, new ConversionGuard())).not.toThrow()
  })

  it('allows exactly maxDepth nested containers and names the first one too deep', () => {
    const nest = (n: number) => {
      let v: unknown = 1
      for (let i = 0; i < n; i++) v = { k: v }
      return v
    }
    expect(() => walk(nest(3), new ConversionGuard(3))).not.toThrow()
    const e = conversionError(() => walk(nest(4), new ConversionGuard(3)))
    expect(e.path).toBe('$.k.k.k')
    expect(e.reason).toBe('nesting deeper than 3')
    expect(new ConversionGuard().maxDepth).toBe(DEFAULT_MAX_DEPTH)
    expect(() => walk(nest(DEFAULT_MAX_DEPTH), new ConversionGuard())).not.toThrow()
    expect(() => walk(nest(DEFAULT_MAX_DEPTH + 1), new ConversionGuard())).toThrow(ConversionError)
  })

  it('tracks depth and leaf keys', () => {
    const g = new ConversionGuard()
    g.enter({})
    g.enter([], 'list')
    expect(g.depth).toBe(2)
    g.push(4)
    expect(g.error('bad number').message).toBe('$.list[4]: bad number')
    g.pop()
    g.leave(true)
    expect(g.error('x').path).toBe('$')
    g.leave(false)
    expect(g.depth).toBe(0)
  })
})

it('formatValuePath quotes keys that are not identifiers', () => {
  expect(formatValuePath(['a', 'b', 3])).toBe('$.a.b[3]')
  expect(formatValuePath(['x y', '1', '$ok'])).toBe('$["x y"]["1"].$ok')
  expect(formatValuePath([])).toBe('$')
})
