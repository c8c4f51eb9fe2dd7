import {
  BridgeError,
  CancelledError,
  ClosedError,
  ConversionError,
  EngineCrashedError,
  EngineNotFoundError,
  InterruptedError,
  InvalidArgumentError,
  LimitExceededError,
  PolicyError,
  PoolExhaustedError,
  ScriptRuntimeError,
  ScriptSyntaxError,
  SecurityViolationError,
} from '@polyhost/core'
import { describe, expect, it } from 'vitest'
import { rebuildError, storeError } from './stored-errors.js'
import { JobFailedError, JobNotFoundError, ResultTimeoutError, RetryableError, ScriptNotFoundError } from './errors.js'

/** Through JSON, as the error travels in Redis. */
const roundTrip = (e: unknown) => rebuildError(storeError(e), '7')

describe('storeError / rebuildError (core codec, JSON)', () => {
  const errors = [
    new ScriptSyntaxError("a.lua:1: unexpected symbol near '='", 'a.lua', 1, 3),
    new ScriptRuntimeError('a.js:2: boom', 'a.js', 2, 5, '    at f (a.js:2:5)', { why: new Uint8Array([1, 2]) }),
    new LimitExceededError('memory', 70_000_000, 67_108_864),
    new SecurityViolationError('os.execute is not allowed'),
    new BridgeError('kv.get: argument 1: expected string, received number', 'kv.get'),
    new ConversionError('$.a[3]', 'cycle'),
    new PolicyError('limits.timeoutMs', 'must be positive'),
    new CancelledError('job 7 was cancelled'),
    new EngineNotFoundError('no engine for .py'),
    new PoolExhaustedError('no state within 100 ms'),
    new EngineCrashedError('worker exited'),
    new InterruptedError('another execution on its worker overran'),
    new ClosedError('host is closed'),
    new InvalidArgumentError('enqueue: script: invalid'),
    new ScriptNotFoundError('discount', 4),
    new JobFailedError('stalled too often', '12'),
    new ResultTimeoutError('12', 200),
    new JobNotFoundError('12'),
    new RetryableError('upstream 503'),
  ]
  for (const e of errors) {
    it(`${e.name} keeps its class, code, message and fields`, () => {
      const back = roundTrip(e)
      expect(back.constructor).toBe(e.constructor)
      expect({ ...back, message: back.message }).toEqual({ ...e, message: e.message })
    })
  }

  it('an error without a Polyhost class becomes JobFailedError with its message', () => {
    const back = roundTrip(new TypeError('x is not a function'))
    expect(back).toBeInstanceOf(JobFailedError)
    expect(back).toMatchObject({ message: 'x is not a function', jobId: '7', code: 'E_JOB_FAILED' })
  })

  it('a thrown value that cannot be stored is dropped, the error is kept', () => {
    const back = roundTrip(new ScriptRuntimeError('boom', 'a.js', 1, 1, undefined, { f: () => 1 }))
    expect(back).toBeInstanceOf(ScriptRuntimeError)
    expect((back as ScriptRuntimeError).thrown).toBeUndefined()
  })

  it('a bridge failure keeps its RetryableError cause, and a thrown Uint8Array its bytes', () => {
    const back = roundTrip(new BridgeError('http.get: upstream 503', 'http.get', { cause: new RetryableError('upstream 503') }))
    expect(back.cause).toBeInstanceOf(RetryableError)
    const thrown = roundTrip(new ScriptRuntimeError('boom', 'a.js', 1, 1, undefined, new Uint8Array([1, 2, 3])))
    expect((thrown as ScriptRuntimeError).thrown).toEqual(new Uint8Array([1, 2, 3]))
  })
})
