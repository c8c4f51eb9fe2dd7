import { PolicyError } from '@polyhost/security'
import { describe, expect, it } from 'vitest'
import {
  BridgeError,
  CancelledError,
  ConversionError,
  EngineCrashedError,
  LimitExceededError,
  ScriptRuntimeError,
  ScriptSyntaxError,
} from '../errors.js'
import { decodeError, encodeError } from './wire-errors.js'

const roundTrip = (e: unknown) => decodeError(structuredClone(encodeError(e)))

describe('errors across threads', () => {
  it('rebuilds each typed error as its own class with its fields', () => {
    const cases: [Error, Record<string, unknown>][] = [
      [new LimitExceededError('timeout', 120, 100), { limit: 'timeout', used: 120, max: 100 }],
      [new BridgeError('kv.get: argument 1: expected string, received number', 'kv.get'), { path: 'kv.get' }],
      [new ConversionError('$.a[2]', 'cycle detected'), { path: '$.a[2]', reason: 'cycle detected' }],
      [new ScriptSyntaxError('unexpected symbol', 'x.lua', 3, 7), { scriptName: 'x.lua', line: 3, column: 7 }],
      [new ScriptRuntimeError('boom', 'x.js', 2, 1, 'at f (x.js:2)', { code: 7 }), { scriptName: 'x.js', line: 2, thrown: { code: 7 } }],
      [new PolicyError('limits.timeoutMs', 'too loose'), { field: 'limits.timeoutMs' }],
      [new CancelledError('execution cancelled'), {}],
      [new EngineCrashedError('worker crashed'), {}],
    ]
    for (const [original, fields] of cases) {
      const back = roundTrip(original)
      expect(back).toBeInstanceOf(original.constructor)
      expect(back.message).toBe(original.message)
      expect((back as unknown as { code: string }).code).toBe((original as unknown as { code: string }).code)
      expect(back).toMatchObject(fields)
    }
  })

  it('keeps unknown errors and thrown non-errors readable, and drops values that cannot be cloned', () => {
    const plain = roundTrip(Object.assign(new Error('weird'), { name: 'RangeError' }))
    expect([plain.name, plain.message]).toEqual(['RangeError', 'weird'])
    expect(roundTrip('just a string').message).toBe('just a string')
    const withFn = roundTrip(new ScriptRuntimeError('x', 's.js', 1, 1, undefined, { f: () => 1 }))
    expect((withFn as ScriptRuntimeError).thrown).toBeUndefined()
  })
})
