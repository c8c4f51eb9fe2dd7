import { describe, expect, it, vi } from 'vitest'
import { policyError } from '../test/policy-error.js'
import { PolicyError } from './errors.js'
import {
  LIMIT_KEYS,
  LIMIT_NAMES,
  lazySchema,
  limitsSchema,
  overrideLimits,
  parseLimits,
  type ResolvedLimits,
  tightenLimits,
} from './limits.js'

const base: ResolvedLimits = {
  instructions: 1000,
  timeoutMs: 500,
  memoryBytes: 1 << 20,
  stackDepth: 100,
  bridgeCalls: 10,
  outputBytes: false,
  sourceBytes: false,
}

describe('parseLimits', () => {
  it('no limits: what the schema makes of {} (without loading it), a new object each time', () => {
    for (const input of [undefined, null]) {
      expect(parseLimits(input)).toStrictEqual(limitsSchema().parse({}))
      expect(parseLimits(input)).not.toBe(parseLimits(input))
    }
  })

  it('accepts positive integers and false, and treats undefined as empty', () => {
    expect(parseLimits({ timeoutMs: 10, memoryBytes: false })).toEqual({ timeoutMs: 10, memoryBytes: false })
    expect(parseLimits(undefined)).toEqual({})
  })

  it.each([
    [{ timeoutMs: -1 }, 'limits.timeoutMs', 'received -1'],
    [{ timeoutMs: 0 }, 'limits.timeoutMs', 'received 0'],
    [{ instructions: 1.5 }, 'limits.instructions', 'received 1.5'],
    [{ memoryBytes: '5' }, 'limits.memoryBytes', 'received "5"'],
    [{ stackDepth: Number.NaN }, 'limits.stackDepth', 'received NaN'],
    [{ bridgeCalls: true }, 'limits.bridgeCalls', 'received true'],
    [{ outputBytes: Number.POSITIVE_INFINITY }, 'limits.outputBytes', 'received Infinity'],
  ])('rejects %o naming the field', (input, field, received) => {
    const e = policyError(() => parseLimits(input))
    expect(e.field).toBe(field)
    expect(e.message).toContain('expected a positive integer or false')
    expect(e.message).toContain(received)
    expect(e.code).toBe('E_POLICY')
  })

  it('rejects a timeoutMs a Node timer cannot hold (2^31 ms and more), accepts 2^31 − 1', () => {
    const e = policyError(() => parseLimits({ timeoutMs: 2 ** 31 }))
    expect(e.field).toBe('limits.timeoutMs')
    expect(e.message).toBe('limits.timeoutMs: at most 2147483647 ms (a longer timer overflows), received 2147483648')
    expect(parseLimits({ timeoutMs: 2 ** 31 - 1 })).toEqual({ timeoutMs: 2 ** 31 - 1 })
  })

  it('rejects unknown keys, listing the known ones', () => {
    const e = policyError(() => parseLimits({ timeout: 5 }))
    expect(e.field).toBe('limits')
    expect(e.message).toContain("unknown limit 'timeout'")
    expect(e.message).toContain('timeoutMs')
  })

  it('rejects a non-object with a message about the whole value', () => {
    const e = policyError(() => parseLimits(5, 'request.limits'))
    expect(e.field).toBe('request.limits')
    expect(e.message).toBe('request.limits: expected an object of limits, received 5')
  })
})

describe('tightenLimits', () => {
  it('returns a copy with lower values applied and the rest kept', () => {
    const out = tightenLimits(base, { timeoutMs: 50, instructions: 1000 })
    expect(out).toEqual({ ...base, timeoutMs: 50 })
    expect(base.timeoutMs).toBe(500)
  })

  it('refuses to raise a limit, naming the field', () => {
    const e = policyError(() => tightenLimits(base, { timeoutMs: 501 }))
    expect(e.field).toBe('limits.timeoutMs')
    expect(e.message).toBe('limits.timeoutMs: a request may only tighten limits: 501 exceeds 500')
  })

  it('refuses to remove a limit with false', () => {
    const e = policyError(() => tightenLimits(base, { bridgeCalls: false }))
    expect(e.message).toContain('cannot remove the limit of 10')
  })

  it('lets a request limit what the host left unlimited, or keep it unlimited', () => {
    expect(tightenLimits(base, { outputBytes: 100 }).outputBytes).toBe(100)
    expect(tightenLimits(base, { outputBytes: false }).outputBytes).toBe(false)
  })
})

describe('overrideLimits', () => {
  it('may loosen and unset limits', () => {
    const out = overrideLimits(base, { timeoutMs: 60_000, instructions: false })
    expect(out.timeoutMs).toBe(60_000)
    expect(out.instructions).toBe(false)
    expect(out.stackDepth).toBe(100)
  })

  it('still validates its input', () => {
    expect(() => overrideLimits(base, { timeoutMs: -5 })).toThrow(PolicyError)
  })
})

it('maps every limit key to a limit name', () => {
  expect(LIMIT_KEYS.map((k) => LIMIT_NAMES[k])).toEqual(['instructions', 'timeout', 'memory', 'stack', 'bridgeCalls', 'output', 'source'])
})

describe('lazySchema', () => {
  it('builds its schema on the first call only and hands out the same one after', () => {
    const build = vi.fn((z: Parameters<Parameters<typeof lazySchema>[0]>[0]) => z.string().max(3))
    const schema = lazySchema(build)
    expect(build).not.toHaveBeenCalled()
    const first = schema()
    expect(schema()).toBe(first)
    expect(build).toHaveBeenCalledTimes(1)
    expect(first.safeParse('abcd').success).toBe(false)
    expect(first.safeParse('abc').success).toBe(true)
  })
})
