import { describe, expect, it } from 'vitest'
import { PolicyError } from './errors.js'
import { formatPath, parsePolicy, securityPolicySchema } from './policy.js'
import { PRESET_NAMES } from './presets.js'

function policyError(input: unknown): PolicyError {
  try {
    parsePolicy(input)
  } catch (e) {
    expect(e).toBeInstanceOf(PolicyError)
    return e as PolicyError
  }
  throw new Error('expected a PolicyError')
}

describe('parsePolicy', () => {
  it('no policy or a preset name: what the schema makes of it (without loading it), a new object each time', () => {
    for (const input of [undefined, null, ...PRESET_NAMES]) {
      const value = typeof input === 'string' ? { preset: input } : {}
      expect(parsePolicy(input)).toStrictEqual(securityPolicySchema().parse(value))
      expect(parsePolicy(input)).not.toBe(parsePolicy(input))
    }
    expect(policyError('Strict').field).toBe('preset')
    expect(policyError('').field).toBe('preset')
  })

  it('accepts a preset name, a policy, or nothing (standard)', () => {
    expect(parsePolicy('strict').preset).toBe('strict')
    expect(parsePolicy(undefined).preset).toBe('standard')
    expect(parsePolicy({ libraries: { allow: ['os.date'] } }).libraries?.allow).toEqual(['os.date'])
  })

  it('names an unknown preset and lists the known ones', () => {
    const e = policyError('paranoid')
    expect(e.field).toBe('preset')
    expect(e.message).toBe('preset: unknown preset "paranoid" (known: minimal, standard, strict)')
    expect(policyError({ preset: 'lax' }).message).toContain('"lax"')
  })

  it('rejects unknown fields, naming where', () => {
    expect(policyError({ librarys: {} }).message).toBe("policy: unknown field 'librarys'")
    const nested = policyError({ libraries: { allowed: [] } })
    expect(nested.field).toBe('libraries')
    expect(nested.message).toContain("'allowed'")
  })

  it('names the offending element of a list', () => {
    const e = policyError({ libraries: { allow: ['string', ''] } })
    expect(e.field).toBe('libraries.allow[1]')
  })

  it('reports bad limits with the received value', () => {
    const e = policyError({ limits: { memoryBytes: -1 } })
    expect(e.field).toBe('limits.memoryBytes')
    expect(e.message).toContain('received -1')
    expect(policyError({ limits: { timeoutMs: 'soon' } }).message).toContain('received "soon"')
  })

  it('refuses bridge patterns that would match nothing', () => {
    expect(parsePolicy({ bridges: { allow: ['*', 'kv.*', 'http.get'] } }).bridges?.allow).toHaveLength(3)
    for (const bad of ['kv', '*.get', 'kv.*.x', 'kv.get.x', '']) {
      const e = policyError({ bridges: { allow: ['kv.*', bad] } })
      expect(e.field).toBe('bridges.allow[1]')
      expect(e.message).toContain("'name.*'")
    }
  })

  it('rejects a policy that is not an object', () => {
    expect(policyError(42).field).toBe('policy')
  })
})

it('formats zod paths as field paths', () => {
  expect(formatPath(['libraries', 'allow', 2])).toBe('libraries.allow[2]')
  expect(formatPath([])).toBe('')
})
