import {
  BridgeError,
  CancelledError,
  ConversionError,
  EngineCrashedError,
  InvalidArgumentError,
  LimitExceededError,
  PoolExhaustedError,
  ScriptRuntimeError,
  ScriptSyntaxError,
  SecurityViolationError,
} from '@polyhost/core'
import { UnrecoverableError } from 'bullmq'
import { describe, expect, it } from 'vitest'
import { RetryableError } from './errors.js'
import { failureFor, isRetryable } from './retry-policy.js'

describe('isRetryable', () => {
  const never = [
    new ScriptSyntaxError('x', 'a.lua', 1),
    new ScriptRuntimeError('boom', 'a.lua', 1),
    new LimitExceededError('instructions', 11, 10),
    new SecurityViolationError('no'),
    new ConversionError('$', 'cycle'),
    new InvalidArgumentError('bad'),
    new BridgeError('kv.get: argument 1: expected string', 'kv.get'),
    new CancelledError('cancelled'),
  ]
  for (const e of never) {
    it(`${e.name}: never, as UnrecoverableError`, () => {
      expect(isRetryable(e, [])).toBe(false)
      expect(failureFor(e, [])).toBeInstanceOf(UnrecoverableError)
    })
  }

  it('crashed engines, exhausted pools and non-Polyhost errors retry', () => {
    for (const e of [new EngineCrashedError('lost'), new PoolExhaustedError('busy'), new Error('ECONNRESET')]) {
      expect(isRetryable(e, [])).toBe(true)
      expect(failureFor(e, [])).toBe(e)
    }
  })

  it('a bridge failure retries when its handler threw RetryableError, also after escaping the script', () => {
    expect(isRetryable(new BridgeError('down', 'x.y', { cause: new RetryableError('down') }), [])).toBe(true)
    expect(isRetryable(new ScriptRuntimeError('a.lua:1: upstream down (3)', 'a.lua', 1), ['upstream down (3)'])).toBe(true)
    expect(isRetryable(new ScriptRuntimeError('a.lua:1: other', 'a.lua', 1), ['upstream down (3)'])).toBe(false)
  })

  it("an abort by BullMQ (not a caller's cancel) retries", () => {
    expect(isRetryable(new CancelledError('execution cancelled'), [], true)).toBe(true)
  })
})
