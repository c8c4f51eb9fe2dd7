import { PolicyError } from '@polyhost/security'
import { describe, expect, it } from 'vitest'
import {
  BridgeError,
  CancelledError,
  ConversionError,
  EngineCrashedError,
  InterruptedError,
  LimitExceededError,
  PolyhostError,
  ScriptRuntimeError,
  ScriptSyntaxError,
} from '../errors.js'
import { decodeError, encodeError, registerErrorClass } from './wire-errors.js'

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
      [new InterruptedError('another execution on its worker overran'), { retryable: true }],
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

  it('keeps the code of a class this side does not know, and a cause that is an error', () => {
    const foreign = Object.assign(new Error('upstream 503'), { name: 'UpstreamError', code: 'E_UPSTREAM' })
    const back = roundTrip(new BridgeError('http.get: upstream 503', 'http.get', { cause: foreign }))
    expect(back).toBeInstanceOf(BridgeError)
    expect(back.cause).toMatchObject({ name: 'UpstreamError', code: 'E_UPSTREAM', message: 'upstream 503' })
    // across two boundaries (host → worker thread → host) the unknown class keeps its name
    expect(decodeError(structuredClone(encodeError(back))).cause).toMatchObject({ name: 'UpstreamError', code: 'E_UPSTREAM' })
  })

  it('rebuilds a registered package class with its fields; core classes cannot be replaced', () => {
    class QuotaError extends PolyhostError {
      override readonly name = 'QuotaError'
      readonly code = 'E_QUOTA'
      constructor(readonly quota: string) {
        super(`quota ${quota} used up`)
      }
    }
    registerErrorClass('QuotaError', { fields: ['quota'], rebuild: (_, f) => new QuotaError(f.quota) })
    const back = roundTrip(new BridgeError('kv.put: quota', 'kv.put', { cause: new QuotaError('writes') }))
    expect(back.cause).toBeInstanceOf(QuotaError)
    expect(back.cause).toMatchObject({ quota: 'writes', code: 'E_QUOTA' })
    expect(() => registerErrorClass('LimitExceededError', { fields: [], rebuild: (m) => new Error(m) })).toThrow(/core error class/)
  })

  it('rebuilds an unknown class with the caller’s fallback', () => {
    const w = encodeError(Object.assign(new Error('gone'), { name: 'Whatever' }))
    const back = decodeError(w, { unknown: (x) => new CancelledError(`fallback: ${x.message}`) })
    expect(back).toBeInstanceOf(CancelledError)
    expect(back.message).toBe('gone')
  })

  it('never throws on an error whose fields throw, and can leave causes behind', () => {
    // a bridge handler's error whose cause is a Proxy that throws on every read: encoding it
    // for the worker threw from the host's message handler (an uncaught exception in the host)
    const trap = new Proxy(new Error('x'), {
      get() {
        throw new Error('read /srv/app/secret')
      },
    })
    const withCause = new BridgeError('users.shaped: invalid return value', 'users.shaped', { cause: trap })
    expect(() => encodeError(withCause)).not.toThrow()
    expect(encodeError(withCause).cause).toEqual({ name: 'Error', message: 'an error whose fields could not be read' })
    expect(encodeError(trap)).toEqual({ name: 'Error', message: 'an error whose fields could not be read' })
    expect(encodeError(withCause, { causes: false })).not.toHaveProperty('cause')
    expect(encodeError(withCause, { causes: false }).message).toBe('users.shaped: invalid return value')
    const causeGetter = new Error('outer')
    Object.defineProperty(causeGetter, 'cause', {
      get() {
        throw new Error('no')
      },
    })
    expect(encodeError(causeGetter)).toEqual({ name: 'Error', message: 'outer' })
  })
})
