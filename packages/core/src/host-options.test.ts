import { describe, expect, it } from 'vitest'
import { seededRandom } from './determinism.js'
import { InvalidArgumentError } from './errors.js'
import { checkRequest, requestSchemas } from './host-options.js'

// checkRequest passes well-formed object literals without running the schema: it must accept
// exactly what the schema accepts, with the same result, for every kind of request.

const VALUES: readonly unknown[] = [
  undefined,
  '',
  'lua',
  'x'.repeat(4096),
  'x'.repeat(4097),
  0,
  true,
  null,
  {},
  { a: 1 },
  [],
  [1],
  Object.create(null),
  new Map(),
  new AbortController().signal,
  new Date(0),
]
const KEYS = ['globals', 'context', 'tenant', 'limits', 'signal', 'language', 'source', 'name', 'bogus'] as const

function outcome(fn: () => unknown): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: fn() }
  } catch (e) {
    expect(e).toBeInstanceOf(InvalidArgumentError)
    return { ok: false }
  }
}

describe('checkRequest', () => {
  it.each(['execute', 'run', 'compile', 'executeFile'] as const)(
    '%s: accepts what the schema accepts, with its result (3,000 requests)',
    (what) => {
      const next = seededRandom(what.length * 7919)
      const known = new Set(Object.keys(requestSchemas()[what].shape))
      let accepted = 0
      for (let i = 0; i < 3000; i++) {
        const request: Record<string, unknown> = {}
        for (const key of KEYS) if (next() < (known.has(key) ? 0.5 : 0.05)) request[key] = VALUES[Math.floor(next() * VALUES.length)]
        if (next() < 0.6) request.source = 'return 1'
        const schema = requestSchemas()[what].safeParse(request)
        const mine = outcome(() => checkRequest(what, request))
        expect({ i, request, ok: mine.ok }).toEqual({ i, request, ok: schema.success })
        if (mine.ok && schema.success) {
          accepted++
          // checkRequest's own step after the schema: an object `limits` is a copy (read once)
          const { limits, ...rest } = schema.data as Record<string, unknown>
          const { limits: myLimits, ...myRest } = mine.value as Record<string, unknown>
          expect(myRest).toEqual(rest)
          if (typeof limits === 'object' && limits !== null && !Array.isArray(limits)) {
            expect(myLimits).not.toBe(limits)
            expect(Reflect.ownKeys(myLimits as object)).toEqual(Reflect.ownKeys({ ...limits }))
          } else expect(myLimits).toBe(limits)
        }
      }
      expect(accepted).toBeGreaterThan(100)
    },
  )

  it('reads each field of the request once and returns what it checked', () => {
    let reads = 0
    const request = {
      get source() {
        reads++
        return reads === 1 ? 'return 1' : 42
      },
    }
    const r = checkRequest<{ source: unknown }>('execute', request)
    expect(r.source).toBe('return 1')
    expect(reads).toBe(1)
  })

  it('leaves requests that are not object literals to the schema', () => {
    class Request {
      source = 'return 1'
    }
    const proto = Object.create({ source: 'return 1' }) as object
    expect(checkRequest<{ source: string }>('execute', new Request()).source).toBe('return 1')
    expect(requestSchemas().execute.safeParse(proto).success).toBe(outcome(() => checkRequest('execute', proto)).ok)
    expect(() => checkRequest('execute', 'return 1')).toThrow(InvalidArgumentError)
    expect(checkRequest('run', undefined)).toEqual({})
  })

  it('refuses a script name over 4,096 characters, naming the field', () => {
    expect(checkRequest<{ name: string }>('compile', { source: '1', name: 'n'.repeat(4096) }).name).toHaveLength(4096)
    expect(() => checkRequest('execute', { source: '1', name: 'n'.repeat(300_000) })).toThrow(
      'execute: name: a script name is at most 4096 characters',
    )
  })
})
