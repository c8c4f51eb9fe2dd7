import { describe, expect, it } from 'vitest'
import { InvalidArgumentError } from './errors.js'
import { POOL_DEFAULTS, poolOptionsSchema, type ResolvedPoolOptions, resolvePoolOptions } from './pool-types.js'

// resolvePoolOptions skips its schema (and the loading of zod) for no options and for an
// object it resolved itself and nobody changed since (each engine's pool gets the host's).
// What it returns then must be what the schema path returns.

/** The schema path, as resolvePoolOptions took it for every input before. */
function bySchema(input: unknown): ResolvedPoolOptions {
  const r = poolOptionsSchema().safeParse(input ?? {})
  if (!r.success) throw new InvalidArgumentError('invalid')
  return { ...POOL_DEFAULTS, ...r.data }
}

function errorOf(fn: () => unknown): string {
  try {
    fn()
  } catch (e) {
    expect(e).toBeInstanceOf(InvalidArgumentError)
    return (e as Error).message
  }
  throw new Error('expected an InvalidArgumentError')
}

describe('resolvePoolOptions without its schema', () => {
  it('no options: the defaults, as the schema makes them, a new object each time', () => {
    for (const input of [undefined, null]) {
      const a = resolvePoolOptions(input)
      expect(a).toStrictEqual(bySchema(input))
      expect(Object.keys(a)).toEqual(Object.keys(bySchema(input)))
      expect(resolvePoolOptions(input)).not.toBe(a)
      expect(a).not.toBe(POOL_DEFAULTS)
    }
  })

  it('an object it resolved: an equal copy, as the schema makes it', () => {
    for (const input of [undefined, { min: 0, max: 2 }, { partitionByTenant: false, maxUses: 0, drainTimeoutMs: 7 }]) {
      const first = resolvePoolOptions(input)
      const again = resolvePoolOptions(first)
      expect(again).toStrictEqual(bySchema(first))
      expect(again).not.toBe(first)
      expect(resolvePoolOptions(again)).toStrictEqual(again)
    }
  })

  it('an object it resolved and someone changed since: judged by the schema again', () => {
    const changed = resolvePoolOptions({ max: 4 }) as { -readonly [K in keyof ResolvedPoolOptions]: unknown }
    changed.max = 0
    expect(errorOf(() => resolvePoolOptions(changed))).toMatch(/^pool\.max: /)
    changed.max = 'many'
    expect(errorOf(() => resolvePoolOptions(changed))).toMatch(/^pool\.max: /)
    const extra = { ...resolvePoolOptions(undefined) }
    expect(errorOf(() => resolvePoolOptions(Object.assign(resolvePoolOptions(extra), { mni: 1 })))).toMatch(/^pool: /)
    const min = resolvePoolOptions(undefined) as { min: number }
    min.min = 9
    expect(errorOf(() => resolvePoolOptions(min))).toBe('pool.min (9) exceeds pool.max (8)')
    min.min = 3
    expect(resolvePoolOptions(min)).toStrictEqual({ ...POOL_DEFAULTS, min: 3 })
  })
})
