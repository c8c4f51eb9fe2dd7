import { PolyhostError as SecurityBase } from '@polyhost/security'
import { describe, expect, it } from 'vitest'
import {
  BridgeError,
  CancelledError,
  ClosedError,
  ConversionError,
  EngineCrashedError,
  EngineNotFoundError,
  InvalidArgumentError,
  isFatal,
  LimitExceededError,
  PolicyError,
  PolyhostError,
  PoolExhaustedError,
  sanitizeScriptMessage,
  ScriptRuntimeError,
  ScriptSyntaxError,
  SecurityViolationError,
} from './errors.js'

describe('error codes', () => {
  it('are stable and every error is a PolyhostError with its class name', () => {
    const all: [PolyhostError, string, string][] = [
      [new ScriptSyntaxError('x', 'a.lua', 1), 'E_SYNTAX', 'ScriptSyntaxError'],
      [new ScriptRuntimeError('x', 'a.lua'), 'E_RUNTIME', 'ScriptRuntimeError'],
      [new LimitExceededError('timeout', 2, 1), 'E_LIMIT', 'LimitExceededError'],
      [new SecurityViolationError('x'), 'E_SECURITY', 'SecurityViolationError'],
      [new BridgeError('x', 'kv.get'), 'E_BRIDGE', 'BridgeError'],
      [new ConversionError('$.a', 'x'), 'E_CONVERSION', 'ConversionError'],
      [new CancelledError('x'), 'E_CANCELLED', 'CancelledError'],
      [new EngineNotFoundError('x'), 'E_ENGINE_NOT_FOUND', 'EngineNotFoundError'],
      [new PoolExhaustedError('x'), 'E_POOL_EXHAUSTED', 'PoolExhaustedError'],
      [new EngineCrashedError('x'), 'E_ENGINE_CRASHED', 'EngineCrashedError'],
      [new ClosedError('x'), 'E_CLOSED', 'ClosedError'],
      [new InvalidArgumentError('x'), 'E_INVALID_ARGUMENT', 'InvalidArgumentError'],
      [new PolicyError('limits.timeoutMs', 'x'), 'E_POLICY', 'PolicyError'],
    ]
    for (const [e, code, name] of all) {
      expect(e).toBeInstanceOf(PolyhostError)
      expect(e).toBeInstanceOf(Error)
      expect([e.code, e.name]).toEqual([code, name])
    }
    expect(PolyhostError).toBe(SecurityBase)
  })

  it('carry their fields into the message', () => {
    const l = new LimitExceededError('instructions', 1001, 1000)
    expect([l.limit, l.used, l.max, l.message]).toEqual(['instructions', 1001, 1000, 'instructions limit exceeded (1001 > 1000)'])
    expect(new ConversionError('$.a[1]', 'cycle detected').message).toBe('$.a[1]: cycle detected')
    expect(new PolicyError('limits.x', 'bad').message).toBe('limits.x: bad')
  })

  it('isFatal is true only for errors a script may not catch', () => {
    expect(isFatal(new LimitExceededError('memory', 2, 1))).toBe(true)
    expect(isFatal(new CancelledError('x'))).toBe(true)
    expect(isFatal(new EngineCrashedError('x'))).toBe(true)
    expect(isFatal(new BridgeError('x', 'kv.get'))).toBe(false)
    expect(isFatal(new ScriptRuntimeError('x', 'a'))).toBe(false)
    expect(isFatal(new Error('x'))).toBe(false)
  })
})

describe('sanitizeScriptMessage', () => {
  it.each([
    ["ENOENT: no such file or directory, open '/srv/app/data/secret.txt'", "ENOENT: no such file or directory, open '<host>'"],
    ['boom at /home/u/app/node_modules/x/index.js:10:5', 'boom at <host>'],
    ['failed (file:///home/u/app/x.mjs:3:1)', 'failed (<host>)'],
    ['in node:internal/modules/cjs/loader:1100:14', 'in <host>'],
    ['C:\\Users\\me\\app\\x.js:1 broke', '<host> broke'],
  ])('removes host paths: %s', (input, out) => {
    expect(sanitizeScriptMessage(input)).toBe(out)
  })

  it.each([
    'demo.lua:3: attempt to index a nil value',
    'jobs/cleanup.lua:7: bad argument',
    'ratio 1/2/3 and and/or',
    'see https://example.com/a/b for help',
    'expected string, received number',
  ])('leaves script messages alone: %s', (msg) => {
    expect(sanitizeScriptMessage(msg)).toBe(msg)
  })

  it('drops host stack frames but keeps script lines', () => {
    const msg = 'Error: bad\n    at handler (/srv/app/bridge.js:4:11)\n    at node:internal/process/task_queues:95:5\n    at rule.js:2'
    expect(sanitizeScriptMessage(msg)).toBe('Error: bad\n    at rule.js:2')
  })

  it('is applied by script errors to messages and script stacks', () => {
    const e = new ScriptRuntimeError('x /opt/host/lib/a.js:1 y', 'a.js', 1, 2, 'at f (/opt/host/lib/a.js:1)\nat a.js:1')
    expect(e.message).toBe('x <host> y')
    expect(e.scriptStack).toBe('at f (<host>)\nat a.js:1')
    expect(new ScriptSyntaxError('unexpected token at /x/y/z.lua:1', 'a.lua').message).toBe('unexpected token at <host>')
  })
})
